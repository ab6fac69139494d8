"""Issue state across a rebalance, against the real broker: a worker keeps the issues of the partitions it still
owns and forgets those that moved to another worker; no worker keeps a standby copy of another's."""

from __future__ import annotations

import time

import pytest

from tests.support.kafka import produce_posts, read_until
from tests.support.posts import make_posts
from tests.support.worker import WorkerProcess, metric_sum

pytestmark = pytest.mark.kafka


def _issues_held(worker: WorkerProcess) -> float:
    return metric_sum(worker.metrics(), "sigap_issues_active ")


def _settled(read, timeout: float = 60.0) -> float:
    """The value of ``read()`` once it is above 0 and two readings 3 s apart agree (the gauge is refreshed every
    few seconds, and the issue agent follows the scoring one)."""
    deadline = time.monotonic() + timeout
    last = read()
    while last == 0 and time.monotonic() < deadline:
        time.sleep(1)
        last = read()
    while time.monotonic() < deadline:
        time.sleep(3)
        now = read()
        if now == last:
            return now
        last = now
    return last


def test_a_worker_forgets_the_issues_of_partitions_that_moved_away(sigap_env, tmp_path):
    settings, env = sigap_env
    produce_posts(settings, make_posts(1500, seed=9))
    with WorkerProcess(env, tmp_path / "a.log") as first:
        first.wait_ready()
        read_until(settings, "posts.scored", lambda rs: len(rs) >= 1500, timeout=90)
        held_alone = _settled(lambda: _issues_held(first))
        partitions_alone = first.health()["assigned_partitions"]
        assert held_alone > 100
        with WorkerProcess(env, tmp_path / "b.log") as second:  # joining moves about half the partitions to it
            second.wait_ready()
            deadline = time.monotonic() + 45
            while time.monotonic() < deadline:
                first_held, second_held = _issues_held(first), _issues_held(second)
                if second_held > 0 and first_held + second_held <= held_alone:
                    break
                time.sleep(1)
            partitions = first.health()["assigned_partitions"], second.health()["assigned_partitions"]
    assert 0 < first_held < held_alone and second_held > 0
    # issues only close meanwhile (idle ones), never appear twice: each is held by the worker that owns it
    assert first_held + second_held <= held_alone, (first_held, second_held, held_alone)
    # every partition (input, internal and changelog) is read by exactly one worker: no standby copies
    assert sum(partitions) == partitions_alone, (partitions, partitions_alone)
