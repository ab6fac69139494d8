"""The engine's lists of issue ids in its clock table: what was added is read back until the list is taken,
whatever the chunking, a crash or the format an earlier release wrote; adding a few ids costs a few ids."""

from __future__ import annotations

import copy
import math
import random

import pytest

from streams.issues.idlists import COUNTS_FIELD, IdLists, chunk_key
from tests.issues.helpers import JsonStore
from tests.issues.test_store import CrashingStore

KEYS = ("a100", "a101", "xb7")


def _call(store, chunked: bool, operations) -> None:
    """One engine call: the clock read, the lists changed, their changes then the clock written (the engine's
    order: the clock record is the last write)."""
    clock = copy.deepcopy(store.get("clock") or {})
    lists = IdLists(store, clock, chunked=chunked)
    operations(lists)
    lists.commit()
    store["clock"] = clock


def _read(store, key: str) -> set[str]:
    return set(IdLists(store, copy.deepcopy(store.get("clock") or {})).ids(key))


def _random_call(rng: random.Random, model: dict[str, set[str]], next_id: list[int]):
    """Random additions, reads and takes on the model; returns the same operations for an IdLists."""
    steps = []
    for _ in range(rng.randint(1, 4)):
        key = rng.choice(KEYS)
        if rng.random() < 0.15:
            steps.append(("take", key, None))
        else:
            ids = {f"i{next_id[0] + n}" for n in range(rng.choice((1, 2, 5, 40)))}
            if model[key] and rng.random() < 0.3:
                ids.add(rng.choice(sorted(model[key])))  # an id listed again
            next_id[0] += len(ids)
            steps.append(("add", key, ids))

    def apply(lists: IdLists | None) -> None:
        for op, key, ids in steps:
            if op == "take":
                if lists is None:
                    model[key] = set()
                else:
                    lists.take(key)
            elif lists is None:
                model[key] |= ids
            else:
                lists.add(key, ids)
                assert lists.ids(key) >= ids

    return apply


@pytest.mark.parametrize("formats", ["chunked", "whole", "switching"])
def test_a_list_reads_back_every_id_added_since_it_was_last_taken(formats):
    rng = random.Random(7)
    store = JsonStore()
    model = {key: set() for key in KEYS}
    next_id = [0]
    for call in range(300):
        chunked = {"chunked": True, "whole": False}.get(formats, (call // 25) % 2 == 0)
        apply = _random_call(rng, model, next_id)
        apply(None)
        _call(store, chunked, apply)
        for key in KEYS:
            assert _read(store, key) == model[key], (call, key)
    assert any(model.values())
    counts = store["clock"][COUNTS_FIELD]
    if formats == "whole":
        assert not counts and set(store.data) <= {"clock", *KEYS}
    for key in KEYS:  # taking every list leaves nothing behind
        _call(store, True, lambda lists, key=key: lists.take(key))
    assert set(store.data) == {"clock"} and store["clock"][COUNTS_FIELD] == {}


class CountingStore(JsonStore):
    ids_written = 0

    def __setitem__(self, key, value) -> None:
        self.ids_written += len(value) if isinstance(value, list) else 0
        super().__setitem__(key, value)


@pytest.mark.parametrize("per_call", [1, 7])
def test_a_list_grown_a_few_ids_at_a_time_keeps_few_chunks_and_writes_each_id_a_few_times(per_call):
    """A slot an hour ahead lists every new issue of five minutes, a few per batch: written whole each batch, that
    is quadratic in its size."""
    chunked, whole = CountingStore(), CountingStore()
    total = 3000
    for start in range(0, total, per_call):
        ids = {f"issue-{n}" for n in range(start, min(start + per_call, total))}
        for store, is_chunked in ((chunked, True), (whole, False)):
            _call(store, is_chunked, lambda lists, ids=ids: lists.add("xb7", ids))
    assert _read(chunked, "xb7") == _read(whole, "xb7") == {f"issue-{n}" for n in range(total)}
    chunks = chunked["clock"][COUNTS_FIELD]["xb7"]
    assert chunks <= math.log2(total) + 1
    assert sum(key.startswith("xb7.") for key in chunked.data) < 2 * chunks  # (what merges left behind, at most)
    assert chunked.ids_written <= 2 * math.log2(total) * total
    assert whole.ids_written >= total * (total / per_call) / 2 - total  # every call rewrote all so far
    assert whole.ids_written > 20 * chunked.ids_written


def test_a_whole_list_an_earlier_release_wrote_is_read_with_the_chunks_and_deleted_with_them():
    store = JsonStore()
    store["a100"] = ["old-1", "old-2"]  # written whole, by a release before chunks
    store["clock"] = {"v": 1}  # and no chunk counts
    _call(store, True, lambda lists: lists.add("a100", {"new-1"}))
    assert store["a100"] == ["old-1", "old-2"] and _read(store, "a100") == {"old-1", "old-2", "new-1"}
    _call(store, False, lambda lists: lists.add("a100", {"new-2"}))  # during a rolling upgrade: whole again
    assert store["a100"] == ["new-1", "new-2", "old-1", "old-2"] and chunk_key("a100", 1) not in store
    _call(store, True, lambda lists: lists.take("a100"))
    assert set(store.data) == {"clock"}


def test_a_worker_set_to_whole_lists_rewrites_every_chunked_list_at_its_first_call():
    """Before a rollback to a release that reads only whole lists, nothing may stay in chunks."""
    store = JsonStore()
    for n in range(5):
        _call(store, True, lambda lists, n=n: [lists.add(key, {f"{key}-{n}"}) for key in KEYS])
    expected = {key: _read(store, key) for key in KEYS}
    assert all(len(ids) == 5 for ids in expected.values()) and any("." in key for key in store.data)
    _call(store, False, lambda lists: None)  # a call that adds nothing
    assert set(store.data) == {"clock", *KEYS} and store["clock"][COUNTS_FIELD] == {}
    assert {key: set(store[key]) for key in KEYS} == expected  # as a release before chunks reads them


def test_chunks_a_merge_left_above_the_count_are_never_read_and_go_when_the_list_is_taken():
    store = JsonStore()
    first, second, third = set("abcdefghijklmnop"), set("qrst"), {"u"}
    for ids in (first, second, third):
        _call(store, True, lambda lists, ids=ids: lists.add("xb7", ids))
    assert store["clock"][COUNTS_FIELD]["xb7"] == 3
    _call(store, True, lambda lists: lists.add("xb7", {"v", "w"}))  # merges the second and third chunks into it
    assert store["clock"][COUNTS_FIELD]["xb7"] == 2 and store[chunk_key("xb7", 2)] == sorted(set("qrstuvw"))
    assert store[chunk_key("xb7", 3)] == ["u"]  # left behind
    assert _read(store, "xb7") == set("abcdefghijklmnopqrstuvw")
    _call(store, True, lambda lists: lists.add("xb7", {"x"}))  # pushed at position 3: overwrites what was left
    assert store[chunk_key("xb7", 3)] == ["x"] and _read(store, "xb7") == set("abcdefghijklmnopqrstuvwx")
    _call(store, True, lambda lists: lists.take("xb7"))
    assert set(store.data) == {"clock"}


def test_a_worker_killed_while_writing_the_lists_redoes_the_call_to_the_same_lists():
    """Killed at any write of a call, before its clock record: the call is redone (its input was not
    acknowledged) from the clock before it, and the lists read as if it had run once."""
    rng = random.Random(3)
    store = JsonStore()
    model = {key: set() for key in KEYS}
    next_id = [0]
    for _ in range(40):
        apply = _random_call(rng, model, next_id)
        apply(None)
        _call(store, True, apply)
    _call(store, True, lambda lists: lists.take("a101"))
    for size in (100, 8, 2):  # chunks of 100, 8 and 2 ids
        _call(store, True, lambda lists, size=size: lists.add("a101", {f"{size}-{n}" for n in range(size)}))
    before = dict(store.data)

    def last_call(lists: IdLists) -> None:
        lists.take("a100")
        lists.add("a100", {"after-take"})
        lists.add("a101", {f"late-{n}" for n in range(30)})  # merged with the chunks of 2 and 8 ids
        lists.add("xb7", {"x"})

    reference = CrashingStore(before)
    reference.fail_at = 10**9  # (counts writes and deletions)
    _call(reference, True, last_call)
    expected = {key: _read(reference, key) for key in KEYS}
    assert expected["a100"] == {"after-take"} and len(expected["a101"]) == 140
    assert reference["clock"][COUNTS_FIELD]["a101"] == 2
    assert reference.ops >= 5
    for crash_at in range(1, reference.ops + 1):  # the last one is the clock record
        store = CrashingStore(before)
        store.fail_at = crash_at
        with pytest.raises(RuntimeError, match="killed"):
            _call(store, True, last_call)
        store.fail_at = None
        _call(store, True, last_call)
        assert {key: _read(store, key) for key in KEYS} == expected, crash_at


def test_engines_switching_list_format_mid_stream_publish_what_either_format_alone_does():
    """A rolling upgrade: the partition passes between workers that write chunks and workers that write whole
    lists (``SIGAP_ISSUE_LISTS=whole``); escalations, lifecycle events, issue records and states are the same."""
    from datetime import timedelta

    from streams.issues.engine import IssueEngine
    from streams.policy import load_policy
    from tests.issues.helpers import T0, chatter
    from tests.issues.test_engine import hoax_burst

    posts = sorted(chatter(90, 4) + hoax_burst(minutes=12, start=T0 + timedelta(minutes=20))
                   + chatter(3, 2, start=T0 + timedelta(hours=8), prefix="later"), key=lambda p: p["created_at"])

    def run(formats) -> tuple:
        store, clock, outputs = JsonStore(), JsonStore(), []
        for n, i in enumerate(range(0, len(posts), 9)):
            engine = IssueEngine(load_policy(), store, clock, chunked_lists=formats(n))  # (a new owner each batch)
            out = engine.process(posts[i:i + 9])
            outputs.append((out.escalations, out.lifecycle, out.issue_updates, out.expired))
        engine = IssueEngine(load_policy(), store, clock)
        outputs.append(engine.flush(final=True).escalations)
        return outputs, {key: engine.state(key) for key in sorted(store)}, clock

    chunked, chunked_states, chunked_clock = run(lambda n: True)
    whole, whole_states, whole_clock = run(lambda n: False)
    switching, switching_states, _ = run(lambda n: (n // 7) % 2 == 0)
    assert any(escalations for escalations, *_ in chunked[:-1]) and any(expired for *_, expired in chunked[:-1])
    assert chunked == whole == switching and chunked_states == whole_states == switching_states
    assert any("." in key for key in chunked_clock.data) and not any("." in key for key in whole_clock.data)


def test_a_batch_redone_after_a_crash_before_its_lists_were_written_lists_its_issues_again():
    """The worker is killed after a batch's issue states are written and before its lists and clock are: redone,
    the batch finds every post already counted, yet its issues must still be judged, escalate and expire. (As in
    the worker, the partition's watermark comes from its source's watermark records, so the batch of posts judges
    nothing itself.)"""
    from datetime import timedelta

    from streams.issues.engine import IssueEngine
    from streams.policy import load_policy
    from tests.issues.helpers import T0, chatter
    from tests.issues.test_engine import hoax_burst

    def marker(posts):
        return {"kind": "watermark", "source": "0", "time": max(post["created_at"] for post in posts)}

    burst = hoax_burst(minutes=6)
    later = chatter(3, 2, start=T0 + timedelta(hours=8), prefix="later")
    batches = [burst, [marker(burst)], later + [marker(later)]]

    def run(crash: bool) -> tuple:
        store, clock = JsonStore(), CrashingStore({})
        outputs = []
        if crash:
            clock.fail_at = 1  # the clock table's first write: states written, lists and clock not
            with pytest.raises(RuntimeError, match="killed"):
                IssueEngine(load_policy(), store, clock, expected_sources=1).process(burst)
            clock.fail_at = None
            assert store.data and not clock.data
        for batch in batches:  # (the burst redone after the crash: its posts are duplicates now)
            out = IssueEngine(load_policy(), store, clock, expected_sources=1).process(batch)
            outputs.append(([e["id"] for _, e in out.escalations], [e["id"] for _, e in out.lifecycle], out.expired))
        engine = IssueEngine(load_policy(), store, clock, expected_sources=1)
        outputs.append([e["id"] for _, e in engine.flush(final=True).escalations])
        return outputs, {key: engine.state(key) for key in sorted(store)}

    uninterrupted, states = run(crash=False)
    assert not uninterrupted[0][0] and uninterrupted[1][0] and uninterrupted[2][1:] == ([uninterrupted[2][1][0]], 1)
    assert run(crash=True) == (uninterrupted, states)


def test_a_whole_list_that_its_chunks_repeat_survives_the_rewrite_and_an_unchanged_one_is_not_rewritten():
    """A list held both whole and in chunks holding the same ids (a rolling upgrade's switches) is written whole
    again after its chunks and old record are deleted; a whole list nothing was added to is left as it is."""
    store = JsonStore()
    store["a100"] = ["id-1"]
    store[chunk_key("a100", 1)] = ["id-1"]
    store["clock"] = {COUNTS_FIELD: {"a100": 1}}
    _call(store, False, lambda lists: None)
    assert store["a100"] == ["id-1"] and chunk_key("a100", 1) not in store
    writes = store.writes
    _call(store, False, lambda lists: lists.add("a100", {"id-1"}))  # nothing new
    assert store.writes == writes + 1  # the clock only
