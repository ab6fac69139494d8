"""Issue state and escalations: one owner per issue, state in changelog-backed tables.

Scored posts and feedback arrive on the issue events topic keyed by issue id, so each issue lives in exactly one
partition. A batch is applied partition by partition: a Faust table writes its changelog to the partition of the
event being processed, and both tables here must follow the partition their keys belong to, or a rebalance would
hand the state to the wrong worker.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator, MutableMapping

import orjson
from faust.streams import _current_event

from agents.claims import ready_scorer
from agents.publishing import acknowledge, encode, publish
from streams import metrics
from streams.app import app, settings, topics
from streams.issues.call import PreparedCall
from streams.issues.encoded import EncodedValues
from streams.issues.engine import IssueEngine
from streams.issues.store import SplitStateStore
from streams.pipeline import RawMessage, dead_letter_for
from streams.policy import PolicySource
from streams.records.errors import InvalidInput, InvalidReason
from streams.topics import STATE_MAX_MESSAGE_BYTES

# Keys are JSON (Faust's table default); values are JSON too, but held as their encoding (bytes) rather than as
# Python objects, which take about three times the memory (streams.issues.encoded); the changelog carries the same
# JSON either way. An issue is one record under its id, or from 64 KiB several (streams.issues.store): its core
# under the issue id and its minute buckets and folded fingerprints under derived keys, all written while the
# issue's event is current, so all in the issue's partition. One wrapper for the whole worker: what it remembers
# of the records it wrote (to rewrite only what changed) is shared by the partitions' engines and kept across
# batches.
issue_state = app.Table("issue-state", default=None, value_type=bytes, partitions=settings.posts_partitions,
                        extra_topic_configs={"max.message.bytes": str(STATE_MAX_MESSAGE_BYTES)})


def _count_state_write(size: int) -> None:
    metrics.issue_state_written_records.inc()
    metrics.issue_state_written_bytes.inc(size)


issue_store = SplitStateStore(EncodedValues(issue_state), on_write=_count_state_write)
partition_clock = app.Table("issue-clock", default=None, partitions=settings.posts_partitions)
policy_source = PolicySource(settings.policy_path)
metrics.observe_policy(0, 0, in_force=True)  # it loaded (or the worker would not start): in force from the start
# A batch's outputs are delivered, and the states behind them written, in rounds of about this many (apply_batch).
DELIVERY_ROUND_OUTPUTS = 1000
TICK = b'{"kind": "tick"}'
TICK_INTERVAL_SECONDS = 10.0
# An owned partition gets a tick at least every TICK_INTERVAL_SECONDS: a longer silence of its own input means the
# engine was not listening (the partition was elsewhere, or the worker stalled), so the engine does not count that
# time as silence of the posts partitions (policy windows.idle_source_seconds).
LISTENING_GAP_SECONDS = 3 * TICK_INTERVAL_SECONDS


def _count_clock_write(key: str, value) -> None:
    metrics.issue_clock_written_records.inc()
    metrics.issue_clock_written_bytes.inc(len(key) + len(orjson.dumps(value)))


class PartitionView(MutableMapping):
    """The slice of a table that belongs to one source partition, under keys that cannot collide across them;
    ``on_write(key, value)`` is told of each value written."""

    def __init__(self, table, partition: int, on_write: Callable[[str, object], None] | None = None) -> None:
        self._table = table
        self._prefix = f"p{partition}:"
        self._on_write = on_write

    def __getitem__(self, key: str) -> dict:
        value = self._table.get(self._prefix + key)
        if value is None:
            raise KeyError(key)
        return value

    def __setitem__(self, key: str, value: dict) -> None:
        self._table[self._prefix + key] = value
        if self._on_write is not None:
            self._on_write(self._prefix + key, value)

    def __delitem__(self, key: str) -> None:
        del self._table[self._prefix + key]

    def __iter__(self) -> Iterator[str]:
        n = len(self._prefix)
        return (key[n:] for key in list(self._table.keys()) if key.startswith(self._prefix))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _decode(event):
    """The record an issue event carries (any JSON: the engine rejects what it cannot use)."""
    value = event.message.value
    if value is None:
        raise InvalidInput.empty()
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(InvalidReason.INVALID_JSON, str(exc)) from None


def _dead_letter(event, error: InvalidInput) -> tuple:
    """Only Sigap writes this internal topic, so a record here that cannot be used is a bug upstream; it is kept on
    the dead-letter topic like a bad input, to be sent back (`sigap dlq redrive`) once fixed."""
    letter = dead_letter_for(RawMessage.of(event.message), error)
    metrics.posts_invalid.labels(reason=letter.reason).inc()
    return topics.dlq, letter.key, encode(letter.record)


@app.agent(topics.issue_events)
async def track_issues(stream):
    scorer = await ready_scorer()
    engines: dict[int, IssueEngine] = {}

    def engine_for(partition: int) -> IssueEngine:
        engine = engines.get(partition)
        if engine is None:
            engine = engines[partition] = IssueEngine(
                policy_source, issue_store, clock_store=PartitionView(partition_clock, partition, _count_clock_write),
                claim_lookup=scorer.claims.get, expected_sources=settings.posts_partitions,
                listening_gap_seconds=LISTENING_GAP_SECONDS,
                chunked_lists=settings.issue_lists == "chunked", hold_posts=settings.hold_posts,
            )
        return engine

    async for events in stream.noack_take(settings.batch_size, within=settings.batch_within_seconds):
        await apply_batch(events, engine_for, publish)
        await acknowledge(stream, events)


async def apply_batch(events: list, engine_for: Callable[[int], IssueEngine],
                      send: Callable[[list], Awaitable[None]], round_outputs: int = DELIVERY_ROUND_OUTPUTS) -> None:
    """Run a batch through the partitions' engines, deliver what it publishes, then write the states.

    In that order (:class:`streams.issues.call.PreparedCall`): a worker killed before the writes publishes the
    same escalations again when it reads the batch again, where one killed after writing states that record them
    would never publish them. A prepared call holds every state it will write, and its outputs are held until
    delivered, so once the partitions prepared so far have ``round_outputs`` outputs, they are delivered and
    committed before the next partition is prepared: a batch that judges a busy minute (an output and a changed
    state per issue of the minute) holds a few partitions' states at a time, not the whole batch's.
    """
    by_partition: dict[int, list] = defaultdict(list)
    for event in events:
        by_partition[event.message.partition].append(event)
    prepared: list[tuple[object, PreparedCall]] = []
    outputs: list = []
    for partition, partition_events in sorted(by_partition.items()):
        records, carriers = [], []
        for event in partition_events:
            try:
                records.append(_decode(event))
                carriers.append(event)
            except InvalidInput as error:
                outputs.append(_dead_letter(event, error))
        call = engine_for(partition).prepare(records)
        prepared.append((partition_events[-1], call))
        out = call.out
        outputs.extend(_dead_letter(carriers[position], error) for position, error in out.rejected)
        for issue_id, state in out.issue_updates:
            outputs.append((topics.issues, issue_id, None if state is None else encode(state)))
        for issue_id, event in out.escalations:
            outputs.append((topics.escalations, issue_id, encode(event)))
        for issue_id, event in out.lifecycle:
            outputs.append((topics.escalations, issue_id, encode(event)))
        if len(outputs) >= round_outputs:
            await _deliver_and_commit(prepared, outputs, send)
            prepared, outputs = [], []
    if prepared or outputs:
        await _deliver_and_commit(prepared, outputs, send)


async def _deliver_and_commit(prepared: list[tuple[object, PreparedCall]], outputs: list,
                              send: Callable[[list], Awaitable[None]]) -> None:
    await send(outputs)
    for last_event, call in prepared:
        _current_event.set(weakref.ref(last_event))  # table writes follow this partition
        out = call.commit()
        for _, event in out.escalations:
            metrics.observe_escalation(event)
        metrics.count_issue_posts(out)
        for verdict, count in out.feedback_counts.items():
            metrics.feedback.labels(verdict=verdict).inc(count)


@app.timer(interval=TICK_INTERVAL_SECONDS)
async def count_issues() -> None:
    """Issues held by this worker (cores, not records). Counting walks the table's keys: every few seconds, not
    after every batch."""
    metrics.issues_active.set(len(issue_store))


@app.timer(interval=TICK_INTERVAL_SECONDS)
async def watch_policy() -> None:
    """The policy file is re-read when it changes even while no post arrives, and its state is exported: a refused
    change or a deleted file was visible only in a log line."""
    policy_source.current()
    metrics.observe_policy(policy_source.reloads, policy_source.rejected, policy_source.last_error is None)


@app.timer(interval=TICK_INTERVAL_SECONDS)
async def tick_owned_partitions() -> None:
    """A tick per owned partition lets an idle partition judge its last minutes (see IssueEngine).

    Ticks travel through the topic rather than being applied here, so the table writes they cause happen in
    the stream, in the tick's own partition.
    """
    topic = topics.issue_events.get_topic_name()
    owned = sorted(tp.partition for tp in app.consumer.assignment() if tp.topic == topic)
    await publish((topics.issue_events, None, TICK, partition) for partition in owned)
