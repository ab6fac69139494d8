"""Deployment files (deploy/, Dockerfile, .dockerignore, docker-compose.yml) parse and agree with each other and
with the public contract: metric names and labels, the web port, the settings, the mounted files.

No Docker engine, cluster or Prometheus is needed. When `promtool` is found ($PROMTOOL, beside this Python where
`make test` builds it with Go, or on PATH), the Prometheus configuration, the alert rules, their unit tests
(deploy/prometheus/alerts.test.yml) and every dashboard query are also checked by Prometheus' own parser;
otherwise those tests are skipped.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
PROMETHEUS_DIR = DEPLOY / "prometheus"
GRAFANA_DIR = DEPLOY / "grafana"
K8S_DIR = DEPLOY / "k8s"
DASHBOARD = GRAFANA_DIR / "dashboards" / "sigap-overview.json"
ALERTS = PROMETHEUS_DIR / "alerts.yml"
COMPOSE = ROOT / "docker-compose.yml"

# ---- The metric catalogue of contract.md ("Metrics") and its extensions: name -> label names ---------------
COUNTERS = {
    "sigap_posts_consumed_total": {"platform"},
    "sigap_posts_scored_total": set(),
    "sigap_posts_invalid_total": {"reason"},
    "sigap_escalations_total": {"level"},
    "sigap_feedback_total": {"verdict"},
    "sigap_issue_state_written_bytes_total": set(),
    "sigap_issue_state_written_records_total": set(),
    "sigap_issue_clock_written_bytes_total": set(),
    "sigap_issue_clock_written_records_total": set(),
    "sigap_posts_labelled_total": {"model", "label"},
    "sigap_issue_posts_total": {"outcome"},
    "sigap_input_records_deleted_unread_total": {"topic"},  # extension (README, "Metrics")
    "sigap_notify_events_total": {"outcome"},  # `sigap notify`, job sigap-notify
    "sigap_notify_retries_total": set(),
    "sigap_policy_reloads_total": set(),  # extension (README, "Metrics")
    "sigap_policy_rejected_total": set(),
}
GAUGES = {
    "sigap_issues_active": set(),
    "sigap_consumer_lag": {"topic", "partition"},
    "sigap_model_info": {"model", "version"},
    "sigap_claims_known": set(),
    "sigap_policy_file_in_force": set(),  # extension (README, "Metrics")
    "sigap_notify_last_delivered_timestamp_seconds": set(),
    "sigap_notify_info": {"notifier", "format"},
    "up": set(),
}
HISTOGRAMS = {
    "sigap_processing_seconds": set(),
    "sigap_event_lag_seconds": set(),
    "sigap_model_inference_seconds": {"model"},
    "sigap_escalation_detection_seconds": {"level"},  # extension (README, "Metrics")
}
TARGET_LABELS = {"job", "instance"}  # attached by Prometheus to every scraped series


def _series_labels() -> dict[str, set[str]]:
    labels = {name: set(names) for name, names in {**COUNTERS, **GAUGES}.items()}
    for name, names in HISTOGRAMS.items():
        labels[f"{name}_bucket"] = names | {"le"}
        labels[f"{name}_sum"] = set(names)
        labels[f"{name}_count"] = set(names)
    return labels


SERIES_LABELS = _series_labels()
RATE_OK = set(COUNTERS) | {n for n in SERIES_LABELS if n.endswith(("_bucket", "_sum", "_count"))}

# ---- a small PromQL scanner (enough for the expressions in these files) -----------------------------------
_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "offset",
             "bool", "inf", "nan"}
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')
_SELECTOR = re.compile(r"(?<![\w:.$])([a-zA-Z_:][\w:]*)\s*\{([^}]*)\}")
_GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)")
_IDENT = re.compile(r"(?<![\w:.$])([a-zA-Z_:][\w:]*)\b(?!\s*\()")
_RANGE_FUNCS = re.compile(r"\b(rate|irate|increase)\s*\(\s*([a-zA-Z_:][\w:]*)")


def _strip_strings(expr: str) -> str:
    return _STRING.sub('""', expr)


def metric_names(expr: str) -> set[str]:
    expr = _strip_strings(expr)
    names = {m.group(1) for m in _SELECTOR.finditer(expr)}
    bare = _SELECTOR.sub(lambda m: m.group(1), expr)
    bare = re.sub(r"\[[^\]]*\]", "", bare)
    bare = _GROUPING.sub("", bare)
    names |= {m.group(1) for m in _IDENT.finditer(bare)} - _KEYWORDS
    return names


def matcher_labels(expr: str) -> list[tuple[str, set[str]]]:
    found = []
    for m in _SELECTOR.finditer(_strip_strings(expr)):
        found.append((m.group(1), set(re.findall(r"([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)", m.group(2)))))
    return found


def grouping_labels(expr: str) -> set[str]:
    labels: set[str] = set()
    for m in _GROUPING.finditer(_strip_strings(expr)):
        labels |= {part.strip() for part in m.group(2).split(",") if part.strip()}
    return labels


def _check_promql(where: str, expr: str) -> list[str]:
    problems = []
    names = metric_names(expr)
    if not names:
        problems.append(f"{where}: no metric in {expr!r}")
    for name in sorted(names):
        if name in HISTOGRAMS:
            problems.append(f"{where}: histogram {name} has no series of that name; use _bucket/_sum/_count")
        elif name not in SERIES_LABELS:
            problems.append(f"{where}: {name} is not a Sigap metric of the contract (nor up)")
    for name, labels in matcher_labels(expr):
        unknown = labels - SERIES_LABELS.get(name, set()) - TARGET_LABELS
        if name in SERIES_LABELS and unknown:
            problems.append(f"{where}: {name} has no label(s) {sorted(unknown)}")
    available = set().union(*(SERIES_LABELS.get(n, set()) for n in names)) | TARGET_LABELS if names else set()
    unknown = grouping_labels(expr) - available
    if unknown:
        problems.append(f"{where}: grouping by label(s) {sorted(unknown)} that no metric in the query has")
    for func, name in _RANGE_FUNCS.findall(_strip_strings(expr)):
        if name not in RATE_OK:
            problems.append(f"{where}: {func}() over {name}, which is not a counter")
    if "histogram_quantile" in expr:
        if "_bucket" not in expr or "le" not in grouping_labels(expr):
            problems.append(f"{where}: histogram_quantile needs rate(..._bucket) aggregated by le")
    return problems


def test_promql_scanner_understands_the_queries_it_checks():
    expr = ('histogram_quantile(0.95, sum by (model, le) (rate(sigap_model_inference_seconds_bucket'
            '{instance=~"$instance"}[$__rate_interval]))) > 1e-3 and on (instance) up{job="sigap"} offset 5m')
    assert metric_names(expr) == {"sigap_model_inference_seconds_bucket", "up"}
    assert grouping_labels(expr) == {"model", "le", "instance"}
    assert _check_promql("ok", expr) == []
    assert _check_promql("bad", "sum by (platform) (rate(sigap_posts_scored_total[5m]))")
    assert _check_promql("bad", "rate(sigap_issues_active[5m])")
    assert _check_promql("bad", "histogram_quantile(0.9, rate(sigap_processing_seconds[5m]))")
    assert _check_promql("bad", 'sigap_feedback_total{verdit="confirmed"}')
    assert _check_promql("bad", "sigap_posts_consumed")


# ---- loading --------------------------------------------------------------------------------------------------
def _yaml_files() -> list[Path]:
    return sorted(DEPLOY.rglob("*.yml")) + sorted(DEPLOY.rglob("*.yaml")) + [COMPOSE]


def _load_yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _load_all_yaml(path: Path) -> list:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc is not None]


@pytest.mark.parametrize("path", _yaml_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_yaml_parses(path):
    docs = _load_all_yaml(path)
    assert docs, f"{path} is empty"


@pytest.mark.parametrize("path", sorted(DEPLOY.rglob("*.json")), ids=lambda p: str(p.relative_to(ROOT)))
def test_json_parses(path):
    assert isinstance(json.loads(path.read_text(encoding="utf-8")), dict)


def test_the_expected_files_exist():
    for relative in ["Dockerfile", ".dockerignore", "docker-compose.yml", "deploy/README.md",
                     "deploy/prometheus/prometheus.yml", "deploy/prometheus/alerts.yml",
                     "deploy/grafana/dashboards/sigap-overview.json", "deploy/k8s/kustomization.yaml"]:
        assert (ROOT / relative).is_file(), relative


# ---- alert rules ----------------------------------------------------------------------------------------------
REQUIRED_ALERTS = {
    "SigapWorkerDown", "SigapConsumerLagGrowing", "SigapHighInvalidInputRate", "SigapProcessingLatencyHigh",
    "SigapNoPostsScored", "SigapModelInfoMissing", "SigapAwasEscalation",
}
_DURATION = re.compile(r"^(\d+(ms|s|m|h|d|w|y))+$")


def _alert_rules() -> list[dict]:
    groups = _load_yaml(ALERTS)["groups"]
    return [rule for group in groups for rule in group["rules"] if "alert" in rule]


def test_alert_rules_have_the_required_fields():
    rules = _alert_rules()
    names = [rule["alert"] for rule in rules]
    assert len(names) == len(set(names)), "duplicate alert names"
    assert REQUIRED_ALERTS <= set(names), f"missing alerts: {REQUIRED_ALERTS - set(names)}"
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    for rule in rules:
        name = rule["alert"]
        assert re.fullmatch(r"[A-Z][A-Za-z0-9]+", name), name
        assert isinstance(rule.get("expr"), str) and rule["expr"].strip(), name
        assert set(rule) <= {"alert", "expr", "for", "keep_firing_for", "labels", "annotations"}, name
        if "for" in rule:
            assert _DURATION.match(str(rule["for"])), f"{name}: bad duration {rule['for']!r}"
        assert rule.get("labels", {}).get("severity") in {"critical", "warning", "info"}, name
        annotations = rule.get("annotations", {})
        for key in ("summary", "description", "runbook"):
            assert str(annotations.get(key, "")).strip(), f"{name}: annotation {key} missing"
        anchor = f"deploy/README.md#{name.lower()}"
        assert anchor in annotations["runbook"], f"{name}: runbook should point at {anchor}"
        assert re.search(rf"^#+ {name}\s*$", readme, re.M), f"deploy/README.md has no runbook section {name}"


def test_alert_expressions_use_only_contract_metrics():
    problems = []
    for rule in _alert_rules():
        problems += _check_promql(f"alert {rule['alert']}", rule["expr"])
    assert not problems, "\n".join(problems)


EXTENSIONS = {"sigap_feedback_total", "sigap_claims_known"}


def test_referenced_metrics_are_exported_by_the_workers():
    """The names above are the contract; this checks the code (streams/metrics.py) really exports them."""
    try:
        from streams import metrics
    except ImportError as exc:  # the module is someone else's; its absence is not a deployment bug
        pytest.skip(f"streams.metrics not importable: {exc}")
    from streams.escalation import notify_metrics

    exported = {"up"}
    suffixes = {"counter": ["_total"], "histogram": ["_bucket", "_sum", "_count"], "gauge": [""]}
    for family in [*metrics.REGISTRY.collect(), *notify_metrics.REGISTRY.collect()]:
        exported |= {family.name + suffix for suffix in suffixes.get(family.type, [""])}
    referenced = set()
    for rule in _alert_rules():
        referenced |= metric_names(rule["expr"])
    for _, expr in _dashboard_queries(_dashboard()):
        referenced |= metric_names(expr)
    missing = referenced - exported
    assert not missing - EXTENSIONS, f"dashboards/alerts use metrics the workers do not export: {missing}"
    if missing:
        warnings.warn(f"extension metrics not exported (yet) by streams/metrics.py: {sorted(missing)}")


def test_prometheus_configs_scrape_the_sigap_job_and_load_the_rules():
    for name in ("prometheus.yml", "prometheus-kubernetes.yml"):
        config = _load_yaml(PROMETHEUS_DIR / name)
        jobs = {job["job_name"]: job for job in config["scrape_configs"]}
        assert "sigap" in jobs, f"{name}: alerts and dashboard select job=\"sigap\""
        assert jobs["sigap"].get("metrics_path", "/metrics") == "/metrics"
        for rule_file in config.get("rule_files", []):
            assert not Path(rule_file).is_absolute(), f"{name}: keep rule_files relative to the config"
            assert (PROMETHEUS_DIR / rule_file).is_file(), f"{name}: {rule_file} does not exist"
    kubernetes = _load_yaml(PROMETHEUS_DIR / "prometheus-kubernetes.yml")
    kubernetes_jobs = {job["job_name"] for job in kubernetes["scrape_configs"]}
    assert "sigap-notify" in kubernetes_jobs, "the notifiers' job (alerts.yml's sigap.notify group)"
    for rule in _alert_rules():
        notify_rule = any(name.startswith("sigap_notify_") for name in metric_names(rule["expr"]))
        for job in re.findall(r'job\s*=\s*"([^"]*)"', rule["expr"]):
            assert job == ("sigap-notify" if notify_rule or rule["alert"] == "SigapNotifierDown" else "sigap"), \
                rule["alert"]


# ---- Grafana --------------------------------------------------------------------------------------------------
def _dashboard() -> dict:
    return json.loads(DASHBOARD.read_text(encoding="utf-8"))


def _panels(dashboard: dict) -> list[dict]:
    panels = []
    for panel in dashboard["panels"]:
        panels.append(panel)
        panels += panel.get("panels", [])
    return panels


def _dashboard_queries(dashboard: dict) -> list[tuple[str, str]]:
    queries = []
    for panel in _panels(dashboard):
        for target in panel.get("targets", []):
            queries.append((f"panel {panel['title']!r} {target.get('refId')}", target["expr"]))
    for variable in dashboard.get("templating", {}).get("list", []):
        if variable.get("type") == "query":
            query = variable["query"]
            query = query["query"] if isinstance(query, dict) else query
            m = re.fullmatch(r"\s*label_values\((.*),\s*\w+\)\s*", query)
            queries.append((f"variable {variable['name']}", m.group(1) if m else query))
    return queries


def test_dashboard_queries_use_only_contract_metrics():
    problems = []
    for where, expr in _dashboard_queries(_dashboard()):
        problems += _check_promql(where, expr)
    assert not problems, "\n".join(problems)


def test_dashboard_structure():
    dashboard = _dashboard()
    assert dashboard["uid"] and dashboard["title"]
    panels = _panels(dashboard)
    ids = [panel["id"] for panel in panels]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    occupied: dict[tuple[int, int], str] = {}
    for panel in panels:
        pos = panel["gridPos"]
        assert 0 <= pos["x"] and pos["x"] + pos["w"] <= 24, panel["title"]
        for x in range(pos["x"], pos["x"] + pos["w"]):
            for y in range(pos["y"], pos["y"] + pos["h"]):
                assert (x, y) not in occupied, f"{panel['title']!r} overlaps {occupied[(x, y)]!r}"
                occupied[(x, y)] = panel["title"]
        if panel["type"] == "row":
            continue
        assert panel["datasource"]["uid"] == "${datasource}", panel["title"]
        ref_ids = [t["refId"] for t in panel["targets"]]
        assert ref_ids and len(ref_ids) == len(set(ref_ids)), panel["title"]
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == "${datasource}", panel["title"]
    exprs = " ".join(expr for _, expr in _dashboard_queries(dashboard))
    for histogram in ("sigap_processing_seconds", "sigap_event_lag_seconds"):
        for q in ("0.5", "0.95", "0.99"):
            assert re.search(rf"histogram_quantile\({q}, [^;]*{histogram}_bucket", exprs), (histogram, q)
    assert "sigap_model_inference_seconds_bucket" in exprs
    assert 'verdict="confirmed"' in exprs and "false_alarm" in exprs, "alert precision panel"


def test_grafana_provisioning_matches_the_compose_mounts():
    datasources = _load_yaml(GRAFANA_DIR / "provisioning" / "datasources" / "prometheus.yml")["datasources"]
    (prometheus,) = [ds for ds in datasources if ds["type"] == "prometheus"]
    default = {v["name"]: v for v in _dashboard()["templating"]["list"]}["datasource"]["current"]["value"]
    assert prometheus["uid"] == default, "the dashboard's default data source must be the provisioned one"
    services = _load_yaml(COMPOSE)["services"]
    host, port = re.fullmatch(r"https?://([^:/]+):(\d+)/?", prometheus["url"]).groups()
    assert host in services, f"datasource url names {host}, which is no compose service"
    providers = _load_yaml(GRAFANA_DIR / "provisioning" / "dashboards" / "sigap.yml")["providers"]
    mounts = _bind_mounts(services["grafana"])
    for provider in providers:
        source = _mounted_source(mounts, provider["options"]["path"])
        assert source is not None, f"provider path {provider['options']['path']} is not mounted into grafana"
        assert (source / DASHBOARD.name).is_file()
    assert _mounted_source(mounts, "/etc/grafana/provisioning") == GRAFANA_DIR / "provisioning"
    home = services["grafana"].get("environment", {}).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH")
    if home:
        assert _mounted_source(mounts, home).is_file()


def _promtool() -> str | None:
    """$PROMTOOL, or promtool beside this Python (`make promtool` builds it into the virtual environment), or on
    PATH."""
    search = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return os.environ.get("PROMTOOL") or shutil.which("promtool", path=search)


@pytest.mark.skipif(_promtool() is None, reason="promtool not found (make promtool builds it when Go is installed)")
class TestWithPromtool:
    promtool = _promtool() or "promtool"

    def run(self, *args, cwd=PROMETHEUS_DIR):
        result = subprocess.run([self.promtool, *args], cwd=cwd, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr

    def test_config(self):
        self.run("check", "config", "prometheus.yml")

    def test_rules(self):
        self.run("check", "rules", "alerts.yml")

    def test_rule_unit_tests(self):
        self.run("test", "rules", "alerts.test.yml")

    def test_dashboard_queries_parse(self, tmp_path):
        substitutions = {"$__rate_interval": "1m", "$__range": "6h", "$__interval": "1m", "$instance": ".*",
                         "${instance}": ".*"}
        rules = []
        for i, (_, expr) in enumerate(_dashboard_queries(_dashboard())):
            for variable, value in substitutions.items():
                expr = expr.replace(variable, value)
            assert "$" not in expr, expr
            rules.append({"record": f"dashboard:query_{i}", "expr": expr})
        path = tmp_path / "dashboard_rules.yml"
        path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}), encoding="utf-8")
        self.run("check", "rules", str(path))


# ---- docker-compose -------------------------------------------------------------------------------------------
def _environment(service: dict) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: str(value) for key, value in env.items()}


def _bind_mounts(service: dict) -> dict[str, Path]:
    """Container path -> host path, for bind mounts given as relative host paths."""
    mounts = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):
            source, target = volume.get("source", ""), volume["target"]
        else:
            source, target = volume.split(":")[:2]
        if source.startswith((".", "/")):
            mounts[target] = (ROOT / source).resolve()
    return mounts


def _mounted_source(mounts: dict[str, Path], container_path: str) -> Path | None:
    for target, source in mounts.items():
        if container_path == target or container_path.startswith(target.rstrip("/") + "/"):
            return source / os.path.relpath(container_path, target)
    return None


def _worker_services(services: dict) -> dict[str, dict]:
    return {name: s for name, s in services.items() if s.get("command", [None])[:1] == ["worker"]}


def test_compose_references_existing_files_and_services():
    compose = _load_yaml(COMPOSE)
    services = compose["services"]
    named_volumes = set(compose.get("volumes") or {})
    for name, service in services.items():
        build = service.get("build")
        if build:
            context = ROOT / (build if isinstance(build, str) else build.get("context", "."))
            dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
            assert (context / dockerfile).is_file(), f"{name}: {context / dockerfile} missing"
        assert build or service.get("image"), name
        for source in _bind_mounts(service).values():
            assert source.exists(), f"{name}: bind mount source {source} does not exist"
        for volume in service.get("volumes", []):
            source = volume.get("source", "") if isinstance(volume, dict) else volume.split(":")[0]
            if source and not source.startswith((".", "/")):
                assert source in named_volumes, f"{name}: volume {source} is not declared"
        depends = service.get("depends_on", {})
        for dependency in depends if isinstance(depends, list) else depends.keys():
            assert dependency in services, f"{name} depends on unknown service {dependency}"
    prometheus_mounts = _bind_mounts(services["prometheus"])
    config_arg = next(a for a in services["prometheus"]["command"] if a.startswith("--config.file="))
    assert _mounted_source(prometheus_mounts, config_arg.split("=", 1)[1]) == PROMETHEUS_DIR / "prometheus.yml"


def test_compose_stack_is_wired_together():
    services = _load_yaml(COMPOSE)["services"]
    kafka = services["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    kafka_env = _environment(kafka)
    assert "broker" in kafka_env["KAFKA_PROCESS_ROLES"] and "controller" in kafka_env["KAFKA_PROCESS_ROLES"]
    listener_ports = {int(p) for p in re.findall(r"://[^:,]*:(\d+)", kafka_env["KAFKA_LISTENERS"])}
    advertised = dict(re.findall(r"(\w+)://([^,]+)", kafka_env["KAFKA_ADVERTISED_LISTENERS"]))

    workers = _worker_services(services)
    assert len(workers) >= 2, "two sigap workers"
    topics = [name for name, s in services.items() if s.get("command", [])[:2] == ["topics", "create"]]
    assert len(topics) == 1, "one one-shot `sigap topics create` service"
    scrape = _load_yaml(PROMETHEUS_DIR / "prometheus.yml")["scrape_configs"]
    targets = {t for job in scrape if job["job_name"] == "sigap" for sc in job["static_configs"] for t in sc["targets"]}
    expected_targets = set()
    for name, service in {**workers, topics[0]: services[topics[0]]}.items():
        env = _environment(service)
        host, port = re.fullmatch(r"kafka://([^:,]+):(\d+)", env["SIGAP_BROKER"]).groups()
        assert host in services and int(port) in listener_ports, f"{name}: broker {host}:{port}"
        assert f"{host}:{port}" in advertised.values(), f"{name}: {host}:{port} is not an advertised listener"
    for name, service in workers.items():
        assert service["depends_on"][topics[0]]["condition"] == "service_completed_successfully", name
        web_port = _environment(service).get("SIGAP_WEB_PORT", "6066")
        container_ports = {str(p).rsplit(":", 1)[-1] for p in service.get("ports", [])}
        assert web_port in container_ports, f"{name}: SIGAP_WEB_PORT {web_port} is not published"
        expected_targets.add(f"{service.get('hostname', name)}:{web_port}")
        # healthy = able to score, so nothing waits on a worker that is still loading its models and claims
        assert f"127.0.0.1:{web_port}/ready" in " ".join(service["healthcheck"]["test"]), name
    assert targets == expected_targets, "prometheus.yml must scrape exactly the compose workers"


# ---- Dockerfile -----------------------------------------------------------------------------------------------
def _dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text(encoding="utf-8")


def test_dockerfile_builds_from_python_slim_and_runs_the_worker():
    text = _dockerfile()
    args = dict(re.findall(r"^ARG (\w+)=(\S+)", text, re.M))
    bases = [re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), m.group(0)), b)
             for b in re.findall(r"^FROM (\S+)", text, re.M)]
    assert bases and all(b == "python:3.11-slim" for b in bases), bases
    entrypoint = json.loads(re.findall(r"^ENTRYPOINT (\[.*\])$", text, re.M)[-1])
    cmd = json.loads(re.findall(r"^CMD (\[.*\])$", text, re.M)[-1])
    assert entrypoint + cmd == ["sigap", "worker"]
    assert re.search(r"pip install (--no-deps )?\.", text)
    assert "sigap train" not in text, "models ship in the package; nothing is trained at build time"
    assert re.search(r"^EXPOSE 6066$", text, re.M)
    assert re.search(r"^HEALTHCHECK .*\n?.*/ready'", text, re.M), "the image is healthy once it can score"


def _dockerignore_excludes(path: str, patterns: list[str]) -> bool:
    """Docker's rule, closely enough: the last matching pattern wins; a match on a parent excludes the path."""
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    excluded = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        if pattern.startswith("**/"):
            tail = pattern[3:]
            matches = any(fnmatch.fnmatch(c.split("/")[-1], tail) or fnmatch.fnmatch(c, tail) for c in candidates)
        else:
            matches = any(fnmatch.fnmatch(c, pattern) for c in candidates)
        if matches:
            excluded = not negate
    return excluded


def test_dockerignore_keeps_what_pip_install_needs():
    patterns = [line.strip() for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")]
    for needed in ["pyproject.toml", "README.md", "streams/__init__.py", "streams/settings.py",
                   "agents/__init__.py", "streams/models/artifacts/hoax.skops", "streams/models/artifacts/meta.json",
                   "streams/policy/default_policy.yaml", "streams/text/resources/slang.tsv"]:
        assert not _dockerignore_excludes(needed, patterns), f".dockerignore excludes {needed}"
    for unwanted in [".git/config", ".venv/bin/python", "var/faust/x", "streams/__pycache__/a.cpython-311.pyc"]:
        assert _dockerignore_excludes(unwanted, patterns), f".dockerignore should exclude {unwanted}"


# ---- Kubernetes -----------------------------------------------------------------------------------------------
def _k8s_objects() -> dict[tuple[str, str], dict]:
    objects = {}
    for path in sorted(K8S_DIR.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for doc in _load_all_yaml(path):
            key = (doc["kind"], doc["metadata"]["name"])
            assert key not in objects, f"duplicate {key}"
            objects[key] = doc
    return objects


def _one(objects, kind) -> dict:
    found = [o for (k, _), o in objects.items() if k == kind]
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]


def _settings_env_names() -> set[str]:
    from streams.settings import Settings

    return {f"SIGAP_{name.upper()}" for name in Settings.model_fields}


def _cpu_cores(quantity: str) -> float:
    quantity = str(quantity)
    return int(quantity[:-1]) / 1000 if quantity.endswith("m") else float(quantity)


def _resolve_port(container: dict, port) -> int:
    if isinstance(port, int):
        return port
    (number,) = [p["containerPort"] for p in container["ports"] if p.get("name") == port]
    return number


def test_kustomization_lists_existing_files():
    kustomization = _load_yaml(K8S_DIR / "kustomization.yaml")
    for resource in kustomization["resources"]:
        assert (K8S_DIR / resource).is_file(), resource
    for generator in kustomization.get("configMapGenerator", []) + kustomization.get("secretGenerator", []):
        for entry in generator.get("files", []):
            assert (K8S_DIR / entry.split("=", 1)[-1]).is_file(), entry
    listed = set(kustomization["resources"])
    for path in K8S_DIR.glob("*.yaml"):
        if path.name not in {"kustomization.yaml", "secret.yaml"}:
            assert path.name in listed, f"{path.name} is not in kustomization.yaml"


def test_k8s_objects_are_well_formed_and_namespaced():
    objects = _k8s_objects()
    namespace = _one(objects, "Namespace")["metadata"]["name"]
    assert _load_yaml(K8S_DIR / "kustomization.yaml").get("namespace") == namespace
    for (kind, name), obj in objects.items():
        assert obj.get("apiVersion"), (kind, name)
        if kind != "Namespace":
            assert obj["metadata"].get("namespace") == namespace, (kind, name)
    for kind in ("ConfigMap", "Secret", "Service", "StatefulSet", "PodDisruptionBudget", "Job"):
        assert any(k == kind for k, _ in objects), kind


def test_k8s_configmap_holds_only_known_sigap_settings():
    config = _one(_k8s_objects(), "ConfigMap")["data"]
    known = _settings_env_names()
    for key, value in config.items():
        assert key.startswith("SIGAP_"), key
        assert key in known, f"{key} is not a setting of streams/settings.py"
        assert isinstance(value, str), f"{key}: ConfigMap values must be strings (quote numbers)"
    assert "SIGAP_BROKER_PASSWORD" not in config, "the password belongs in the Secret"
    assert {"SIGAP_BROKER", "SIGAP_WEB_PORT", "SIGAP_DATA_DIR", "SIGAP_POLICY_PATH"} <= set(config)
    secret = _one(_k8s_objects(), "Secret")
    assert "SIGAP_BROKER_PASSWORD" in {**secret.get("stringData", {}), **secret.get("data", {})}


def test_k8s_statefulset_probes_ports_volumes_and_resources():
    objects = _k8s_objects()
    config = _one(objects, "ConfigMap")
    settings = config["data"]
    web_port = int(settings["SIGAP_WEB_PORT"])
    sts = _one(objects, "StatefulSet")
    spec = sts["spec"]
    pod = spec["template"]
    labels = pod["metadata"]["labels"]
    assert spec["selector"]["matchLabels"].items() <= labels.items()
    service = objects[("Service", spec["serviceName"])]
    assert service["spec"].get("clusterIP") == "None", "a StatefulSet's governing service is headless"
    assert service["spec"]["selector"].items() <= labels.items()
    pdb = _one(objects, "PodDisruptionBudget")
    assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()

    (container,) = pod["spec"]["containers"]
    assert container["image"] == "sigap:latest"
    assert container.get("args", container.get("command", []))[-1:] == ["worker"]
    for probe_name, path in (("readinessProbe", "/ready"), ("livenessProbe", "/health"), ("startupProbe", "/health")):
        probe = container[probe_name]["httpGet"]
        assert probe["path"] == path, probe_name
        assert _resolve_port(container, probe["port"]) == web_port, f"{probe_name} is not on SIGAP_WEB_PORT"
    for port in service["spec"]["ports"]:
        assert _resolve_port(container, port.get("targetPort", port["port"])) == web_port
    annotations = pod["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert int(annotations["prometheus.io/port"]) == web_port
    assert annotations.get("prometheus.io/path", "/metrics") == "/metrics"

    assert {"configMapRef": {"name": config["metadata"]["name"]}} in container["envFrom"]
    secret = _one(objects, "Secret")["metadata"]["name"]
    refs = {e["name"]: e["valueFrom"]["secretKeyRef"]
            for e in container["env"] if "secretKeyRef" in e.get("valueFrom", {})}
    assert refs["SIGAP_BROKER_PASSWORD"]["name"] == secret

    requests = container["resources"]["requests"]
    assert _cpu_cores(requests["cpu"]) == 2, "sized for a 2-core worker"
    assert requests.get("memory") and container["resources"].get("limits", {}).get("memory")

    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    claims = {t["metadata"]["name"] for t in spec["volumeClaimTemplates"]}
    assert any(mounts.get(claim) == settings["SIGAP_DATA_DIR"] for claim in claims), "PVC must hold SIGAP_DATA_DIR"
    policy_path = Path(settings["SIGAP_POLICY_PATH"])
    volumes = {v["name"]: v for v in pod["spec"].get("volumes", [])}
    (policy_volume,) = [name for name, path in mounts.items() if Path(path) == policy_path.parent]
    config_map = volumes[policy_volume]["configMap"]
    items = {item["path"]: item["key"] for item in config_map.get("items", [])}
    generators = {g["name"]: g for g in _load_yaml(K8S_DIR / "kustomization.yaml").get("configMapGenerator", [])}
    keys = {f.split("=", 1)[0] for f in generators[config_map["name"]]["files"]}
    assert items.get(policy_path.name, policy_path.name) in keys, "SIGAP_POLICY_PATH is not the mounted policy"


def test_k8s_topics_job_uses_the_worker_image_and_settings():
    objects = _k8s_objects()
    job = _one(objects, "Job")
    sts = _one(objects, "StatefulSet")
    (container,) = job["spec"]["template"]["spec"]["containers"]
    (worker,) = sts["spec"]["template"]["spec"]["containers"]
    assert container["image"] == worker["image"]
    assert container.get("args", [])[:2] == ["topics", "create"]
    assert container["envFrom"] == worker["envFrom"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] in {"OnFailure", "Never"}


def test_k8s_notify_example_runs_one_notifier_with_valid_options_and_its_url_from_a_secret():
    from streams.cli.follow import subscription
    from streams.cli.main import build_parser

    objects = _k8s_objects()
    (deployment,) = _load_all_yaml(K8S_DIR / "examples" / "notify-humas-jabar.yaml")
    assert deployment["kind"] == "Deployment"
    assert deployment["metadata"]["namespace"] == _one(objects, "Namespace")["metadata"]["name"]
    spec = deployment["spec"]
    assert spec["replicas"] == 1 and spec["strategy"]["type"] == "Recreate"  # never two with one name
    assert spec["selector"]["matchLabels"].items() <= spec["template"]["metadata"]["labels"].items()
    (container,) = spec["template"]["spec"]["containers"]
    (worker,) = _one(objects, "StatefulSet")["spec"]["template"]["spec"]["containers"]
    assert container["image"] == worker["image"] and container["envFrom"] == worker["envFrom"]
    args = build_parser().parse_args(container["args"])
    assert args.command == "notify" and subscription(args).narrows  # the filters are ones sigap accepts
    annotations = spec["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"  # scraped as job sigap-notify, by its component label
    assert spec["template"]["metadata"]["labels"]["app.kubernetes.io/component"] == "notify"
    assert int(annotations["prometheus.io/port"]) == args.metrics_port == container["ports"][0]["containerPort"]
    env = {item["name"]: item for item in container["env"]}
    assert env["SIGAP_NOTIFY_URL"]["valueFrom"]["secretKeyRef"]["key"] == "SIGAP_NOTIFY_URL"
    assert "SIGAP_NOTIFY_URL" not in _one(objects, "ConfigMap")["data"]


def test_compose_notifier_is_optional_valid_and_scraped_only_when_it_runs():
    from streams.cli.main import build_parser

    services = _load_yaml(COMPOSE)["services"]
    notify = services["notify"]
    assert notify["profiles"] == ["notify"]  # `docker compose up` alone does not start it
    command = [re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", arg) for arg in notify["command"]]  # compose's defaults
    args = build_parser().parse_args(command)
    assert args.command == "notify" and args.format == "text"
    assert _environment(notify)["SIGAP_NOTIFY_URL"].startswith("${SIGAP_NOTIFY_URL")  # from the host, not the file
    assert _environment(notify)["SIGAP_BROKER"] == _environment(services["topics"])["SIGAP_BROKER"]
    assert notify["depends_on"]["topics"]["condition"] == "service_completed_successfully"
    # the image's HEALTHCHECK asks SIGAP_WEB_PORT (6066), which the notifier's metrics server answers
    assert args.metrics_port == int(_environment(notify).get("SIGAP_WEB_PORT", "6066"))
    jobs = {job["job_name"]: job for job in _load_yaml(PROMETHEUS_DIR / "prometheus.yml")["scrape_configs"]}
    (discovery,) = jobs["sigap-notify"]["dns_sd_configs"]
    assert discovery["names"] == ["notify"] and discovery["port"] == args.metrics_port


def test_k8s_policy_is_the_packaged_default():
    default = ROOT / "streams" / "policy" / "default_policy.yaml"
    if not default.is_file():
        pytest.skip("streams/policy/default_policy.yaml does not exist yet")
    copy = K8S_DIR / "files" / "policy.yaml"
    assert _load_yaml(copy) == _load_yaml(default), (
        "deploy/k8s/files/policy.yaml differs from the packaged default policy: "
        "cp streams/policy/default_policy.yaml deploy/k8s/files/policy.yaml")
