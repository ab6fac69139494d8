"""The issue agent's batch step: what a batch publishes is delivered before its states are written, so a worker
killed in between publishes it again when it reads the batch again."""

from __future__ import annotations

import asyncio

import orjson
import pytest

from agents.issues import apply_batch
from streams.issues.engine import IssueEngine
from streams.policy import load_policy
from tests.issues.helpers import JsonStore
from tests.issues.test_engine import hoax_burst


class Killed(Exception):
    """The worker process dies here."""


class Message:
    def __init__(self, partition: int, offset: int, record) -> None:
        self.topic, self.partition, self.offset, self.key = "issue-events", partition, offset, b"key"
        self.value = record if isinstance(record, bytes) else orjson.dumps(record)


class Event:
    def __init__(self, partition: int, offset: int, record) -> None:
        self.message = Message(partition, offset, record)


class Partition:
    """One partition's stores, which outlive the worker process; each process builds engines over them afresh."""

    def __init__(self) -> None:
        self.store, self.clock = JsonStore(), JsonStore()

    def snapshot(self) -> tuple[dict, dict]:
        return dict(self.store.data), dict(self.clock.data)


def _burst_batches() -> list[list[Event]]:
    """A hoax burst, then its source's watermark (which judges the burst's minutes: the escalations come here)."""
    burst = hoax_burst(minutes=6)
    marker = {"kind": "watermark", "source": "0", "time": max(post["created_at"] for post in burst)}
    events = [Event(0, offset, record) for offset, record in enumerate(burst + [marker])]
    return [events[:-1], events[-1:]]


def _run(partition: Partition, batches, kill_at: int | None = None) -> list[list[tuple]]:
    """Apply ``batches`` in one worker process; the process dies once the ``kill_at``-th batch is delivered."""
    engines: dict[int, IssueEngine] = {}

    def engine_for(number: int) -> IssueEngine:
        if number not in engines:
            engines[number] = IssueEngine(load_policy(), partition.store, partition.clock, expected_sources=1)
        return engines[number]

    delivered = []

    async def send(messages) -> None:
        delivered.append([(topic.get_topic_name(), key, value) for topic, key, value in messages])
        if len(delivered) == kill_at:
            raise Killed

    async def run() -> None:
        for events in batches:
            await apply_batch(events, engine_for, send)

    if kill_at is None:
        asyncio.run(run())
    else:
        with pytest.raises(Killed):
            asyncio.run(run())
    return delivered


def _escalation_ids(messages: list[tuple]) -> list[str]:
    return [orjson.loads(value)["id"] for topic, _, value in messages
            if topic.endswith("escalations") and ".escalated." in orjson.loads(value)["type"]]


def test_a_batch_is_delivered_before_its_states_are_written():
    partition = Partition()
    batches = _burst_batches()
    before = []

    async def send(messages) -> None:
        before.append((partition.snapshot(), [(topic.get_topic_name(), key, value) for topic, key, value in messages]))

    def engine_for(number: int) -> IssueEngine:
        return engines.setdefault(number, IssueEngine(load_policy(), partition.store, partition.clock,
                                                      expected_sources=1))

    engines: dict[int, IssueEngine] = {}
    for events in batches:
        written = partition.snapshot()
        asyncio.run(apply_batch(events, engine_for, send))
        assert before[-1][0] == written  # nothing written when the batch's outputs are sent
        assert partition.snapshot() != written  # and written after
    assert _escalation_ids(before[-1][1])


def test_a_worker_killed_after_delivering_a_batch_and_before_writing_it_delivers_its_escalations_again():
    batches = _burst_batches()
    uninterrupted = _run(Partition(), batches)
    escalated = _escalation_ids(uninterrupted[1])
    assert escalated and not _escalation_ids(uninterrupted[0])

    partition = Partition()
    killed = _run(partition, batches, kill_at=2)  # the watermark's batch: escalations delivered, states not written
    assert _escalation_ids(killed[1]) == escalated
    restarted = _run(partition, batches[1:])  # its input was not acknowledged, so it is read again
    assert _escalation_ids(restarted[0]) == escalated
    assert partition.snapshot() == _final(batches)


def _final(batches) -> tuple[dict, dict]:
    partition = Partition()
    _run(partition, batches)
    return partition.snapshot()


def test_an_engine_holds_one_prepared_call_at_a_time():
    engine = IssueEngine(load_policy(), JsonStore(), JsonStore(), expected_sources=1)
    burst = hoax_burst(minutes=2)
    call = engine.prepare(burst)
    with pytest.raises(RuntimeError, match="never committed"):
        engine.prepare(burst)
    assert not engine.store.data and not engine.clock_store.data
    assert call.commit() is call.out and engine.store.data
    assert engine.process(burst).duplicates == len(burst)


def test_records_that_cannot_be_used_are_dead_lettered_with_where_they_were_and_the_rest_is_applied():
    partition = Partition()
    burst = hoax_burst(minutes=1)
    no_time = {key: value for key, value in burst[0].items() if key != "created_at"}
    batch = [Event(3, 10, b"{not json"), Event(3, 11, burst[0]), Event(3, 12, [1, 2]), Event(3, 13, no_time),
             Event(3, 14, {"kind": "watermark", "source": "0", "time": "soon"}), Event(3, 15, burst[1])]
    sent = []

    async def send(messages) -> None:
        sent.extend((topic.get_topic_name(), key, value) for topic, key, value in messages)

    engine = IssueEngine(load_policy(), partition.store, partition.clock, expected_sources=1)
    asyncio.run(apply_batch(batch, lambda number: engine, send))
    letters = [orjson.loads(value) for topic, _, value in sent if topic.endswith("posts.dlq")]
    assert [(letter["offset"], letter["error"]) for letter in letters] == [
        (10, "invalid_json"), (12, "not_an_object"), (13, "missing_field"), (14, "invalid_field")]
    assert all(letter["topic"] == "issue-events" and letter["partition"] == 3 for letter in letters)
    assert letters[0]["original"] == "{not json"
    assert engine.process(burst[:2]).duplicates == 2  # the two good posts were counted


def test_a_batch_with_many_outputs_is_delivered_and_written_in_rounds_each_delivered_before_it_is_written():
    posts, watermark = _burst_batches()
    batches = [[Event(number, event.message.offset, event.message.value) for number in (0, 1) for event in batch]
               for batch in (posts, watermark)]

    def run(round_outputs: int) -> tuple[dict[int, Partition], list]:
        partitions = {0: Partition(), 1: Partition()}
        engines = {number: IssueEngine(load_policy(), partition.store, partition.clock, expected_sources=1)
                   for number, partition in partitions.items()}
        rounds = []
        after_posts = {}

        async def send(messages) -> None:
            written = [partition.snapshot() != after_posts.get(number) for number, partition in partitions.items()]
            rounds.append((written, [(topic.get_topic_name(), key, value) for topic, key, value in messages]))

        asyncio.run(apply_batch(batches[0], engines.__getitem__, send, round_outputs))
        after_posts = {number: partition.snapshot() for number, partition in partitions.items()}
        rounds.clear()
        asyncio.run(apply_batch(batches[1], engines.__getitem__, send, round_outputs))
        assert all(partition.snapshot() != after_posts[number] for number, partition in partitions.items())
        return partitions, rounds

    in_rounds, rounds = run(round_outputs=1)
    # partition 0 delivered with nothing written; then partition 1, with partition 0's states written and its own not
    assert [written for written, _ in rounds] == [[False, False], [True, False]]
    assert all(_escalation_ids(messages) for _, messages in rounds)
    at_once, [(_, messages)] = run(round_outputs=1000)
    assert messages == rounds[0][1] + rounds[1][1]
    assert {n: p.snapshot() for n, p in in_rounds.items()} == {n: p.snapshot() for n, p in at_once.items()}
