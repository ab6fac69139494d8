"""Responder feedback on an issue (``{"kind": "feedback", "issue_id", "verdict", "by", "at"}``): its status and
counts in the issue's state, and a reviewed event if the issue escalated. Faust-free."""

from __future__ import annotations

import re

from streams.escalation.lifecycle import build_reviewed, was_escalated
from streams.issues.call import Batch
from streams.issues.keys import issue_label
from streams.issues.timeutil import check_time_range, parse_ms
from streams.records.errors import InvalidInput, InvalidReason
from streams.records.feedback import ISSUE_ID_PATTERN

FEEDBACK_VERDICTS = ("confirmed", "false_alarm", "resolved")
_ISSUE_ID = re.compile(ISSUE_ID_PATTERN)  # the feedback topic's rule, for records that reach the engine otherwise


def apply_feedback(batch: Batch, record: dict, event_source: str) -> dict:
    """Record one feedback in its issue's state (created if this partition does not hold the issue) and return the
    state; the caller reschedules the issue's expiry, as feedback extends its deadline."""
    issue_id = record.get("issue_id")
    verdict = record.get("verdict")
    if not isinstance(issue_id, str) or not _ISSUE_ID.match(issue_id) or verdict not in FEEDBACK_VERDICTS:
        raise InvalidInput(InvalidReason.INVALID_FIELD,
                           "feedback needs an issue_id (no control characters) and a verdict among "
                           + ", ".join(FEEDBACK_VERDICTS))
    at_ms = parse_ms(record.get("at"))
    if at_ms is not None:
        check_time_range("at", at_ms)
    state = batch.get(issue_id)
    if state is None:
        # Feedback on an issue this partition no longer (or not yet) holds: remember it, so a false alarm
        # still silences the issue if its posts come back.
        state = batch.create(issue_id, issue_label(issue_id))
    feedback = dict(state.get("feedback") or {})
    feedback[verdict] = int(feedback.get(verdict, 0)) + 1
    feedback["last"] = {"verdict": verdict, "by": str(record.get("by") or ""), "at": record.get("at")}
    state["feedback"] = feedback
    state["status"] = verdict
    if at_ms is not None:
        state["fb_ms"] = max(at_ms, state.get("fb_ms") or at_ms)
    batch.out.feedback_counts[verdict] = batch.out.feedback_counts.get(verdict, 0) + 1
    if was_escalated(state):
        batch.out.lifecycle.append((issue_id, build_reviewed(state, record, event_source)))
    batch.dirty.add(issue_id)
    batch.publish[issue_id] = None
    return state
