"""Issue states held as their JSON encoding (EncodedValues), as the worker's issue-state table holds them."""

from __future__ import annotations

import tracemalloc

import orjson
from faust.serializers import codecs

from streams.issues.encoded import EncodedValues
from streams.issues.engine import IssueEngine
from streams.issues.store import NONCE_KEY, SEP, SplitStateStore
from streams.policy import load_policy
from tests.issues.helpers import JsonStore
from tests.issues.test_store import HOT, MemoryTable, feed, hot_issue, mixed, referenced_keys


def without_nonce(record):
    return {k: v for k, v in record.items() if k != NONCE_KEY} if isinstance(record, dict) else record


class CountingBytes(dict):
    """A table of encodings that counts the records read."""

    reads = 0

    def __getitem__(self, key):
        self.reads += 1
        return super().__getitem__(key)


def test_the_engine_gives_the_same_results_over_held_encodings_as_over_held_objects():
    records = mixed(40)
    objects = MemoryTable()  # a Faust table of objects: hands out the very objects it holds
    expected = feed(IssueEngine(load_policy(), SplitStateStore(objects), JsonStore()), records, 7)
    held = {}
    store = SplitStateStore(EncodedValues(held))
    assert feed(IssueEngine(load_policy(), store, JsonStore()), records, 7) == expected and expected
    assert set(held) == set(objects.objects)
    assert {key: without_nonce(orjson.loads(value)) for key, value in held.items()} == \
        {key: without_nonce(value) for key, value in objects.objects.items()}
    assert all(type(value) is bytes for value in held.values())
    assert any(SEP in key for key in held)  # the hot issue is split there too
    assert {k: store[k] for k in store} == {k: SplitStateStore(objects)[k] for k in objects if SEP not in k}


def test_a_changelog_written_by_a_table_of_objects_is_recovered_by_a_table_of_encodings_and_back():
    """A rolling upgrade (and a rollback): both kinds of table send the same JSON, so each recovers the other's
    changelog. The table of objects encoded with Faust's JSON codec."""
    records = mixed(40)
    first, rest = records[: len(records) // 4], records[len(records) // 4:]
    objects, clock = MemoryTable(), JsonStore()
    engine = IssueEngine(load_policy(), SplitStateStore(objects), clock)
    for i in range(0, len(first), 50):
        engine.process(first[i:i + 50])
    changelog = {key: codecs.dumps("json", value) for key, value in objects.objects.items()}
    objects_first_posts = SplitStateStore(objects)[HOT]["n"]
    assert any(SEP in key for key in changelog)

    reference_clock = JsonStore()
    reference_clock.data = dict(clock.data)
    expected = feed(IssueEngine(load_policy(), SplitStateStore(objects), reference_clock), rest, 50)
    recovered = dict(changelog)  # what Faust's raw codec hands a table of encodings
    store = SplitStateStore(EncodedValues(recovered))
    assert feed(IssueEngine(load_policy(), store, clock), rest, 50) == expected
    assert {k: store[k] for k in store} == {k: SplitStateStore(objects)[k] for k in objects if SEP not in k}
    assert store[HOT]["n"] > objects_first_posts
    as_read = JsonStore()
    as_read.data = recovered
    assert set(recovered) == referenced_keys(as_read)  # nothing stale left behind

    back = {key: without_nonce(codecs.loads("json", value)) for key, value in recovered.items()}  # a rollback
    assert back == {key: without_nonce(value) for key, value in objects.objects.items()}


def test_a_read_hands_out_a_copy_and_a_held_value_takes_the_size_of_its_encoding():
    held = {}
    values = EncodedValues(held)
    values["a"] = {"n": 1, "ids": [1, 2]}
    copy = values["a"]
    copy["ids"].append(3)
    assert values["a"] == {"n": 1, "ids": [1, 2]} and "a" in values and len(values) == 1 and list(values) == ["a"]
    assert values.get("missing") is None and "missing" not in values

    state = {"label": "x" * 300, "ids": list(range(20))}
    size = len(orjson.dumps(state))
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(500):
            values[f"s{i}"] = state
            values.set_encoded(f"e{i}", orjson.dumps(state))
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # each value a bytes object of its own length (plus the keys and the dict), not orjson's growth buffer
    assert grown < 1000 * (size + 200), (grown, size)


def test_a_hot_issue_held_as_encodings_is_not_decoded_again_at_every_batch():
    posts = hot_issue(20, 100)
    reads = {}
    for decoded in (64, 0):
        backend = CountingBytes()
        engine = IssueEngine(load_policy(), SplitStateStore(EncodedValues(backend), max_decoded_issues=decoded),
                             JsonStore())
        feed(engine, posts[:1500], 100)
        parts = sum(1 for key in backend if key.startswith(HOT + SEP))
        assert parts > 10
        backend.reads = 0
        for i in range(1500, 1600, 5):
            engine.process(posts[i:i + 5])
        reads[decoded] = backend.reads / 20
    # kept decoded: the core and, now and then, the record of a minute just written; otherwise all parts again
    assert reads[64] < 3 <= parts < reads[0], reads


def test_a_hot_issue_given_back_hands_out_its_parts_again_and_one_never_given_back_does_not():
    backend = CountingBytes()
    store = SplitStateStore(EncodedValues(backend), split_min_bytes=0)
    state = {"id": "x", "m": {"1": {"n": 1}, "2": {"n": 5}}}
    store["x"] = state
    lent = store["x"]
    assert lent["m"]["1"] is state["m"]["1"]  # the parts as written...
    lent["m"]["1"]["n"] = 99  # ... changed by a call that is never committed
    read = store["x"]
    assert read["m"]["1"] == {"n": 1} and read["m"]["1"] is not state["m"]["1"]  # decoded afresh
    store.give_back("x")  # the call that read it committed without writing it
    backend.reads = 0
    assert store["x"]["m"]["1"] is read["m"]["1"] and backend.reads == 1  # the core only
    store.give_back("x")
    store.give_back("x")  # (given back already: nothing more)
    store.give_back("never-read")
    assert store["x"]["m"]["2"] is read["m"]["2"]
