"""One call of the issue engine: what it gives back (:class:`EngineOutput`), the states it works on
(:class:`Batch`) and the call evaluated but not yet written (:class:`PreparedCall`)."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field

from streams.issues.idlists import IdLists
from streams.issues.keys import issue_kind
from streams.issues.state import new_state
from streams.policy.model import Policy
from streams.records.errors import InvalidInput


@dataclass
class EngineOutput:
    issue_updates: list[tuple[str, dict | None]] = field(default_factory=list)
    escalations: list[tuple[str, dict]] = field(default_factory=list)
    # reviewed and closed events of escalated issues (streams.escalation.lifecycle), for the escalations topic
    lifecycle: list[tuple[str, dict]] = field(default_factory=list)
    feedback_counts: dict[str, int] = field(default_factory=dict)
    posts: int = 0          # scored posts taken into account
    duplicates: int = 0     # posts already counted (at-least-once redelivery)
    late: int = 0           # posts whose minute had already been evaluated
    # records the engine could not use, as (their position in the call's records, why): the worker dead-letters them
    rejected: list[tuple[int, InvalidInput]] = field(default_factory=list)
    expired: int = 0        # issues closed for idleness (tombstoned)
    watermark: str | None = None  # end of the last evaluated minute

    @property
    def invalid(self) -> int:
        """How many records the engine could not use."""
        return len(self.rejected)


class PreparedCall:
    """One engine call, evaluated and not yet written: ``out`` is what to publish; ``commit()`` writes the states,
    lists and clock the call changed (and returns ``out``).

    The worker publishes ``out`` and waits for its delivery before committing. A worker killed between the two then
    restarts from the states before the call and, reading the unacknowledged input again, publishes the same
    events again (same ids: duplicates, never a loss). Committed first, the states would record the escalation
    levels as reached, and the call read again would not publish them. A second call before the commit would read
    the stores as they were before the first, so an engine has one call prepared at a time (a second raises)."""

    __slots__ = ("out", "_write")

    def __init__(self, out: EngineOutput, write: Callable[[], None]) -> None:
        self.out = out
        self._write = write

    def commit(self) -> EngineOutput:
        self._write()
        return self.out


class Batch:
    """Per-call working set: states loaded once, written back once (:meth:`write`).

    ``catch_up`` is applied to every state read from the store (the engine's quiet evaluations not yet written)."""

    def __init__(self, store: MutableMapping[str, dict], lists: IdLists, policy: Policy, clock: dict,
                 catch_up: Callable[[Batch, dict], None]) -> None:
        self.store = store
        self.lists = lists
        self.policy = policy
        self.clock = clock
        self._catch_up = catch_up
        self.states: dict[str, dict | None] = {}
        self.released: set[str] = set()  # read, looked at and let go: given back at the commit (give_back)
        self.dirty: set[str] = set()
        self.publish: dict[str, None] = {}
        self.activity: dict[int, set[str]] = defaultdict(set)
        self.expiry: dict[int, set[str]] = defaultdict(set)
        self.holds: dict[int, set[str]] = defaultdict(set)  # deadline minute -> issues that held a post this call
        self.rewind: dict[str, int] = {}
        self.out = EngineOutput()

    def get(self, issue_id: str) -> dict | None:
        if issue_id not in self.states:
            state = self.states[issue_id] = self.store.get(issue_id)
            if state is not None:
                self._catch_up(self, state)
        return self.states[issue_id]

    def release(self, issue_id: str) -> None:
        """Stop holding a state read only to be looked at, if nothing in it is to be written: its next read gives it
        again, with any quiet evaluation not written applied again. A batch that looks at many issues (a minute's
        window, an expiry slot) then holds one of them at a time, not all of them to its end."""
        if issue_id not in self.dirty and self.states.get(issue_id) is not None:
            del self.states[issue_id]
            self.released.add(issue_id)

    def create(self, issue_id: str, label: str) -> dict:
        state = new_state(issue_id, issue_kind(issue_id), label)
        self.states[issue_id] = state
        self.dirty.add(issue_id)
        self.clock["active"] = int(self.clock.get("active", 0)) + 1
        return state

    def list_pending(self, additions: dict[int, set[str]], prefix: str, clock_field: str) -> None:
        """Add this call's ``additions`` (unit -> issue ids) to the lists ``<prefix><unit>``, and their units to the
        clock's sorted ``clock_field``; the additions are then listed, so cleared."""
        pending = self.clock[clock_field]
        for unit, ids in additions.items():
            if not ids:
                continue
            self.lists.add(f"{prefix}{unit}", ids)
            if unit not in pending:
                bisect.insort(pending, unit)
        additions.clear()

    def write(self) -> None:
        """Write the changed states (a closed issue's is deleted), then the id lists; the caller writes the clock."""
        for issue_id in self.dirty:
            state = self.states.get(issue_id)
            if state is None:
                try:
                    del self.store[issue_id]  # (not pop(): a mapping's pop reads the value first)
                except KeyError:
                    pass
            else:
                self.store[issue_id] = state
        self.lists.commit()

    def give_back(self) -> None:
        """Once the call is committed: tell a store that lends what it hands out (``give_back``, see
        :class:`streams.issues.store.SplitStateStore`) which states the call read and did not write."""
        give_back = getattr(self.store, "give_back", None)
        if give_back is None:
            return
        for issue_id in self.released.union(self.states):
            if issue_id not in self.dirty:
                give_back(issue_id)
