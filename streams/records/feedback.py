"""Responder feedback on an escalated issue: `{issue_id, verdict, by, at}` on the feedback topic."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from streams.records.clock import EventTime
from streams.records.parsing import OpenRecord, parse_object

VERDICTS = ("confirmed", "false_alarm", "resolved")


class FeedbackSchema(OpenRecord):
    issue_id: Annotated[str, Field(min_length=1, max_length=512)]
    verdict: Literal["confirmed", "false_alarm", "resolved"]
    by: Annotated[str, Field(min_length=1, max_length=256)]
    at: EventTime


def parse_feedback(raw: bytes) -> dict:
    """Return the feedback as an issue event (`kind: feedback`), or raise `InvalidInput`."""
    return {**parse_object(raw, FeedbackSchema), "kind": "feedback"}
