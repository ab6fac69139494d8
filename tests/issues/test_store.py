"""SplitStateStore: issue states as several changelog records, the engine's results unchanged."""

from __future__ import annotations

from datetime import timedelta

import orjson
import pytest

from streams.issues.encoded import EncodedValues
from streams.issues.engine import IssueEngine
from streams.issues.store import NONCE_KEY, SEP, SplitStateStore
from streams.issues.timeutil import MINUTE_MS, parse_ms
from streams.policy import load_policy
from streams.records.errors import InvalidInput
from tests.issues.helpers import T0, JsonStore, chatter, scored_post, steady_claim_issue

HOT = "claim-c-autis"  # the issue of helpers.HOAX_CLAIM


class CountingStore(JsonStore):
    """A JsonStore that logs its writes and deletions and counts changelog bytes (value + key; a tombstone: key)."""

    def __init__(self) -> None:
        super().__init__()
        self.bytes = 0
        self.log: list[tuple[str, str]] = []  # ("set" | "del", key)

    def __setitem__(self, key: str, value: dict) -> None:
        super().__setitem__(key, value)
        self.bytes += len(self.data[key]) + len(key)
        self.log.append(("set", key))

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self.bytes += len(key)
        self.log.append(("del", key))


class CrashingStore(JsonStore):
    """Raises instead of performing its ``fail_at``-th write or deletion once armed (a worker killed mid-write)."""

    def __init__(self, data: dict[str, bytes]) -> None:
        super().__init__()
        self.data = dict(data)
        self.fail_at: int | None = None
        self.ops = 0

    def _step(self) -> None:
        if self.fail_at is not None:
            self.ops += 1
            if self.ops == self.fail_at:
                raise RuntimeError("killed")

    def __setitem__(self, key: str, value: dict) -> None:
        self._step()
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self._step()
        super().__delitem__(key)


class MemoryTable(JsonStore):
    """Like a Faust table over its memory store: hands out the very objects it holds (the engine mutates them in
    place) and sends each assignment and deletion to a changelog, encoded at that moment."""

    def __init__(self) -> None:
        super().__init__()
        self.objects: dict[str, dict] = {}
        self.changelog: list[tuple[str, bytes | None]] = []

    def __getitem__(self, key: str) -> dict:
        return self.objects[key]

    def __setitem__(self, key: str, value: dict) -> None:
        self.objects[key] = value
        self.changelog.append((key, orjson.dumps(value)))

    def __delitem__(self, key: str) -> None:
        del self.objects[key]
        self.changelog.append((key, None))

    def __iter__(self):
        return iter(list(self.objects))

    def __len__(self) -> int:
        return len(self.objects)

    def recovered(self) -> JsonStore:
        """What a worker taking the partition over rebuilds from the changelog."""
        store = JsonStore()
        for key, value in self.changelog:
            if value is None:
                store.data.pop(key, None)
            else:
                store.data[key] = value
        return store


class GuardedStore(JsonStore):
    """Fails a write or deletion of a record that the current core of its issue refers to (the commit point
    protocol: the referenced records of a core are never touched until a new core refers elsewhere)."""

    def _check(self, key: str) -> None:
        if SEP in key:
            issue_id = key.split(SEP, 1)[0]
            if issue_id in self.data:
                assert key not in referenced_keys(self, [issue_id]), f"{key!r} rewritten while referenced"

    def __setitem__(self, key: str, value: dict) -> None:
        self._check(key)
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        if SEP in key:
            self._check(key)
        super().__delitem__(key)


def hot_issue(minutes: int, per_minute: int) -> list[dict]:
    """One claim issue with ``per_minute`` posts each minute (distinct accounts, near-duplicate texts)."""
    return steady_claim_issue(minutes, per_minute, seed="hot", prefix="hot", jitter=0.5)


def mixed(minutes: int = 30) -> list[dict]:
    return sorted(hot_issue(minutes, 40) + chatter(minutes, 3), key=lambda p: p["created_at"])


def feed(engine: IssueEngine, records: list[dict], batch: int) -> list:
    """Escalations (subject, id, time) of ``records`` fed in batches of ``batch``, then a final flush."""
    outs = [engine.process(records[i:i + batch]) for i in range(0, len(records), batch)]
    outs.append(engine.flush(final=True))
    return [(s, e["id"], e["time"]) for o in outs for s, e in o.escalations]


def referenced_keys(backend: JsonStore, issues=None) -> set[str]:
    """Every record some core (of ``issues``, default all) refers to, and the cores."""
    keys = set()
    for key in backend.data if issues is None else issues:
        if SEP in key:
            continue
        core = backend[key]
        keys.add(key)
        for minute, slot in (core.get("mk") or {}).items():
            keys.add(SplitStateStore.part_key(key, "m" + minute, slot))
        for minute, slot in (core.get("fk") or {}).items():
            keys.add(SplitStateStore.part_key(key, "f" + minute, slot))
    return keys


def test_engine_states_read_back_identical_through_the_split_layout():
    plain = JsonStore()
    feed(IssueEngine(load_policy(), plain, JsonStore()), mixed(), batch=100)
    hot = plain[HOT]
    assert len(hot["m"]) > 10 and hot["f"] and hot["c"]  # detailed minutes and folded ones alike
    backend = JsonStore()
    store = SplitStateStore(backend)
    for issue_id in plain:
        store[issue_id] = plain[issue_id]
    restarted = SplitStateStore(backend)  # a new process: an empty cache
    for issue_id in plain:
        assert store[issue_id] == plain[issue_id] == restarted[issue_id]
        assert list(restarted[issue_id]["m"]) == list(plain[issue_id]["m"])  # the minutes' order too
    assert sorted(restarted) == sorted(plain) and len(restarted) == len(plain) < len(backend)
    core = backend[HOT]
    assert "m" not in core and "f" not in core and core[NONCE_KEY] is not None
    assert len(backend.data[HOT]) < len(orjson.dumps(hot)) / 10
    assert set(backend.data) == referenced_keys(backend)  # one record per detailed minute and per folded minute
    assert len([k for k in backend.data if k.startswith(HOT + SEP)]) == len(hot["m"]) + len(hot["f"])


@pytest.mark.parametrize("batch", [7, 150])
def test_the_engine_gives_the_same_escalations_and_states_over_either_store(batch):
    records = mixed(40)
    runs = []
    for split in (False, True):
        backend, clock = GuardedStore(), JsonStore()
        store = SplitStateStore(backend) if split else backend
        escalations = feed(IssueEngine(load_policy(), store, clock), records, batch)
        runs.append((escalations, {k: store[k] for k in store}, clock.data, backend))
    (plain_escalations, plain_states, plain_clock, _), (escalations, states, clock, backend) = runs
    assert escalations == plain_escalations and escalations
    assert states == plain_states
    assert plain_states[HOT]["arch"]["n"] > 0 and plain_states[HOT].get("f")  # minutes were folded
    assert clock == plain_clock
    assert set(backend.data) == referenced_keys(backend)  # nothing stale left behind


@pytest.mark.parametrize("batch", [3, 100])
def test_the_changelog_holds_what_the_engine_holds_although_it_mutates_the_tables_objects(batch):
    records = mixed(40)
    table = MemoryTable()
    store = SplitStateStore(table)
    engine = IssueEngine(load_policy(), store, JsonStore())
    plain = JsonStore()
    plain_engine = IssueEngine(load_policy(), plain, JsonStore())
    for i in range(0, len(records), batch):
        engine.process(records[i:i + batch])
        plain_engine.process(records[i:i + batch])
        if i % (batch * 37) == 0:
            recovered = SplitStateStore(table.recovered())
            assert {k: recovered[k] for k in recovered} == {k: plain[k] for k in plain}, i
    recovered = table.recovered()
    assert {k: SplitStateStore(recovered)[k] for k in plain} == {k: store[k] for k in store} == \
        {k: plain[k] for k in plain}
    assert set(recovered.data) == referenced_keys(recovered) == set(table.objects)


def test_a_batch_of_a_hot_issue_writes_a_small_part_of_its_state():
    posts = hot_issue(24, 100)  # the first 14 minutes in large batches, the last 10 in batches of 5 posts
    runs = {}
    for split in (False, True):
        backend = CountingStore()
        engine = IssueEngine(load_policy(), SplitStateStore(backend) if split else backend, JsonStore())
        for i in range(0, 14 * 100, 100):
            engine.process(posts[i:i + 100])
        per_batch = []
        for i in range(14 * 100, len(posts), 5):
            start, ops = backend.bytes, len(backend.log)
            engine.process(posts[i:i + 5])
            per_batch.append((posts[i:i + 5], backend.bytes - start, backend.log[ops:]))
        runs[split] = per_batch
    plain_total = sum(size for _, size, _ in runs[False])
    split_total = sum(size for _, size, _ in runs[True])
    assert split_total < plain_total / 5, (split_total, plain_total)
    # a batch whose posts all fall in the minute of the previous batch's last post: nothing is evaluated, so it
    # rewrites that minute's bucket (into its other slot) and the core, and drops the bucket's previous record
    checked = 0
    for i in range(len(runs[True]) - 1):
        (before, _, _), (batch, size, log) = runs[True][i], runs[True][i + 1]
        minute = parse_ms(before[-1]["created_at"]) // MINUTE_MS
        if {parse_ms(p["created_at"]) // MINUTE_MS for p in batch} != {minute}:
            continue
        bucket = f"{HOT}{SEP}m{minute}."
        assert [op for op, _ in log] == ["set", "set", "del"]
        assert log[0][1].startswith(bucket) and log[1][1] == HOT and log[2][1].startswith(bucket)
        assert log[0][1] != log[2][1]
        assert size < runs[False][i + 1][1] / 10
        checked += 1
    assert checked > 100


def test_a_state_in_the_old_single_record_layout_loads_and_is_rewritten_split():
    posts = hot_issue(40, 30)
    first, rest = posts[:900], posts[900:]
    reference, clock = JsonStore(), JsonStore()
    engine = IssueEngine(load_policy(), reference, clock)
    feed(engine, first, 50)
    old = reference[HOT]
    assert old["m"] and old["f"] and NONCE_KEY not in old
    # a deployment's changelog written before the split: whole states under the issue ids
    backend = JsonStore()
    backend.data = dict(reference.data)
    split_clock = JsonStore()
    split_clock.data = dict(clock.data)
    store = SplitStateStore(backend)
    assert store[HOT] == old and len(store) == 1
    expected = feed(IssueEngine(load_policy(), reference, clock), rest, 50)
    assert feed(IssueEngine(load_policy(), store, split_clock), rest, 50) == expected
    assert SplitStateStore(backend)[HOT] == reference[HOT]
    core = backend[HOT]
    assert NONCE_KEY in core and "m" not in core and "f" not in core
    assert set(backend.data) == referenced_keys(backend)


def test_an_old_layout_state_written_back_unchanged_is_converted():
    state = {"v": 1, "id": "topic-x", "n": 2, "m": {"5": {"n": 2, "ids": [1, 2]}}, "c": {"3": 1},
             "f": {"3": "AAAAAQ=="}}
    backend = JsonStore()
    backend["topic-x"] = state
    store = SplitStateStore(backend, split_min_bytes=0)
    store["topic-x"] = store["topic-x"]
    assert sorted(backend.data) == sorted(["topic-x", f"topic-x{SEP}m5.0", f"topic-x{SEP}f3.0"])
    assert SplitStateStore(backend, split_min_bytes=0)["topic-x"] == state


def test_parts_that_go_away_are_deleted_and_empty_or_missing_parts_round_trip():
    backend = JsonStore()
    store = SplitStateStore(backend, split_min_bytes=0)
    state = {"id": "x", "m": {"1": {"n": 1}, "2": {"n": 2}}, "f": {"0": "AAAA"}}
    store["x"] = state
    backend[f"x{SEP}m1.1"] = {"n": 0}  # an orphan a crash could have left in the other slot
    store["x"] = {"id": "x", "m": {"2": {"n": 3}}, "f": {}}  # minute 1 folded away, fingerprints forgotten
    assert SplitStateStore(backend, split_min_bytes=0)["x"] == {"id": "x", "m": {"2": {"n": 3}}, "f": {}}
    assert sorted(backend.data) == ["x", f"x{SEP}m2.1"]
    store["x"] = {"id": "x", "n": 1}  # no "m", no "f" at all
    assert SplitStateStore(backend, split_min_bytes=0)["x"] == {"id": "x", "n": 1} and list(backend.data) == ["x"]
    writes = backend.writes
    store["x"] = {"id": "x", "n": 1}  # unchanged: nothing written
    assert backend.writes == writes
    with pytest.raises(KeyError):
        store["missing"]
    with pytest.raises(ValueError):
        store[f"a{SEP}b"] = {}
    with pytest.raises(ValueError):
        store["x"] = {"id": "x", NONCE_KEY: 1}  # the core's own keys are reserved


def test_a_worker_that_held_an_issue_before_does_not_trust_what_it_remembers_of_it():
    backend = GuardedStore()
    a, b = SplitStateStore(backend, split_min_bytes=0), SplitStateStore(backend, split_min_bytes=0)
    a["x"] = {"id": "x", "m": {"1": {"n": 1}, "2": {"n": 5}}}
    state = b["x"]  # the partition moved to another worker, which changes the issue
    state["m"]["1"]["n"] = 2
    b["x"] = state
    state = a["x"]  # ... and came back
    assert state["m"]["1"]["n"] == 2
    state["m"]["1"]["n"] = 1  # as it was when this worker last wrote it
    a["x"] = state
    assert SplitStateStore(backend, split_min_bytes=0)["x"] == {"id": "x", "m": {"1": {"n": 1}, "2": {"n": 5}}}
    assert set(backend.data) == referenced_keys(backend)


def test_the_engine_over_workers_taking_turns_gives_the_same_states():
    records = mixed(30)
    backend, clock = GuardedStore(), JsonStore()
    workers = [SplitStateStore(backend), SplitStateStore(backend)]
    for n, i in enumerate(range(0, len(records), 40)):  # the partition moves at every batch
        IssueEngine(load_policy(), workers[n % 2], clock).process(records[i:i + 40])
    IssueEngine(load_policy(), workers[0], clock).flush(final=True)
    plain = JsonStore()
    feed(IssueEngine(load_policy(), plain, JsonStore()), records, 40)
    assert {k: workers[0][k] for k in workers[0]} == {k: plain[k] for k in plain}


def test_deleting_an_issue_removes_every_record_of_it():
    backend = JsonStore()
    store = SplitStateStore(backend, split_min_bytes=0)
    store["x"] = {"id": "x", "m": {"1": {"n": 1}, "2": {"n": 2}}, "f": {"0": "AAAA"}}
    store["y"] = {"id": "y", "m": {"1": {"n": 1}}}
    backend[f"x{SEP}m1.1"] = {"n": 0}  # an orphan a crash could leave in the other slot
    del store["x"]
    assert sorted(backend.data) == ["y", f"y{SEP}m1.0"]
    assert "x" not in store and "y" in store and list(store) == ["y"] and len(store) == 1
    with pytest.raises(KeyError):
        del store["x"]


def test_an_issue_expired_by_the_engine_leaves_no_record():
    backend = JsonStore()
    engine = IssueEngine(load_policy(), SplitStateStore(backend), JsonStore())
    feed(engine, hot_issue(30, 40), 100)
    assert len([k for k in backend.data if k.startswith(HOT + SEP)]) > 5
    # seven hours later, one post of another issue moves event time on: the hot issue is idle and closed
    out = engine.process([scored_post(99999, "kabar pagi dari pasar", T0 + timedelta(hours=7))])
    assert (HOT, None) in out.issue_updates and out.expired >= 1
    engine.flush(final=True)
    assert not [k for k in backend.data if k.startswith(HOT)]
    assert HOT not in SplitStateStore(backend)


def _crash_scenario(store_class=SplitStateStore):
    posts = hot_issue(32, 120)
    batches = [posts[i:i + 50] for i in range(0, len(posts), 50)]
    # a batch that crosses into a new minute: a minute is evaluated and folded, another's coordination cleared
    k = next(k for k in range(60, len(batches))
             if len({parse_ms(p["created_at"]) // MINUTE_MS for p in batches[k]}) > 1)
    backend, clock = JsonStore(), JsonStore()
    engine = IssueEngine(load_policy(), store_class(backend), clock)
    for batch in batches[:k]:
        engine.process(batch)
    return batches, k, backend.data, clock.data


def _finish(store_factory, data, clock_data, batches, k, *, crash_at=None, crash_clock=False):
    """From the records ``data`` (and clock) before batch ``k``: process it (killed at the ``crash_at``-th write of
    the issue store, or at the clock's first write), then restart (new store, new engine) and process it again,
    and the rest. Return the final state, the escalations and the backend."""
    backend, clock = CrashingStore(data), CrashingStore(clock_data)
    if crash_clock:
        clock.fail_at = 1
    else:
        backend.fail_at = crash_at
    if crash_at is not None or crash_clock:
        with pytest.raises(RuntimeError, match="killed"):
            IssueEngine(load_policy(), store_factory(backend), clock).process(batches[k])
        backend.fail_at = clock.fail_at = None
    engine = IssueEngine(load_policy(), store_factory(backend), clock)
    escalations = feed(engine, [p for batch in batches[k:] for p in batch], 50)
    return store_factory(backend)[HOT], escalations, backend


def test_a_worker_killed_in_the_middle_of_writing_a_state_recovers_it_exactly():
    batches, k, data, clock_data = _crash_scenario()
    expected, expected_escalations, reference = _finish(SplitStateStore, data, clock_data, batches, k)
    log = _log(SplitStateStore, data, clock_data, batches[k])  # the writes and deletions for batch k
    ops = len(log)
    assert [key for op, key in log if op == "set" and key.startswith(f"{HOT}{SEP}f")]  # a minute's fingerprints written
    assert len([op for op, key in log if op == "del" and key.startswith(HOT + SEP + "m")]) >= 2  # a minute folded
    # killed before the core was written (the commit point): the state before the batch, intact
    core_at = _core_write_position(SplitStateStore, data, clock_data, batches[k])
    assert 1 < core_at < ops
    for crash_at in range(1, core_at + 1):
        state, escalations, backend = _finish(SplitStateStore, data, clock_data, batches, k, crash_at=crash_at)
        assert state == expected and escalations == expected_escalations, crash_at
        assert set(backend.data) == set(reference.data) == referenced_keys(backend), crash_at
    # killed after the core, while deleting what it no longer refers to: the batch is committed, as when the plain
    # store is killed after writing the state and before the clock (here the later batches make up for the clock
    # left behind, so that too ends as the uninterrupted run); the left-overs are never read
    plain_data = {HOT: orjson.dumps(SplitStateStore(_json(data))[HOT])}
    plain, plain_escalations, _ = _finish(lambda b: b, plain_data, clock_data, batches, k, crash_clock=True)
    assert plain == expected and plain_escalations == expected_escalations
    for crash_at in range(core_at + 1, ops + 1):
        state, escalations, backend = _finish(SplitStateStore, data, clock_data, batches, k, crash_at=crash_at)
        assert state == plain and escalations == plain_escalations, crash_at
        assert referenced_keys(backend) <= set(backend.data), crash_at


def _json(data: dict[str, bytes]) -> JsonStore:
    store = JsonStore()
    store.data = dict(data)
    return store


def _log(store_class, data, clock_data, batch) -> list[tuple[str, str]]:
    """The writes and deletions the store makes for ``batch``."""
    backend = CountingStore()
    backend.data = dict(data)
    IssueEngine(load_policy(), store_class(backend), _json(clock_data)).process(batch)
    return backend.log


def _core_write_position(store_class, data, clock_data, batch) -> int:
    """The position of the core among the split store's writes and deletions for ``batch``."""
    return [key for _, key in _log(store_class, data, clock_data, batch)].index(HOT) + 1


def test_parts_written_in_place_would_not_survive_a_crash():
    """Why the slots: overwriting a bucket before the core loses posts when the batch is processed again."""

    class InPlace(SplitStateStore):
        @staticmethod
        def _next_slot(current):
            return 0

    batches, k, data, clock_data = _crash_scenario(InPlace)
    expected, _, _ = _finish(InPlace, data, clock_data, batches, k)
    core_at = _core_write_position(InPlace, data, clock_data, batches[k])
    states = [_finish(InPlace, data, clock_data, batches, k, crash_at=n)[0] for n in range(2, core_at + 1)]
    assert any(state["n"] < expected["n"] for state in states)


def test_a_small_state_stays_one_record_and_a_state_that_grows_is_split_then_joined_again():
    backend = JsonStore()
    store = SplitStateStore(backend, split_min_bytes=2000)

    def state(minutes: int) -> dict:  # ~100 bytes a minute
        return {"id": "x", "m": {str(i): {"n": i, "ids": list(range(30))} for i in range(minutes)}, "f": {"0": "AAAA"}}

    store["x"] = state(3)
    assert list(backend.data) == ["x"] and backend["x"] == state(3)  # one record, as earlier releases wrote it
    store["x"] = state(40)  # past split_min_bytes
    assert len(backend.data) == 1 + 40 + 1 and "m" not in backend["x"]
    assert SplitStateStore(backend)["x"] == state(40)
    store["x"] = state(15)  # under split_min_bytes but over half of it: stays split (no flip-flop at the limit)
    assert len(backend.data) == 1 + 15 + 1 and "m" not in backend["x"]
    assert SplitStateStore(backend)["x"] == state(15)
    store["x"] = state(3)  # under half: one record again, and no part record left behind
    assert list(backend.data) == ["x"] and SplitStateStore(backend)["x"] == state(3)


def test_every_record_written_is_reported_to_the_write_hook():
    sizes: list[int] = []
    backend = CountingStore()
    store = SplitStateStore(backend, split_min_bytes=0, on_write=sizes.append)
    store["x"] = {"id": "x", "m": {"1": {"n": 1}, "2": {"n": 2}}, "f": {"0": "AAAA"}}
    store["x"] = {"id": "x", "m": {"1": {"n": 1}, "2": {"n": 3}}, "f": {"0": "AAAA"}}  # one bucket and the core
    assert len(sizes) == 4 + 2 == store.records_written == len([op for op, _ in backend.log if op == "set"])
    assert sum(sizes) == store.bytes_written > 0


def _state(issue_id: str, *counts: int) -> dict:
    return {"id": issue_id, "m": {str(minute): {"n": n} for minute, n in enumerate(counts, 1)}}


def test_after_a_write_that_failed_the_store_trusts_nothing_it_remembers_of_that_issue():
    """A write interrupted after its core (while deleting the old records) has committed the new state; the next
    write must not overwrite the records that new core refers to, as a store trusting its memory of the old core
    would."""

    class GuardedCrashingStore(CrashingStore, GuardedStore):
        pass

    backend = GuardedCrashingStore({})
    store = SplitStateStore(backend, split_min_bytes=0)
    store["x"] = _state("x", 1, 2)
    backend.fail_at, backend.ops = 4, 0  # two parts, the core, then the first deletion fails
    with pytest.raises(RuntimeError):
        store["x"] = _state("x", 3, 4)
    backend.fail_at = None
    assert SplitStateStore(backend, split_min_bytes=0)["x"] == _state("x", 3, 4)  # committed
    store["x"] = _state("x", 5, 6)
    assert SplitStateStore(backend, split_min_bytes=0)["x"] == _state("x", 5, 6)


def test_an_issue_deleted_or_gone_from_the_backend_is_written_whole_when_it_comes_back():
    """What the store remembers of an issue dies with its records: a state written again after the issue was
    deleted (or its records vanished, e.g. restored from a changelog that no longer holds them) is written in full,
    not skipped as unchanged."""
    backend = JsonStore()
    store = SplitStateStore(backend, split_min_bytes=0)
    store["x"] = _state("x", 1, 2)
    del store["x"]
    store["x"] = _state("x", 1, 2)
    assert SplitStateStore(backend, split_min_bytes=0)["x"] == _state("x", 1, 2)

    for key in list(backend.data):
        del backend[key]
    with pytest.raises(KeyError):
        store["x"]
    store["x"] = _state("x", 1, 2)
    assert SplitStateStore(backend, split_min_bytes=0)["x"] == _state("x", 1, 2)


def test_the_memory_of_issues_is_bounded_and_an_issue_forgotten_is_written_in_full():
    backend = JsonStore()
    store = SplitStateStore(backend, split_min_bytes=0, max_cached_issues=2)
    for issue_id in ("a", "b", "c"):
        store[issue_id] = _state(issue_id, 1, 2, 3)
    written = store.records_written
    store["c"] = _state("c", 1, 2, 3)  # remembered and unchanged: nothing written
    assert store.records_written == written
    store["a"] = _state("a", 1, 2, 3)  # forgotten (the oldest of three when two are kept): three parts and the core
    assert store.records_written == written + 4
    assert SplitStateStore(backend, split_min_bytes=0)["a"] == _state("a", 1, 2, 3)


@pytest.mark.parametrize("encoded", [False, True])
def test_a_call_prepared_and_never_committed_leaves_nothing_of_itself_in_the_store(encoded):
    """Faust restarts a crashed agent in the same process: a new engine over the same store reads the call's
    batch again. It must find the states as committed, not as the abandoned call left the objects it read."""
    records = mixed(20)
    batches = [records[i:i + 50] for i in range(0, len(records), 50)]
    k = len(batches) // 2
    uninterrupted, uninterrupted_clock = JsonStore(), JsonStore()
    expected = feed(IssueEngine(load_policy(), uninterrupted, uninterrupted_clock), records, 50)

    backend = {} if encoded else JsonStore()
    store = SplitStateStore(EncodedValues(backend) if encoded else backend)
    clock = JsonStore()
    engine = IssueEngine(load_policy(), store, clock)
    escalations = [(s, e["id"], e["time"]) for batch in batches[:k] for s, e in engine.process(batch).escalations]
    assert any(key.startswith(HOT + SEP) for key in backend)  # the hot issue is split; the chatter is not
    assert engine.prepare(batches[k]).out.posts == len(batches[k])  # evaluated; then the agent raised
    engine = IssueEngine(load_policy(), store, clock)
    escalations += feed(engine, records[k * 50:], 50)
    assert escalations == expected and expected
    reference = IssueEngine(load_policy(), uninterrupted, uninterrupted_clock)
    assert sorted(store) == sorted(uninterrupted)
    assert all(engine.state(key) == reference.state(key) for key in uninterrupted)


def test_the_engine_gives_back_the_states_a_committed_call_read_and_did_not_write():
    class Recording(SplitStateStore):
        def __init__(self, backend) -> None:
            super().__init__(backend)
            self.given_back: set[str] = set()

        def give_back(self, issue_id: str) -> None:
            self.given_back.add(issue_id)
            super().give_back(issue_id)

    store = Recording(JsonStore())
    engine = IssueEngine(load_policy(), store, JsonStore())
    for post in chatter(10, 3):
        engine.process([post])  # each later call judges earlier posts' issues quietly, without writing them
    assert len(store.given_back & set(store)) > 10


def test_feedback_for_an_issue_id_with_a_control_character_is_rejected_not_a_crash_at_commit():
    """U+001F separates an issue id from its part names in the store's keys: such feedback (valid JSON, valid
    verdict) used to be prepared, then fail when its state was written, and crash the agent at every restart."""
    from streams.records.feedback import parse_feedback

    bad = {"kind": "feedback", "issue_id": f"topic-pln{SEP}m1.0", "verdict": "false_alarm", "by": "x",
           "at": "2024-06-03T01:00:00Z"}
    engine = IssueEngine(load_policy(), SplitStateStore(JsonStore()), JsonStore())
    out = engine.process([bad, scored_post(1, "listrik padam lagi pln", T0)])
    assert [(position, error.reason.value) for position, error in out.rejected] == [(0, "invalid_field")]
    with pytest.raises(InvalidInput, match="^invalid_field: issue_id"):
        parse_feedback(orjson.dumps({key: value for key, value in bad.items() if key != "kind"}))
