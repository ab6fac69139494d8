"""The broker goes away mid-stream (a restart, a rolling upgrade) for longer than the worker's session timeout:
the worker rides it out without restarting, rejoins its group, and every post is scored."""

from __future__ import annotations

import time

import pytest

from streams.kafka_local import create_topics, start_broker, stop_broker
from streams.settings import Settings
from tests.kafka_local.support import throwaway_config
from tests.support.kafka import produce_posts, read_until
from tests.support.posts import make_posts
from tests.support.worker import WorkerProcess

pytestmark = pytest.mark.kafka

OUTAGE_SECONDS = 15  # longer than SIGAP_SESSION_TIMEOUT_SECONDS below, so the group membership expires too


@pytest.fixture
def own_broker(kafka_broker, tmp_path):
    """A broker of this test's own, since it is stopped mid-test."""
    config = throwaway_config(tmp_path / "kafka")
    start_broker(config, timeout=120)
    try:
        yield config
    finally:
        stop_broker(config)


def test_a_broker_outage_mid_stream_loses_nothing_and_the_worker_rides_it_out(own_broker, tmp_path):
    env = {"SIGAP_BROKER": f"kafka://{own_broker.bootstrap}", "SIGAP_TOPIC_PREFIX": "t-outage.",
           "SIGAP_APP_ID": "sigap-outage", "SIGAP_DATA_DIR": str(tmp_path / "data"),
           "SIGAP_SESSION_TIMEOUT_SECONDS": "10"}
    settings = Settings(broker=env["SIGAP_BROKER"], topic_prefix=env["SIGAP_TOPIC_PREFIX"], app_id=env["SIGAP_APP_ID"])
    create_topics(settings)
    posts = make_posts(4000, seed=21, prefix="outage")
    produce_posts(settings, posts[:2000])
    with WorkerProcess(env, tmp_path / "worker.log") as worker:
        worker.wait_ready()
        read_until(settings, "posts.scored", lambda rs: len(rs) >= 1000, timeout=120)
        stop_broker(own_broker)
        time.sleep(OUTAGE_SECONDS)
        assert worker.process.poll() is None, "the worker exited while the broker was away"
        start_broker(own_broker, timeout=120)
        produce_posts(settings, posts[2000:])
        records = read_until(settings, "posts.scored", lambda rs: len({r.key for r in rs}) >= len(posts), timeout=180)
        assert worker.process.poll() is None
        assert worker.health()["assigned_partitions"] > 0
    missing = {p["id"].encode() for p in posts} - {record.key for record in records}
    assert not missing, f"{len(missing)} posts lost across the outage, e.g. {sorted(missing)[:5]}"
    # aiokafka retries about every 100 ms and logged each failure (about 1,200 "Unable connect to node" lines for
    # 15 s before streams/log_flood.py); now one per kind per 30 s, with a count
    log = (tmp_path / "worker.log").read_text(encoding="utf-8", errors="replace")
    assert 0 < log.count("Unable connect to node") <= 10, log.count("Unable connect to node")
