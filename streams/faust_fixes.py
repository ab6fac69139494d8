"""Fixes to faust-streaming 0.15.3 that at-least-once delivery depends on: acknowledgement, gaps, rebalance
recovery, commit offsets. Recovery's two methods are copies of Faust's with one change each: re-check them on any
Faust upgrade.

First, when flow control is suspended (the worker is stopping or a rebalance is under way) or a message belongs to an
older consumer generation, Faust's stream *skips* the messages already fetched — and acknowledges them as if
they had been processed. The next commit then moves the offset past posts that no agent ever saw: a stopped
worker lost up to a few thousand posts in Sigap's restart test. Here such an acknowledgement releases the message
(so rebalances do not wait for it) without marking its offset done, so it is read again.

Faust's Cython stream iterator inlines `Consumer.ack`, so the fix also routes streams through the pure-Python
iterator, whose acknowledgements go through `Consumer.ack`.

Second, Faust treats any jump between the last offset it read and the next one it fetches as a "gap" (offsets a
compacted topic no longer has) and commits over it as if those offsets were done. After a rebalance or a seek
the fetcher can jump over offsets that were fetched but never processed, and a worker then committed past
them (a rebalance test lost a dozen posts). Sigap's input topics are neither compacted nor transactional, so
their offsets have no holes: no gap is recorded, and the commit waits for every offset to be acknowledged. The one
hole they can have is at the head: records deleted by retention (a worker down or behind for longer than the
topic keeps posts) or by delete-records. The consumer then restarts from the log's first offset, and the commit,
waiting for the deleted ones, would never move again (acknowledged offsets piling up in memory, every restart
reading the whole log again). On a jump the log's first offset is asked for (in the background, so delivery
goes on), and when it lies past the committed offset the commit counts from there, and the deleted records are
counted in `sigap_input_records_deleted_unread_total`.

Third, at the end of a rebalance Faust's recovery (`Recovery.on_recovery_completed`, or `_resume_streams` when
there is no table) resumes the stream partitions, *then* seeks them to their committed offsets, then resumes flow
control, which clears every stream's input queue. Whenever changelogs were read, flow is already running by then,
so posts fetched between the resume and the clear were thrown away: never processed, never acknowledged. Reading
them again from the committed offset should repair that, but the fetch loop drops every message below the last
offset it handed on as already read, and messages it handed on after the seek (from records fetched before it)
moved that offset back above the thrown-away posts. Their second copies were dropped too, and as no gap is ever
recorded the partition's commit stopped at the first of them for good: the stalled partitions of
`test_a_rebalance_mid_stream_loses_nothing` (cf. faust-streaming issue #629). Its worker logs showed it: read
offset 950 -> 812 by the seek -> 951 by the next message handed on; offsets 937-950 of four partitions fetched
once, never acknowledged, commits stuck at 937; holding the seek back 1 s made 3 runs in 5 fail that way. Here the
two methods are Faust 0.15.3's with one change: the stream partitions stay paused through the seek and the queue
clear, and only then resume, so the first post they deliver is the one at the committed offset. Relatedly, a
partition that stopped fetching because its stream's buffer was full became fetchable again when the buffer
drained, even if a rebalance had paused it meanwhile (it would fetch before the seek); it now stays paused.

Fourth, the commit offset: Faust's `_new_offset` refuses to commit when the first acknowledged offset lies more
than one past the committed offset, so with the committed offset C unacknowledged and C+1 acknowledged it
commits C+2, over message C (an off-by-one in its head-gap check). Sigap's agents acknowledge a partition's
messages in order, so this needs out-of-order acknowledgements to bite; the check is made exact here anyway.
(When Faust knows no committed offset — a new consumer group, or one committed at 0 — the original behaviour
remains.)

Fifth, table keys: Faust's in-memory store drops, once recovery after a rebalance completes, the keys of
partitions no longer assigned, but it learns a key's partition only from changelog replay, so a worker kept the
state of every partition it had ever written to (memory, `sigap_issues_active`, and a key deleted elsewhere while
the partition was away could return with it). Here a table write also records the key's partition in the store.

Sixth, the partitions a fetch may return: Faust hands its live set of active partitions to aiokafka's
`Fetcher.fetched_records`, which reads it again each time it wakes up, and reads an *empty* set as "every
partition". At the end of recovery the set is empty for a moment (the changelogs paused, the streams not resumed
yet, as the third fix wants), so a fetch call still waiting from before took the stream partitions' records out of
aiokafka's buffer, and Faust, finding those partitions not active, dropped them: never processed, aiokafka's
position already past them, so the worker scored nothing more of them until its next restart, and their commits
stopped. A worker restarted onto 480 waiting posts did that in 15 starts of 48 (nothing scored in 25 s), and with
recovery held 0.5 s after its seek (`tests/support/slow_recovery_worker.py`) in 10 of 22. Here aiokafka is given a
view of the live set in which an empty set means no partition: 0 stalls in 47 such restarts.

Applied once, on import of the app; checked by `tests/integration/test_scoring_worker.py` (stop, kill, restart,
rebalance) and `tests/test_faust_fixes.py`.
"""

from __future__ import annotations

import asyncio
import logging

import faust.streams
from faust.tables.recovery import Recovery
from faust.tables.table import Table
from faust.transport.consumer import Consumer
from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread
from faust.types.tuples import Message, ack_lock
from mode.utils.futures import notify

from streams import metrics

log = logging.getLogger(__name__)

_original_ack = Consumer.ack
_original_on_key_set = Table.on_key_set
_original_on_key_del = Table.on_key_del
_original_new_offset = Consumer._new_offset
_original_thread_getmany = AIOKafkaConsumerThread.getmany


def _processing_is_current(consumer: Consumer, message: Message) -> bool:
    app = consumer.app
    return app.flow_control.is_active() and message.generation_id == app.consumer_generation_id


def ack_only_processed(self: Consumer, message: Message) -> bool:
    if _processing_is_current(self, message):
        return _original_ack(self, message)
    with ack_lock:
        if not message.acked:
            message.acked = True
            self._unacked_messages.discard(message)
            notify(self._waiting_for_ack)
    return False


LOG_START_TIMEOUT_SECONDS = 15.0
LOG_START_ATTEMPTS = 8
LOG_START_RETRY_SECONDS = 1.0  # doubled after each failed attempt, at most 30 s
_log_start_checks: set[asyncio.Task] = set()  # running checks (a task nobody references may be collected)


async def record_only_deleted_offsets(self: Consumer, tp, offset_from: int, offset_to: int) -> None:
    """Called by the fetch loop when the next message's offset jumps past the last one read. Offsets the log no
    longer holds (deleted by retention while the worker was down or far behind, or by delete-records) cannot be
    read again: the commit baseline moves to the log's first offset. Offsets still in the log were fetched over
    and stay unacknowledged, so the commit waits for them. The broker is asked in the background: the fetch loop
    never waits for it (a worker once sat for minutes on that request, with nothing delivered)."""
    check = asyncio.ensure_future(_commit_from_log_start(self, tp, offset_from, offset_to))
    _log_start_checks.add(check)
    check.add_done_callback(_log_start_checks.discard)


async def _commit_from_log_start(consumer: Consumer, tp, offset_from: int, offset_to: int) -> None:
    for attempt in range(LOG_START_ATTEMPTS):
        try:
            log_start = (await asyncio.wait_for(consumer.earliest_offsets(tp), LOG_START_TIMEOUT_SECONDS)).get(tp)
            break
        except Exception as exc:  # retriable: a broker slow to answer or away; commits wait meanwhile
            log.warning("could not read the first offset of %s (%r), attempt %d of %d", tp, exc, attempt + 1,
                        LOG_START_ATTEMPTS)
            await asyncio.sleep(min(LOG_START_RETRY_SECONDS * 2**attempt, 30.0))
    else:
        log.error("offsets %d..%d of %s treated as fetched over: the log's first offset could not be read",
                  offset_from, offset_to, tp)
        return
    committed = consumer._committed_offset[tp]
    if committed is not None and log_start is not None and log_start > committed:
        log.warning("offsets %d..%d of %s were deleted from the log before they were read; committing from %d",
                    committed, log_start - 1, tp, log_start)
        metrics.input_records_deleted_unread.labels(topic=tp.topic).inc(log_start - committed)
        consumer._committed_offset[tp] = log_start
        return
    log.debug("not treating offsets %d..%d of %s as done: they were fetched over, not processed",
              offset_from, offset_to, tp)


def new_offset_from_the_committed_one(self: Consumer, tp) -> int | None:
    """`Consumer._new_offset` that moves a partition's commit only once the message *at* the committed offset was
    acknowledged (Faust's own check lets the commit jump over exactly one unacknowledged message)."""
    acked = self._acked[tp]
    committed = self._committed_offset[tp]
    if acked and committed is not None and min(acked) > committed:
        return None
    return _original_new_offset(self, tp)


def resume_unless_paused(self: Consumer, tp) -> None:
    """`Consumer.on_buffer_drop` that leaves a partition paused by a rebalance paused."""
    if tp in self._buffered_partitions:
        self._buffered_partitions.discard(tp)
        if tp not in self._paused_partitions:
            self._get_active_partitions().add(tp)


async def _seek_then_resume_streams(recovery: Recovery) -> None:
    """Seek the (paused) stream partitions to their committed offsets, clear the stream queues, resume them."""
    app = recovery.app
    consumer = app.consumer
    assignment = consumer.assignment()
    if assignment:
        recovery.log.info("Seek stream partitions to committed offsets.")
        await recovery._wait(consumer.perform_seek(), timeout=app.conf.broker_request_timeout)
    recovery.completed.set()
    recovery.log.info("Resuming flow...")
    app.flow_control.resume()  # clears every stream's queue: nothing of the stream partitions is in them yet
    consumer.resume_partitions({tp for tp in assignment if not recovery._is_changelog_tp(tp)})
    consumer.resume_flow()


async def resume_streams_after_seek(self: Recovery, generation_id: int = 0) -> None:
    """`Recovery._resume_streams` (no table to recover) with the stream partitions resumed after the seek."""
    app = self.app
    await app.on_rebalance_complete.send()
    if app.consumer_generation_id != generation_id:
        self.log.warning("Recovery rebalancing again")
        return
    await _seek_then_resume_streams(self)
    await app._fetcher.maybe_start()
    self.tables.on_actives_ready()
    self.tables.on_standbys_ready()
    app.on_rebalance_end()
    self.log.info("Worker ready")


async def complete_recovery_then_resume_streams(self: Recovery, generation_id: int = 0) -> None:
    """`Recovery.on_recovery_completed` with the stream partitions resumed after the seek."""
    app = self.app
    self.log.info("Restore complete!")
    await app.on_rebalance_complete.send()
    self._set_recovery_ended()
    callbacks = [
        asyncio.ensure_future(table.on_recovery_completed(self.actives_for_table[table],
                                                          self.standbys_for_table[table]))
        for table in self.tables.values()
    ]
    if callbacks:
        await asyncio.wait(callbacks)
    if app.consumer_generation_id != generation_id:
        self.log.warning("Recovery rebalancing again app id %s param %s", app.consumer_generation_id, generation_id)
        return
    await _seek_then_resume_streams(self)
    await app._fetcher.maybe_start()
    self.tables.on_actives_ready()
    if not app.assignor.assigned_standbys():
        self.tables.on_standbys_ready()
    app.on_rebalance_end()
    self.log.info("Worker ready")


def on_key_set_remembering_partition(self: Table, key, value) -> None:
    """`Table.on_key_set` that also tells an in-memory store which partition the key was written to, so that the
    store forgets it once that partition has moved to another worker (it learns partitions only from changelog
    replay otherwise)."""
    _original_on_key_set(self, key, value)
    key_partition = getattr(self.data, "_key_partition", None)
    if key_partition is not None:
        partition = self.partition_for_key(key)
        if partition is not None:
            key_partition[key] = partition


def on_key_del_forgetting_partition(self: Table, key) -> None:
    _original_on_key_del(self, key)
    key_partition = getattr(self.data, "_key_partition", None)
    if key_partition is not None:
        key_partition.pop(key, None)


class ActivePartitions:
    """The consumer's live set of active partitions as aiokafka's `Fetcher.fetched_records` reads it: membership is
    looked up when it drains its buffer, as before, but the view is never empty, since aiokafka reads an empty set
    as "every partition"."""

    __slots__ = ("_live",)

    def __init__(self, live) -> None:
        self._live = live

    def __bool__(self) -> bool:
        return True

    def __contains__(self, tp) -> bool:
        return tp in self._live


async def getmany_of_active_partitions_only(self: AIOKafkaConsumerThread, active_partitions, timeout: float):
    """`AIOKafkaConsumerThread.getmany` that never returns records of partitions Faust has paused meanwhile."""
    if active_partitions is not None:  # None: a client-only app, which reads every partition
        active_partitions = ActivePartitions(active_partitions)
    return await _original_thread_getmany(self, active_partitions, timeout)


def apply() -> None:
    faust.streams._CStreamIterator = None
    Consumer.ack = ack_only_processed
    Consumer._add_gap = record_only_deleted_offsets
    Consumer._new_offset = new_offset_from_the_committed_one
    Consumer.on_buffer_drop = resume_unless_paused
    Recovery._resume_streams = resume_streams_after_seek
    Recovery.on_recovery_completed = complete_recovery_then_resume_streams
    Table.on_key_set = on_key_set_remembering_partition
    Table.on_key_del = on_key_del_forgetting_partition
    AIOKafkaConsumerThread.getmany = getmany_of_active_partitions_only
