"""The engine's per-call working set: states read once, written once, a closed issue's state deleted."""

from __future__ import annotations

from streams.issues.call import Batch
from streams.issues.idlists import IdLists
from streams.policy import load_policy
from tests.issues.helpers import JsonStore


def _batch(store: JsonStore, caught_up: list[str]) -> Batch:
    clock: dict = {}
    return Batch(store, IdLists({}, clock), load_policy(), clock, lambda batch, state: caught_up.append(state["id"]))


def test_a_state_is_read_and_caught_up_once_per_call_and_written_only_if_changed():
    store = JsonStore()
    store["topic-banjir"] = {"id": "topic-banjir", "n": 1}
    store["topic-gempa"] = {"id": "topic-gempa", "n": 2}
    caught_up: list[str] = []
    batch = _batch(store, caught_up)
    first = batch.get("topic-banjir")
    first["n"] = 5
    assert batch.get("topic-banjir") is first
    batch.get("topic-gempa")
    assert caught_up == ["topic-banjir", "topic-gempa"]
    batch.dirty.add("topic-banjir")
    writes = store.writes
    batch.write()
    assert store.writes == writes + 1
    assert store["topic-banjir"]["n"] == 5 and store["topic-gempa"]["n"] == 2


def test_a_closed_issue_is_deleted_and_an_issue_never_stored_is_not_an_error():
    store = JsonStore()
    store["topic-banjir"] = {"id": "topic-banjir", "n": 1}
    batch = _batch(store, [])
    batch.get("topic-banjir")
    batch.states["topic-banjir"] = None
    batch.states["topic-baru"] = None  # created and closed within the call
    batch.dirty.update({"topic-banjir", "topic-baru"})
    batch.write()
    assert "topic-banjir" not in store and "topic-baru" not in store


def test_a_state_only_looked_at_is_released_and_read_again_but_a_changed_one_is_kept():
    store = JsonStore()
    store["topic-banjir"] = {"id": "topic-banjir", "n": 1}
    caught_up: list[str] = []
    batch = _batch(store, caught_up)
    batch.get("topic-banjir")
    batch.release("topic-banjir")
    changed = batch.get("topic-banjir")
    assert caught_up == ["topic-banjir", "topic-banjir"]
    batch.dirty.add("topic-banjir")
    batch.release("topic-banjir")
    assert batch.get("topic-banjir") is changed


def test_creating_an_issue_counts_it_active_in_the_clock():
    batch = _batch(JsonStore(), [])
    state = batch.create("claim-abc", "vaksin mengandung chip")
    assert state["id"] == "claim-abc" and state["kind"] == "claim" and "claim-abc" in batch.dirty
    assert batch.clock["active"] == 1


class LendingStore(JsonStore):
    """A store that lends what it hands out: records what a committed call gives back."""

    def __init__(self) -> None:
        super().__init__()
        self.given_back: list[str] = []

    def give_back(self, issue_id: str) -> None:
        self.given_back.append(issue_id)


def test_the_states_a_call_read_and_did_not_write_are_given_back_once_it_is_committed():
    store = LendingStore()
    for name in ("banjir", "gempa", "longsor"):
        store[f"topic-{name}"] = {"id": f"topic-{name}", "n": 1}
    batch = _batch(store, [])
    batch.get("topic-banjir")
    batch.release("topic-banjir")  # looked at and let go
    batch.get("topic-gempa")  # looked at and held to the end
    batch.get("topic-longsor")["n"] = 2
    batch.dirty.add("topic-longsor")
    batch.get("topic-baru")  # never stored
    batch.write()
    assert store.given_back == []  # not before the commit's end (the engine gives back after writing the clock)
    batch.give_back()
    assert sorted(store.given_back) == ["topic-banjir", "topic-baru", "topic-gempa"]  # not the written one
