import asyncio
from types import SimpleNamespace

import pytest
from faust.types import TP

from streams import faust_fixes


class _FlowControl:
    def __init__(self, active: bool) -> None:
        self.active = active

    def is_active(self) -> bool:
        return self.active


def _consumer(active: bool, generation: int) -> SimpleNamespace:
    app = SimpleNamespace(flow_control=_FlowControl(active), consumer_generation_id=generation)
    return SimpleNamespace(app=app, _unacked_messages=set(), _waiting_for_ack=None)


class _Message(SimpleNamespace):
    __hash__ = object.__hash__


def _message(generation: int) -> _Message:
    return _Message(generation_id=generation, acked=False, offset=7, tp=("posts", 0))


def test_a_message_skipped_while_stopping_is_released_but_never_counted_as_done(monkeypatch):
    counted = []
    monkeypatch.setattr(faust_fixes, "_original_ack", lambda consumer, message: counted.append(message) or True)
    consumer, message = _consumer(active=False, generation=3), _message(generation=3)
    consumer._unacked_messages = {message}
    assert faust_fixes.ack_only_processed(consumer, message) is False
    assert message.acked and counted == []
    assert message not in consumer._unacked_messages  # a rebalance does not wait for it


def test_a_message_of_an_older_generation_is_not_counted(monkeypatch):
    counted = []
    monkeypatch.setattr(faust_fixes, "_original_ack", lambda consumer, message: counted.append(message) or True)
    assert faust_fixes.ack_only_processed(_consumer(active=True, generation=4), _message(generation=3)) is False
    assert counted == []


def test_a_processed_message_is_acknowledged_as_usual(monkeypatch):
    counted = []
    monkeypatch.setattr(faust_fixes, "_original_ack", lambda consumer, message: counted.append(message) or True)
    message = _message(generation=4)
    assert faust_fixes.ack_only_processed(_consumer(active=True, generation=4), message) is True
    assert counted == [message]


def test_the_app_installs_the_fix():
    import streams.app  # noqa: F401 - importing the app applies it
    from faust.transport.consumer import Consumer

    assert Consumer.ack is faust_fixes.ack_only_processed
    assert Consumer._add_gap is faust_fixes.record_only_deleted_offsets  # nothing fetched over counts as done
    assert Consumer._new_offset is faust_fixes.new_offset_from_the_committed_one
    assert Consumer.on_buffer_drop is faust_fixes.resume_unless_paused
    from faust.tables.table import Table

    assert Table.on_key_set is faust_fixes.on_key_set_remembering_partition
    assert Table.on_key_del is faust_fixes.on_key_del_forgetting_partition
    assert streams.app.app.conf.table_standby_replicas == 0  # an in-memory standby would never be used
    from faust.tables.recovery import Recovery

    assert Recovery._resume_streams is faust_fixes.resume_streams_after_seek
    assert Recovery.on_recovery_completed is faust_fixes.complete_recovery_then_resume_streams
    import faust.streams

    assert faust.streams._CStreamIterator is None  # the Cython iterator would bypass Consumer.ack
    from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread

    assert AIOKafkaConsumerThread.getmany is faust_fixes.getmany_of_active_partitions_only


def test_a_key_written_live_is_remembered_with_its_partition_until_deleted(monkeypatch):
    """Faust's in-memory store drops, after a rebalance, the keys of partitions no longer assigned, but knew the
    partition only of keys it had read from the changelog."""
    calls = []
    monkeypatch.setattr(faust_fixes, "_original_on_key_set", lambda table, key, value: calls.append(("set", key)))
    monkeypatch.setattr(faust_fixes, "_original_on_key_del", lambda table, key: calls.append(("del", key)))
    table = SimpleNamespace(data=SimpleNamespace(_key_partition={}), partition_for_key=lambda key: 3)
    faust_fixes.on_key_set_remembering_partition(table, "p3:issue-a", b"{}")
    assert table.data._key_partition == {"p3:issue-a": 3} and calls == [("set", "p3:issue-a")]
    faust_fixes.on_key_del_forgetting_partition(table, "p3:issue-a")
    assert table.data._key_partition == {} and calls[-1] == ("del", "p3:issue-a")
    other_store = SimpleNamespace(data={}, partition_for_key=lambda key: 3)  # a store that does not track partitions
    faust_fixes.on_key_set_remembering_partition(other_store, "k", b"{}")


_GAP_TP = TP("gap-test.posts", 0)


class _GapConsumer:
    def __init__(self, committed: int | None, log_start: int | Exception | None) -> None:
        self._committed_offset = {_GAP_TP: committed}
        self._log_start = log_start
        self.asked = 0

    async def earliest_offsets(self, *tps):
        self.asked += 1
        if self._log_start is None:  # a broker that never answers
            await asyncio.Event().wait()
        if isinstance(self._log_start, Exception):
            raise self._log_start
        return {tp: self._log_start for tp in tps}


async def _jump(consumer: _GapConsumer) -> None:
    """The fetch loop's call returns at once; the check runs in the background."""
    await asyncio.wait_for(faust_fixes.record_only_deleted_offsets(consumer, _GAP_TP, 21, 60), timeout=0.1)
    await asyncio.gather(*faust_fixes._log_start_checks)


@pytest.mark.parametrize(
    ("committed", "log_start", "baseline"),
    [
        (20, 45, 45),  # offsets 20..44 were deleted before they were read: commits count from 45
        (20, 0, 20),  # the log still holds them: fetched over, not done
        (20, ConnectionError("broker away"), 20),  # unknown: the safe side
        (None, 45, None),  # no committed offset known: Faust's own behaviour
    ],
)
def test_a_jump_counts_only_deleted_offsets_as_gone(committed, log_start, baseline, monkeypatch):
    from streams.metrics import REGISTRY

    monkeypatch.setattr(faust_fixes, "LOG_START_RETRY_SECONDS", 0.001)

    def deleted() -> float:
        return REGISTRY.get_sample_value("sigap_input_records_deleted_unread_total", {"topic": _GAP_TP.topic}) or 0.0

    before = deleted()
    consumer = _GapConsumer(committed, log_start)
    asyncio.run(_jump(consumer))
    assert consumer._committed_offset[_GAP_TP] == baseline
    assert deleted() - before == (baseline - committed if baseline != committed else 0)  # posts never scored
    assert consumer.asked == (faust_fixes.LOG_START_ATTEMPTS if isinstance(log_start, Exception) else 1)


def test_a_broker_that_does_not_answer_never_holds_up_the_fetch_loop(monkeypatch):
    monkeypatch.setattr(faust_fixes, "LOG_START_TIMEOUT_SECONDS", 0.01)
    monkeypatch.setattr(faust_fixes, "LOG_START_RETRY_SECONDS", 0.001)
    consumer = _GapConsumer(20, None)
    asyncio.run(_jump(consumer))  # _jump's own timeout fails the test if the fetch loop had to wait
    assert consumer.asked == faust_fixes.LOG_START_ATTEMPTS and consumer._committed_offset[_GAP_TP] == 20


class _Recorder:
    """Fakes of the consumer, app and recovery that record what the recovery does, in order."""

    def __init__(self, generation: int = 5) -> None:
        self.calls: list = []
        self.stream_tps = {("t.posts", 0), ("t.posts", 1)}
        self.changelog_tps = {("app-issue-state-changelog", 0)}
        consumer = SimpleNamespace(
            assignment=lambda: self.stream_tps | self.changelog_tps,
            perform_seek=self._perform_seek,
            resume_partitions=lambda tps: self.calls.append(("resume", frozenset(tps))),
            resume_flow=lambda: self.calls.append("resume_flow"),
        )

        async def send():
            return None

        async def maybe_start():
            return None

        self.app = SimpleNamespace(
            consumer=consumer,
            consumer_generation_id=generation,
            on_rebalance_complete=SimpleNamespace(send=send),
            flow_control=SimpleNamespace(resume=lambda: self.calls.append("clear_queues")),
            conf=SimpleNamespace(broker_request_timeout=1.0),
            _fetcher=SimpleNamespace(maybe_start=maybe_start),
            assignor=SimpleNamespace(assigned_standbys=lambda: set()),
            on_rebalance_end=lambda: self.calls.append("rebalance_end"),
        )

        async def wait(coro, timeout=None):
            await coro

        self.recovery = SimpleNamespace(
            app=self.app,
            log=SimpleNamespace(info=lambda *a: None, warning=lambda *a: None),
            _set_recovery_ended=lambda: None,
            tables=SimpleNamespace(values=lambda: [], on_actives_ready=lambda: None, on_standbys_ready=lambda: None),
            actives_for_table={},
            standbys_for_table={},
            completed=SimpleNamespace(set=lambda: None),
            _wait=wait,
            _is_changelog_tp=lambda tp: tp in self.changelog_tps,
        )

    async def _perform_seek(self):
        self.calls.append("seek")


def test_stream_partitions_resume_only_after_the_seek_and_the_queue_clear():
    for method in (faust_fixes.complete_recovery_then_resume_streams, faust_fixes.resume_streams_after_seek):
        recorder = _Recorder()
        asyncio.run(method(recorder.recovery, generation_id=5))
        # Resumed before the seek, the partitions delivered posts that the queue clear then threw away.
        assert recorder.calls[:4] == ["seek", "clear_queues", ("resume", frozenset(recorder.stream_tps)),
                                      "resume_flow"], method.__name__
        assert recorder.calls.count("seek") == 1


def test_nothing_is_resumed_when_another_rebalance_began():
    for method in (faust_fixes.complete_recovery_then_resume_streams, faust_fixes.resume_streams_after_seek):
        recorder = _Recorder(generation=6)
        asyncio.run(method(recorder.recovery, generation_id=5))
        assert recorder.calls == [], method.__name__


def _buffering_consumer(paused: set, active: set) -> SimpleNamespace:
    consumer = SimpleNamespace(_buffered_partitions={("posts", 0), ("posts", 1)}, _paused_partitions=paused,
                               _active_partitions=active)
    consumer._get_active_partitions = lambda: consumer._active_partitions
    return consumer


def test_a_partition_paused_by_a_rebalance_stays_paused_when_its_buffer_drains():
    consumer = _buffering_consumer(paused={("posts", 0)}, active=set())
    faust_fixes.resume_unless_paused(consumer, ("posts", 0))
    assert consumer._active_partitions == set()
    assert ("posts", 0) not in consumer._buffered_partitions


def test_a_drained_partition_that_is_not_paused_is_fetched_again():
    consumer = _buffering_consumer(paused=set(), active=set())
    faust_fixes.resume_unless_paused(consumer, ("posts", 1))
    assert consumer._active_partitions == {("posts", 1)}
    faust_fixes.resume_unless_paused(consumer, ("posts", 1))  # no longer buffered: nothing changes
    assert consumer._active_partitions == {("posts", 1)}


def _offsets(committed, acked) -> SimpleNamespace:
    tp = ("posts", 0)
    return SimpleNamespace(_acked={tp: list(acked)}, _acked_index={tp: set(acked)}, _gap={tp: []},
                           _committed_offset={tp: committed})


def test_the_commit_never_jumps_over_the_unacknowledged_message_at_the_committed_offset():
    tp = ("posts", 0)
    # offset 10 is the next to commit and was not acknowledged; 11 and 12 were
    assert faust_fixes._original_new_offset(_offsets(10, [11, 12]), tp) == 13  # Faust alone: 10 is skipped
    assert faust_fixes.new_offset_from_the_committed_one(_offsets(10, [11, 12]), tp) is None


def test_the_commit_moves_over_contiguous_acknowledgements_from_the_committed_offset():
    tp = ("posts", 0)
    consumer = _offsets(10, [10, 11, 13])
    assert faust_fixes.new_offset_from_the_committed_one(consumer, tp) == 12
    assert consumer._acked[tp] == [13]  # the rest waits for 12
    assert faust_fixes.new_offset_from_the_committed_one(_offsets(None, [0, 1]), tp) == 2


class _BufferedRecords:
    """aiokafka's PartitionRecords as FetchResult reads them: an iterator whose next_fetch_offset advances."""

    def __init__(self, first: int, count: int) -> None:
        self.next_fetch_offset = first
        self._end = first + count

    def __iter__(self):
        return self

    def __next__(self) -> int:
        if self.next_fetch_offset >= self._end:
            raise StopIteration
        self.next_fetch_offset += 1
        return self.next_fetch_offset - 1


class _PartitionState:
    """aiokafka's TopicPartitionState as FetchResult reads and moves it."""

    paused = False

    def __init__(self, position: int) -> None:
        self.position = position

    def consumed_to(self, position: int) -> None:
        self.position = position


def _aiokafka_fetcher(buffered: dict) -> tuple:
    """A real aiokafka Fetcher (its `fetched_records` and FetchResult) holding records already fetched, and the
    partitions' states."""
    from aiokafka.consumer.fetcher import Fetcher, FetchResult

    states = {tp: _PartitionState(records.next_fetch_offset) for tp, records in buffered.items()}
    assignment = SimpleNamespace(active=True, state_value=states.__getitem__)
    fetcher = Fetcher.__new__(Fetcher)
    fetcher._loop = asyncio.get_running_loop()
    fetcher._closed = False
    fetcher._fetch_waiters = set()
    fetcher._wait_consume_future = None
    fetcher._subscriptions = SimpleNamespace(reassignment_in_progress=False, is_assigned=lambda tp: True)
    fetcher._records = {tp: FetchResult(tp, assignment=assignment, partition_records=records, backoff=0)
                        for tp, records in buffered.items()}
    return fetcher, states


def test_a_fetch_waiting_when_every_partition_is_paused_returns_none_of_their_records(monkeypatch):
    """At the end of recovery the changelogs are paused before the streams resume. A fetch call made while the
    changelog was active and still waiting then must not take the (paused) posts partition's records out of
    aiokafka's buffer: Faust would drop them as not active, with aiokafka's position already past them."""
    posts, changelog = TP("posts", 3), TP("app-issue-state-changelog", 3)

    async def scenario():
        fetcher, states = _aiokafka_fetcher({posts: _BufferedRecords(45, 30)})

        async def faust_fetch(thread, active_partitions, timeout):  # what Faust's _fetch_records does
            return await fetcher.fetched_records(active_partitions, timeout=timeout, max_records=500)

        monkeypatch.setattr(faust_fixes, "_original_thread_getmany", faust_fetch)
        active = {changelog}  # Faust's live set: the changelog being read, posts paused
        call = asyncio.ensure_future(faust_fixes.getmany_of_active_partitions_only(None, active, timeout=0.3))
        await asyncio.sleep(0.05)
        active.discard(changelog)  # recovery done: the changelog paused, the streams not resumed yet
        for waiter in list(fetcher._fetch_waiters):  # a fetch response arriving wakes the waiting call
            fetcher._notify(waiter)
        returned, position = await call, states[posts].position
        active.add(posts)  # the streams resume
        after_resume = await faust_fixes.getmany_of_active_partitions_only(None, active, timeout=0.3)
        return returned, position, after_resume

    returned, position, after_resume = asyncio.run(scenario())
    assert returned == {} and position == 45  # left in the buffer, the position not moved past them
    assert after_resume == {posts: list(range(45, 75))}  # delivered once the partition is active
