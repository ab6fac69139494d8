"""`sigap demo`: Sigap's main job on one machine, step by step, with the commands it runs printed.

A local broker, the topics (under a fresh prefix, so every run starts clean), models, known claims, a worker, a
replayed scenario of Indonesian posts, and the escalations it raises, printed as they arrive.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("demo", help="run the whole pipeline locally on a replayed scenario")
    parser.add_argument("--scenario", default="demo", help="scenario to replay (see `sigap replay --list`)")
    parser.add_argument("--web-port", type=int, default=6066)
    parser.add_argument("--keep-worker", action="store_true", help="leave the worker running at the end")
    parser.add_argument("--timeout", type=float, default=300.0, help="longest wait for the worker to finish")
    parser.set_defaults(func=run)


def _say(text: str) -> None:
    print(f"\n== {text}", flush=True)


def _sigap(args: list[str], env: dict[str, str]) -> None:
    print(f"$ sigap {' '.join(args)}", flush=True)
    subprocess.run([sys.executable, "-m", "streams.cli.main", *args], env=env, check=True)


def _metric(worker_port: int, name: str) -> float:
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{worker_port}/metrics", timeout=2) as response:
            text = response.read().decode()
    except OSError:
        return -1.0
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name + " ")
               or line.startswith(name + "{"))


def _wait_healthy(port: int, worker: subprocess.Popen, timeout: float) -> None:
    import urllib.request

    import orjson

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise SystemExit(f"the worker exited with {worker.returncode}; see its log")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                health = orjson.loads(response.read())
            if health.get("scorer_ready") and health.get("assigned_partitions"):
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the worker was not ready after {timeout:.0f}s; see its log")


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except subprocess.CalledProcessError as failed:  # its own output above says why
        step = " ".join(str(arg) for arg in failed.cmd[3:])
        print(f"\ndemo stopped: `sigap {step}` ended with exit status {failed.returncode} (see above)", file=sys.stderr)
        return failed.returncode or 1


def _run(args: argparse.Namespace) -> int:
    import orjson

    from streams.cli.tail import summarize
    from streams.scenarios import build_scenario, scenario_minutes
    from streams.settings import PACKAGE_DIR, get_settings

    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    env = dict(os.environ)
    env.setdefault("SIGAP_TOPIC_PREFIX", f"sigap-demo-{stamp}.")
    env.setdefault("SIGAP_APP_ID", f"sigap-demo-{stamp}")
    os.environ.update({k: env[k] for k in ("SIGAP_TOPIC_PREFIX", "SIGAP_APP_ID")})
    get_settings.cache_clear()
    settings = get_settings()
    workdir = settings.data_dir / "demo" / stamp
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"Sigap demo: topics '{settings.topic_prefix}*', app id '{settings.app_id}', files in {workdir}")

    _say("1. A real Apache Kafka broker (KRaft, from Maven Central jars; the first start fetches them)")
    from streams.kafka_local import broker_answers

    if broker_answers(settings.bootstrap_servers, timeout=2.0, security=settings.kafka_security()):
        # another checkout's broker, or one started by hand: the demo's topics have a prefix of their own
        print(f"a Kafka broker already answers at {settings.broker}; using it")
    else:
        _sigap(["kafka", "start"], env)
    _say("2. The topics of the contract")
    _sigap(["topics", "create"], env)
    _say("3. Models")
    if not (settings.models_dir / "manifest.json").exists():
        _sigap(["train"], env)
    else:
        print(f"using the shipped models in {settings.models_dir} (`sigap train` rebuilds them)")
    _say("4. Known debunked claims")
    _sigap(["claims", "load", str(PACKAGE_DIR / "claims" / "starter_claims.jsonl")], env)

    _say(f"5. A worker (log: {workdir / 'worker.log'})")
    print(f"$ sigap worker --web-port {args.web_port}", flush=True)
    with (workdir / "worker.log").open("wb") as log:
        worker = subprocess.Popen([sys.executable, "-m", "streams.cli.main", "worker", "--web-port",
                                   str(args.web_port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_healthy(args.web_port, worker, timeout=120)
        print(f"worker ready: http://127.0.0.1:{args.web_port}/health and /metrics")

        _say(f"6. Replaying scenario '{args.scenario}' (event time ends now; replayed as fast as possible)")
        start = (datetime.now(UTC) - timedelta(minutes=scenario_minutes(args.scenario) + 1)).replace(second=0,
                                                                                                     microsecond=0)
        posts = build_scenario(args.scenario, seed=0, start=start)
        posts_file = workdir / f"{args.scenario}.jsonl"
        posts_file.write_bytes(b"".join(orjson.dumps(post) + b"\n" for post in posts))
        _sigap(["replay", str(posts_file)], env)

        _say("7. Waiting for the worker to score every post")
        deadline = time.monotonic() + args.timeout
        while _metric(args.web_port, "sigap_posts_scored_total") < len(posts) and time.monotonic() < deadline:
            time.sleep(1)
        scored = int(_metric(args.web_port, "sigap_posts_scored_total"))
        invalid = int(_metric(args.web_port, "sigap_posts_invalid_total"))
        print(f"scored {scored} of {len(posts)} posts ({invalid} invalid); samples: "
              f"sigap tail posts.scored --from-beginning --summary --max 5")

        _say("8. Escalations (sigap tail escalations --from-beginning --summary)")
        shown = _print_escalations(settings, summarize, idle_seconds=10.0)
        print(f"\n{shown} escalations. Each is a CloudEvent on '{settings.topic_prefix}escalations' "
              f"(full JSON: SIGAP_TOPIC_PREFIX={settings.topic_prefix} sigap tail --from-beginning).")
        print(f"The issues behind them: SIGAP_TOPIC_PREFIX={settings.topic_prefix} sigap issues; a responder's "
              f"verdict: SIGAP_TOPIC_PREFIX={settings.topic_prefix} sigap feedback ISSUE_ID confirmed --by NAME; "
              f"the period's report: SIGAP_TOPIC_PREFIX={settings.topic_prefix} sigap report; one province's "
              f"escalations only: SIGAP_TOPIC_PREFIX={settings.topic_prefix} sigap tail --from-beginning --summary "
              f"--region ID-JK; to a team's chat room: sigap notify --format text (SIGAP_NOTIFY_URL).")
    finally:
        if args.keep_worker:
            print(f"\nthe worker keeps running (pid {worker.pid}); the broker too (`sigap kafka stop`)")
        else:
            worker.terminate()
            worker.wait(timeout=60)
            print("\nworker stopped; the broker keeps running (`sigap kafka stop` stops it)")
    return 0


def _print_escalations(settings, summarize, idle_seconds: float) -> int:
    import orjson

    from streams.cli import clients
    from streams.escalation import ESCALATED_TYPE

    consumer = clients.consumer(settings, f"{settings.topic_prefix}escalations", group_id=None,
                                auto_offset_reset="earliest", enable_auto_commit=False)
    shown = 0
    last = time.monotonic()
    try:
        while time.monotonic() - last < idle_seconds:
            for records in consumer.poll(timeout_ms=500).values():
                for record in records:
                    event = orjson.loads(record.value)
                    print(summarize(event), flush=True)
                    shown += event.get("type") == ESCALATED_TYPE  # not the lifecycle events of the same topic
                    last = time.monotonic()
    finally:
        consumer.close()
    return shown


