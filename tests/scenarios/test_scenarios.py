"""Scenario streams: valid contract posts, deterministic, realistic; `sigap replay` and `sigap simulate`."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime

import orjson
import pytest

from streams.cli.main import main
from streams.issues.timeutil import parse_ms
from streams.records.post import parse_post
from streams.scenarios import DEFAULT_START, build_scenario, describe_scenarios, list_scenarios, scenario_minutes
from streams.settings import REPO_ROOT

NAMES = ["hoax-burst", "negative-surge", "coordinated-push", "positive-viral", "background", "demo"]


def test_every_named_scenario_exists():
    assert list_scenarios() == NAMES
    assert set(describe_scenarios()) == set(NAMES)
    with pytest.raises(ValueError, match="unknown scenario"):
        build_scenario("nope")


@pytest.mark.parametrize("name", NAMES)
def test_scenarios_are_sorted_valid_contract_posts_and_deterministic(name):
    posts = build_scenario(name, seed=2)
    assert posts == build_scenario(name, seed=2)
    assert posts != build_scenario(name, seed=3)
    assert [p["created_at"] for p in posts] == sorted(p["created_at"] for p in posts)
    assert len({p["id"] for p in posts}) == len(posts)
    for post in posts:
        assert parse_post(orjson.dumps(post)) == post  # the workers accept every one of them
    span = (parse_ms(posts[-1]["created_at"]) - parse_ms(posts[0]["created_at"])) / 60000
    assert span <= scenario_minutes(name) + 1
    assert Counter(p["platform"] for p in posts)["twitter"] < len(posts)  # several platforms


def test_a_start_time_moves_the_whole_stream():
    start = datetime(2025, 1, 2, 3, 4, tzinfo=UTC)
    posts = build_scenario("coordinated-push", seed=1, start=start)
    assert parse_ms(posts[0]["created_at"]) >= start.timestamp() * 1000
    shifted = build_scenario("coordinated-push", seed=1)
    assert [p["text"] for p in posts] == [p["text"] for p in shifted]


def test_the_hoax_burst_resurfaces_one_known_claim_with_varied_texts_from_nothing():
    posts = build_scenario("hoax-burst", seed=4)
    burst = [p for p in posts if p["scenario"]["segment"] == "hoax-burst"]
    assert len({p["scenario"]["claim"] for p in burst}) == 1
    assert len({p["text"] for p in burst}) > 0.6 * len(burst)
    start = DEFAULT_START.timestamp() * 1000 + 10 * 60_000  # the burst starts 10 minutes in
    per_minute = Counter(int((parse_ms(p["created_at"]) - start) // 60000) for p in burst)
    assert per_minute[0] + per_minute[1] <= 3 and max(per_minute.values()) >= 8
    assert any(p.get("shared_from") for p in burst)
    claims = {row.split(",")[1] for row in (REPO_ROOT / "data" / "hoax-tweets-idnhoaxcorpus" / "train.csv")
              .read_text(encoding="utf-8").splitlines()[1:] if row.count(",") >= 2}
    assert burst[0]["scenario"]["claim"] in claims


def test_the_coordinated_push_is_fresh_small_accounts_within_two_minutes():
    posts = build_scenario("coordinated-push", seed=0)
    push = [p for p in posts if p["scenario"]["segment"] == "coordinated-push"]
    assert len({p["author"]["id"] for p in push}) >= 30
    times = [parse_ms(p["created_at"]) for p in push]
    assert max(times) - min(times) <= 120_000
    for p in push:
        age_days = (parse_ms(p["created_at"]) - parse_ms(p["author"]["created_at"])) / 86_400_000
        assert age_days < 30 and p["author"]["followers"] < 100


def test_background_is_steady_varied_chatter_for_seventy_minutes():
    posts = build_scenario("background", seed=0)
    start = parse_ms(posts[0]["created_at"])
    per_ten = Counter(int((parse_ms(p["created_at"]) - start) // 600_000) for p in posts)
    assert len(per_ten) == 7 and min(per_ten.values()) > 0.5 * max(per_ten.values())
    assert len({p["text"] for p in posts}) > 0.9 * len(posts)
    assert len({p["author"]["id"] for p in posts}) > 0.8 * len(posts)


def test_replay_writes_a_scenario_file_and_lists_scenarios(tmp_path, capsys):
    out = tmp_path / "demo.jsonl"
    assert main(["replay", "--scenario", "demo", "--seed", "1", "--start", "2024-06-03T01:00:00Z",
                 "--output", str(out)]) == 0
    lines = out.read_bytes().splitlines()
    assert [orjson.loads(line) for line in lines] == build_scenario(
        "demo", seed=1, start=datetime(2024, 6, 3, 1, 0, tzinfo=UTC))
    assert main(["replay", "--list"]) == 0
    assert "coordinated-push" in capsys.readouterr().out
    assert main(["replay"]) == 2


def test_replay_without_a_start_ends_the_scenario_now(tmp_path):
    out = tmp_path / "bg.jsonl"
    assert main(["replay", "--scenario", "coordinated-push", "--output", str(out)]) == 0
    last = parse_ms(orjson.loads(out.read_bytes().splitlines()[-1])["created_at"])
    now = datetime.now(UTC).timestamp() * 1000
    assert now - 5 * 60_000 <= last <= now


def test_simulate_prints_one_json_line_per_escalation(tmp_path):
    posts = build_scenario("demo", seed=0)
    path = tmp_path / "demo.jsonl"
    path.write_bytes(b"".join(orjson.dumps(p) + b"\n" for p in posts) + b"{broken\n")
    issues = tmp_path / "issues.jsonl"
    result = subprocess.run([sys.executable, "-m", "streams.cli.main", "simulate", str(path), "--oracle",
                             "--issues", str(issues)], capture_output=True, timeout=120, cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr.decode()
    events = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert len(events) >= 4 and all(e["type"] == "id.sigap.issue.escalated.v1" for e in events)
    records = {r["issue_id"]: r for r in map(orjson.loads, issues.read_bytes().splitlines())}
    for event in events:  # --issues writes each open issue's record, with the escalations it published
        assert event["id"] in {e["id"] for e in records[event["data"]["issue_id"]]["escalations"]}
    stderr = result.stderr.decode()
    assert f"skipped line {len(posts) + 1}: invalid JSON" in stderr
    assert f"{len(events)} escalations" in stderr
    assert stderr.count(" siaga ") + stderr.count(" waspada ") + stderr.count(" awas ") >= len(events)


def test_simulate_takes_a_policy_and_feedback(tmp_path):
    from tests.issues.helpers import T0, iso
    from tests.issues.test_engine import hoax_burst

    posts = hoax_burst(minutes=12)
    feedback = {"kind": "feedback", "issue_id": "claim-c-autis", "verdict": "false_alarm", "by": "ops",
                "at": iso(T0.replace(minute=3))}
    path = tmp_path / "scored.jsonl"
    path.write_bytes(b"".join(orjson.dumps(p) + b"\n" for p in posts))

    def simulate(*extra) -> list[dict]:
        result = subprocess.run([sys.executable, "-m", "streams.cli.main", "simulate", str(path), *extra],
                                capture_output=True, timeout=120, cwd=REPO_ROOT)
        assert result.returncode == 0, result.stderr.decode()
        return [orjson.loads(line) for line in result.stdout.splitlines()]

    default = simulate()
    assert max(e["data"]["level"] for e in default) >= 3
    strict = tmp_path / "strict.yaml"
    strict.write_text("version: 1\nname: strict\nrules:\n  - {name: huge, level: 2, when: {volume: {gte: 1000}}}\n")
    assert simulate("--policy", str(strict)) == []
    path.write_bytes(path.read_bytes() + orjson.dumps(feedback) + b"\n")
    assert max((e["data"]["level"] for e in simulate()), default=0) < 3
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nrules: []\n")
    result = subprocess.run([sys.executable, "-m", "streams.cli.main", "simulate", str(path), "--policy", str(bad)],
                            capture_output=True, timeout=120, cwd=REPO_ROOT)
    assert result.returncode == 2 and b"rules" in result.stderr


def test_simulate_can_print_the_lifecycle_events_a_report_reads(tmp_path, capsys):
    from datetime import timedelta

    from tests.issues.helpers import T0, chatter, iso
    from tests.issues.test_engine import hoax_burst

    feedback = {"kind": "feedback", "issue_id": "claim-c-autis", "verdict": "confirmed", "by": "tim-cek-fakta",
                "at": iso(T0 + timedelta(minutes=20))}
    later = chatter(1, 1, start=T0 + timedelta(hours=8), prefix="later")  # moves event time past the expiry
    path, events_path = tmp_path / "history.jsonl", tmp_path / "events.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in hoax_burst(minutes=12) + [feedback] + later))

    def simulate(*extra) -> list[dict]:
        result = subprocess.run([sys.executable, "-m", "streams.cli.main", "simulate", str(path), "--quiet", *extra],
                                capture_output=True, timeout=120, cwd=REPO_ROOT)
        assert result.returncode == 0, result.stderr.decode()
        events_path.write_bytes(result.stdout)
        return [orjson.loads(line) for line in result.stdout.splitlines()]

    assert {e["type"] for e in simulate()} == {"id.sigap.issue.escalated.v1"}
    kinds = Counter(e["type"] for e in simulate("--lifecycle"))
    assert kinds["id.sigap.issue.reviewed.v1"] == kinds["id.sigap.issue.closed.v1"] == 1
    assert main(["report", "--file", str(events_path)]) == 0
    report = capsys.readouterr().out
    assert "| dikonfirmasi oleh tim-cek-fakta |" in report and "- Presisi peringatan: 100 %" in report


def test_simulate_scores_raw_posts_with_the_trained_models(tmp_path):
    try:
        from streams.scoring import Scorer
        from streams.settings import get_settings

        Scorer.load(get_settings().models_dir)
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"trained models unavailable: {exc}")
    posts = build_scenario("hoax-burst", seed=0)
    for post in posts:
        del post["scenario"]  # no ground truth: the models must do the work
    path = tmp_path / "raw.jsonl"
    path.write_bytes(b"".join(orjson.dumps(p) + b"\n" for p in posts))
    result = subprocess.run([sys.executable, "-m", "streams.cli.main", "simulate", str(path)],
                            capture_output=True, timeout=120, cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr.decode()
    events = [orjson.loads(line) for line in result.stdout.splitlines()]
    siaga = [e for e in events if e["data"]["level"] >= 3 and e["data"]["matched_claims"]]
    assert siaga and siaga[0]["data"]["route"] == "counter-messaging"
