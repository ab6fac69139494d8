"""agents.publishing: a batch is done only when every one of its messages is delivered, and a failed delivery stops
the worker before the batch can be acknowledged."""

from __future__ import annotations

import asyncio

import pytest

from agents import publishing


class FakeTopic:
    """A topic whose sends are delivered (or refused) a moment later, as a producer's are."""

    def __init__(self, refuse: frozenset[bytes] = frozenset()) -> None:
        self.sent: list[tuple] = []
        self.deliveries: list[asyncio.Future] = []
        self._refuse = refuse

    async def send(self, key, value, partition):
        self.sent.append((key, value, partition))
        loop = asyncio.get_running_loop()
        delivery = loop.create_future()
        self.deliveries.append(delivery)
        if value in self._refuse:
            loop.call_later(0.01, delivery.set_exception, RuntimeError("the broker refused it"))
        else:
            loop.call_later(0.01, delivery.set_result, "metadata")
        return delivery


def test_every_message_is_sent_as_given_and_its_delivery_awaited():
    scored, events = FakeTopic(), FakeTopic()
    asyncio.run(publishing.publish([(scored, "p1", b'{"id":"p1"}'), (events, "issue-1", b'{"id":"p1"}'),
                                    (events, None, b"mark", 3)]))
    assert scored.sent == [(b"p1", b'{"id":"p1"}', None)]
    assert events.sent == [(b"issue-1", b'{"id":"p1"}', None), (None, b"mark", 3)]
    assert all(delivery.done() for delivery in scored.deliveries + events.deliveries)


def test_a_failed_delivery_exits_before_the_batch_could_be_acknowledged(monkeypatch):
    def exit_now(status: int) -> None:
        raise SystemExit(status)

    monkeypatch.setattr(publishing.os, "_exit", exit_now)
    monkeypatch.setattr(publishing.logging, "shutdown", lambda: None)
    topic = FakeTopic(refuse=frozenset({b"bad"}))
    with pytest.raises(SystemExit) as stopped:
        asyncio.run(publishing.publish([(topic, "a", b"good"), (topic, "b", b"bad"), (topic, "c", b"good")]))
    assert stopped.value.code == publishing.EXIT_DELIVERY_FAILED
    assert len(topic.sent) == 3
