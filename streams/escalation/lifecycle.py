"""What happens to an escalated issue afterwards, as CloudEvents on the escalations topic beside its escalations
(the contract admits other ``id.sigap.issue.*.v1`` lifecycle types).

* ``reviewed``: a responder's verdict (confirmed, false_alarm, resolved) was applied to the issue, so every team
  subscribed to the escalations sees that someone has handled it, and how.
* ``closed``: the issue went idle past the policy's expiry and was closed; a later post about the same subject
  starts a new incarnation, whose escalations carry new ids.

Only escalated issues get them: a team hears the end of what it was told about, nothing else. Ids are derived
from the issue, its incarnation and what happened, so a re-emission after a crash carries the same id.
"""

from __future__ import annotations

import hashlib
import uuid

from streams.escalation.events import SPECVERSION
from streams.issues.timeutil import iso, parse_ms
from streams.policy.signals import LEVEL_NAMES

REVIEWED_TYPE = "id.sigap.issue.reviewed.v1"
CLOSED_TYPE = "id.sigap.issue.closed.v1"
LIFECYCLE_TYPES = (REVIEWED_TYPE, CLOSED_TYPE)


def was_escalated(state: dict) -> bool:
    return int(state.get("max") or 0) >= 2


def _event(state: dict, kind: str, distinct: str, time: str, data: dict, source: str) -> dict:
    digest = hashlib.blake2b(f"{state['id']}|{state.get('inc')}|{kind}|{distinct}".encode(), digest_size=16).digest()
    top = int(state.get("max") or 0)
    return {
        "specversion": SPECVERSION,
        "id": str(uuid.UUID(bytes=digest)),
        "source": source,
        "type": REVIEWED_TYPE if kind == "reviewed" else CLOSED_TYPE,
        "subject": state["id"],
        "time": time,
        "datacontenttype": "application/json",
        "data": {
            "issue_id": state["id"],
            "label": state.get("label"),
            "status": state.get("status", "active"),
            "max_level": top,
            "max_severity": LEVEL_NAMES.get(top),
            "escalation_ids": [info["id"] for _, info in sorted(state.get("emitted", {}).items())],
            **data,
        },
    }


def build_reviewed(state: dict, feedback: dict, source: str) -> dict:
    """The event for ``feedback`` (a validated feedback record) just applied to the escalated issue ``state``."""
    at = iso(parse_ms(feedback.get("at")) or 0)
    by = str(feedback.get("by") or "")
    data = {"verdict": feedback["verdict"], "by": by, "at": at, "note": feedback.get("note")}
    return _event(state, "reviewed", f"{feedback['verdict']}|{at}|{by}", at, data, source)


def build_closed(state: dict, closed_ms: int, idle_minutes: int, source: str) -> dict:
    """The event for the escalated issue ``state`` closed at ``closed_ms`` (event time) after ``idle_minutes``."""
    first, last = state.get("first_ms"), state.get("last_ms")
    data = {
        "reason": "idle",
        "idle_minutes": idle_minutes,
        "posts": int(state.get("n", 0)),
        "first_seen": iso(first) if first is not None else None,
        "last_seen": iso(last) if last is not None else None,
    }
    return _event(state, "closed", "", iso(closed_ms), data, source)
