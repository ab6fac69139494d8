"""`sigap notify` against the real broker and a local webhook: a team that follows its province gets its
escalations and what became of them, each once, through a receiver that is briefly down; a restart resumes
after the last event handled and does not re-send a re-emitted one."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request

import orjson
import pytest

from streams.escalation.subscription import Subscription
from tests.escalation.test_digest import _events
from tests.kafka_local.support import free_port
from tests.support.cli import sigap
from tests.support.kafka import produce
from tests.support.webhook import webhook_receiver

pytestmark = pytest.mark.kafka


def _metrics_when(port: int, *lines: str, timeout: float = 30.0) -> str:
    """The notifier's metrics once every one of ``lines`` is in them at the same time."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as response:
                text = response.read().decode()
            if set(lines) <= set(text.splitlines()):
                return text
        except OSError:
            text = ""
        if time.monotonic() > deadline:
            raise AssertionError(f"{lines!r} never appeared together in the notifier's metrics:\n{text}")
        time.sleep(0.2)


def _produce_events(settings, events: list[dict]) -> None:
    produce(settings, "escalations", [(e["subject"].encode(), orjson.dumps(e)) for e in events])


def test_a_team_gets_what_it_follows_once_across_an_outage_and_a_restart(sigap_env):
    settings, env = sigap_env
    events = _events()  # the demo's escalations, a re-emission, reviews, a closing, an event Sigap did not write
    subscription = Subscription.from_options(regions=["ID-JK"])
    expected = [e["id"] for e in events if subscription.follows(e)]
    expected = list(dict.fromkeys(expected))  # a re-emitted event is sent once
    followed_kinds = {e["type"] for e in events if e["id"] in expected}
    assert len(followed_kinds) > 1 and len(expected) < len({e["id"] for e in events})  # reviews too; not everything
    _produce_events(settings, events)
    produce(settings, "escalations", [(b"x", b"{not an event")])

    with webhook_receiver() as receiver:
        env = env | {"SIGAP_NOTIFY_URL": receiver.url}
        tried = sigap(env, "notify", "--dry-run", "--from-beginning", "--region", "ID-JK", "--name", "humas-dki",
                      "--format", "text", "--zone", "WIB", "--samples", "1", "--timeout", "3")
        assert tried.returncode == 0, tried.stderr
        texts = [orjson.loads(line)["text"] for line in tried.stdout.splitlines()]
        assert len(texts) == len(expected) and all(text[:20].endswith(" WIB") for text in texts)
        escalated = [text for text in texts if "WASPADA" in text.splitlines()[0]]  # pdam's, with a quoted post
        assert escalated and all(text.count("\nContoh post: “") == 1 for text in escalated)
        assert receiver.received == [] and "dry-run.invalid" in tried.stderr  # nothing sent, no position kept

        receiver.statuses = [503]  # down for the first attempt
        first = sigap(env, "notify", "--from-beginning", "--region", "ID-JK", "--name", "humas-dki",
                      "--timeout", "4")
        assert first.returncode == 0, first.stderr
        sent = [orjson.loads(body)["id"] for _, body in receiver.received]
        assert sent[0] == sent[1]  # the refused attempt, then the retry
        assert sorted(sent[1:]) == sorted(expected)
        assert "rahasia" not in first.stderr  # the webhook's secret path is never logged
        assert "unreadable 1" in first.stderr

        later = dict(events[0], id="a-new-escalation", time="2024-06-03T09:00:00.000Z")
        later["data"] = dict(later["data"], spread={"platforms": {"twitter": 3}, "regions": {"ID-JK": 3}})
        delivered_before = next(e for e in events if e["id"] == expected[0])
        _produce_events(settings, [delivered_before, later])  # an event already sent, re-emitted, and a new one
        receiver.received.clear()
        port = free_port()
        second = subprocess.Popen([sys.executable, "-m", "streams.cli.main", "notify", "--region", "ID-JK", "--name",
                                   "humas-dki", "--timeout", "4", "--metrics-port", str(port)],
                                  env=env, stderr=subprocess.PIPE, text=True)
        # the re-emitted event and the new one may sit on different partitions, read in either order
        metrics = _metrics_when(port, 'sigap_notify_events_total{outcome="delivered"} 1.0',
                                'sigap_notify_events_total{outcome="repeated"} 1.0')
        assert second.wait(timeout=60) == 0, second.stderr.read()
        assert 'sigap_notify_events_total{outcome="repeated"} 1.0' in metrics
        assert 'sigap_notify_info{format="cloudevents",notifier="humas-dki"} 1.0' in metrics
        assert [orjson.loads(body)["id"] for _, body in receiver.received] == ["a-new-escalation"]
        assert all(kind.startswith("application/cloudevents+json") for kind, _ in receiver.received)


def test_events_on_a_partition_quiet_since_the_first_start_or_added_later_are_delivered(sigap_env):
    """A restart resumes every partition, also one that had no event before it stopped; a partition added to the
    escalations topic while the notifier runs is delivered from its beginning, without a restart."""
    from kafka import KafkaProducer
    from kafka.admin import NewPartitions

    from streams.kafka_local.admin import admin_client

    settings, env = sigap_env
    topic = f"{settings.topic_prefix}escalations"
    event = _events()[0]
    with webhook_receiver() as receiver:
        env = env | {"SIGAP_NOTIFY_URL": receiver.url}
        first = sigap(env, "notify", "--name", "quiet", "--timeout", "2")  # the topic is empty: nothing to send
        assert first.returncode == 0 and receiver.received == [], first.stderr

        _produce_events(settings, [dict(event, id="while-stopped")])  # to a partition that had no event yet
        second = sigap(env, "notify", "--name", "quiet", "--timeout", "3")
        assert second.returncode == 0, second.stderr
        assert [orjson.loads(body)["id"] for _, body in receiver.received] == ["while-stopped"]

        receiver.received.clear()
        running = subprocess.Popen([sys.executable, "-m", "streams.cli.main", "notify", "--name", "quiet",
                                    "--partition-check", "0.5", "--max", "1", "--timeout", "60"],
                                   env=env, stderr=subprocess.PIPE, text=True)
        try:
            for line in running.stderr:  # wait until it delivers, so the partitions are added while it runs
                if "delivering" in line:
                    break
            with admin_client(settings.bootstrap_servers) as admin:
                admin.create_partitions({topic: NewPartitions(total_count=6)})
            producer = KafkaProducer(bootstrap_servers=settings.bootstrap_servers, acks="all")
            producer.send(topic, key=event["subject"].encode(), value=orjson.dumps(dict(event, id="on-partition-5")),
                          partition=5).get(timeout=30)
            producer.close()
            assert running.wait(timeout=60) == 0
            log = running.stderr.read()
        finally:
            running.kill()
        assert [orjson.loads(body)["id"] for _, body in receiver.received] == ["on-partition-5"]
        assert "gained partition(s) 4, 5" in log
