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
