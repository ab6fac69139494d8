"""When an idle issue closes: its deadline, and the slots of event time its expiry check is listed in."""

from __future__ import annotations

from dataclasses import dataclass

from streams.issues.call import Batch
from streams.issues.timeutil import HOUR_MS, MINUTE_MS
from streams.policy.model import Policy


@dataclass(frozen=True)
class ExpirySchedule:
    """Where the issues whose expiry is due in one slot of ``unit_ms`` of event time are listed: the clock's sorted
    list of pending slots (``clock_field``), the ids of one slot (``clock_store[list_prefix + slot]``) and the
    slot an issue is listed in (``state[state_field]``)."""

    clock_field: str
    list_prefix: str
    state_field: str
    unit_ms: int


EXPIRY_SLOT_MINUTES = 5
EXPIRY = ExpirySchedule("xb", "xb", "xb", EXPIRY_SLOT_MINUTES * MINUTE_MS)
# Hour slots, written by releases before the 5-minute ones: still checked (a state or clock they wrote lists its
# issues there), never added to.
LEGACY_EXPIRY = ExpirySchedule("xs", "x", "xh", HOUR_MS)


def idle_minutes(state: dict, policy: Policy) -> int:
    """How long the issue may go without a post (or feedback) before it closes."""
    e = policy.expiry
    return e.small_issue_idle_minutes if state.get("n", 0) <= e.small_issue_max_posts else e.idle_minutes


def deadline_ms(state: dict, policy: Policy) -> int:
    """The event time the issue closes at unless a post or feedback comes first."""
    seen = max(state.get("last_ms") or 0, state.get("fb_ms") or 0)
    return seen + idle_minutes(state, policy) * MINUTE_MS


def schedule_expiry(batch: Batch, state: dict) -> None:
    """List the issue in the expiry slot of its current deadline (if not listed there already)."""
    slot = deadline_ms(state, batch.policy) // EXPIRY.unit_ms
    if state.get(EXPIRY.state_field) == slot:
        return
    state[EXPIRY.state_field] = slot
    state.pop(LEGACY_EXPIRY.state_field, None)
    batch.expiry[slot].add(state["id"])


def list_expiry(batch: Batch) -> None:
    """List this call's new expiry slots (see :meth:`Batch.list_pending`)."""
    batch.list_pending(batch.expiry, EXPIRY.list_prefix, EXPIRY.clock_field)
