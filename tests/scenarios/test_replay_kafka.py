"""`sigap replay` against the real broker: file lines as they are, keyed by post id; scenarios; pacing."""

from __future__ import annotations

import subprocess
import sys
import time

import orjson
import pytest

from streams.scenarios import build_scenario
from streams.settings import REPO_ROOT
from tests.support.kafka import read_until

pytestmark = pytest.mark.kafka


def sigap(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "streams.cli.main", *args], env=env, cwd=REPO_ROOT,
                          capture_output=True, timeout=120)


def test_replay_sends_every_line_as_is_keyed_by_post_id(sigap_env, tmp_path):
    settings, env = sigap_env
    posts = build_scenario("coordinated-push", seed=5)[:20]
    lines = [orjson.dumps(p) for p in posts] + [b"{not json"]
    path = tmp_path / "posts.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    started = time.monotonic()
    result = sigap(env, "replay", str(path), "--rate", "40")
    assert result.returncode == 0, result.stderr.decode()
    assert time.monotonic() - started >= 0.4  # 21 lines at 40 per second
    records = read_until(settings, "posts", lambda rs: len(rs) >= 21, timeout=60)
    assert sorted(r.value for r in records) == sorted(lines)
    keys = {r.value: r.key for r in records}
    assert keys[b"{not json"] is None
    assert all(keys[orjson.dumps(p)] == p["id"].encode() for p in posts)


def test_replay_a_scenario(sigap_env):
    settings, env = sigap_env
    result = sigap(env, "replay", "--scenario", "coordinated-push", "--seed", "2")
    assert result.returncode == 0, result.stderr.decode()
    expected = len(build_scenario("coordinated-push", seed=2))
    records = read_until(settings, "posts", lambda rs: len(rs) >= expected, timeout=60)
    assert len(records) == expected
    texts = {orjson.loads(r.value)["text"] for r in records}
    assert {p["text"] for p in build_scenario("coordinated-push", seed=2)} == texts


def test_a_line_that_cannot_be_produced_is_named_and_the_others_still_arrive(sigap_env, tmp_path):
    """A line larger than a record may be is not sent (the broker would refuse it, and the posts batched with it);
    one the broker refuses all the same (here: a topic that takes less) is found in its delivery result. Either
    way the line is named on stderr and the exit status is 1: before, replay said "produced" for both and the
    posts batched with them were lost too."""
    from kafka.admin import KafkaAdminClient, NewTopic

    from streams.topics import RECORD_MAX_BYTES

    settings, env = sigap_env
    posts = build_scenario("coordinated-push", seed=6)[:6]
    too_large = orjson.dumps({**posts[1], "lampiran": "x" * RECORD_MAX_BYTES})
    lines = [orjson.dumps(posts[0]), too_large, *(orjson.dumps(p) for p in posts[2:])]
    path = tmp_path / "posts.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    result = sigap(env, "replay", str(path))
    stderr = result.stderr.decode()
    assert result.returncode == 1 and "line 2: not produced" in stderr
    assert "produced 5 of 6 posts" in result.stdout.decode()
    records = read_until(settings, "posts", lambda rs: len(rs) >= 5, timeout=60)
    assert sorted(r.value for r in records) == sorted(lines[:1] + lines[2:])

    admin = KafkaAdminClient(bootstrap_servers=settings.bootstrap_servers)
    try:
        admin.create_topics([NewTopic(f"{settings.topic_prefix}small", 1, 1,
                                      topic_configs={"max.message.bytes": "20000"})])
    finally:
        admin.close()
    refused = orjson.dumps({**posts[3], "lampiran": "x" * 50_000})
    lines = [orjson.dumps(p) for p in posts[:3]] + [refused] + [orjson.dumps(p) for p in posts[4:]]
    path.write_bytes(b"\n".join(lines) + b"\n")
    result = sigap(env, "replay", str(path), "--topic", f"{settings.topic_prefix}small")
    stderr = result.stderr.decode()
    assert result.returncode == 1 and "line 4: not produced: MessageSizeTooLargeError" in stderr, stderr
    named = {int(line.split()[1].rstrip(":")) for line in stderr.splitlines() if ": not produced: " in line}
    arrived = {r.value for r in read_until(settings, "small", lambda rs: len(rs) >= 6 - len(named), timeout=60)}
    # every line either arrived or was named (a refused record fails the records batched with it)
    assert all((line in arrived) != (number in named) for number, line in enumerate(lines, start=1))


def test_a_topic_is_named_as_tail_names_it_and_a_missing_one_is_refused_not_created(sigap_env, tmp_path):
    """Found by QA: `--topic feedback` wrote to a new, unprefixed topic the broker created with its defaults, where
    `sigap tail feedback` reads the deployment's own."""
    from kafka import KafkaConsumer

    settings, env = sigap_env
    verdict = {"issue_id": "topic-pdam", "verdict": "confirmed", "by": "humas", "at": "2026-11-29T08:00:00Z"}
    path = tmp_path / "feedback.jsonl"
    path.write_bytes(orjson.dumps(verdict) + b"\n")
    result = sigap(env, "replay", str(path), "--topic", "feedback")
    assert result.returncode == 0 and f"to {settings.topic_prefix}feedback" in result.stdout.decode()
    assert [orjson.loads(r.value) for r in read_until(settings, "feedback", lambda rs: len(rs) >= 1)] == [verdict]
    missing = f"{settings.topic_prefix}feedbackx"
    result = sigap(env, "replay", str(path), "--topic", missing)
    assert result.returncode == 1 and f"topic {missing} not found" in result.stderr.decode()
    consumer = KafkaConsumer(bootstrap_servers=settings.bootstrap_servers)
    try:
        assert missing not in consumer.topics()
    finally:
        consumer.close()
