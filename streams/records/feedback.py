"""Responder feedback on an escalated issue: `{issue_id, verdict, by, at}` on the feedback topic."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from streams.records.clock import EventTime
from streams.records.parsing import OpenRecord, parse_object

VERDICTS = ("confirmed", "false_alarm", "resolved")


# No control character: the issue store keys an issue's records by its id and a U+001F separator, so such an id
# failed when its state was written, after the batch was prepared, and the agent crashed on it at every restart.
ISSUE_ID_PATTERN = r"^[^\x00-\x1f\x7f]+$"


class FeedbackSchema(OpenRecord):
    issue_id: Annotated[str, Field(min_length=1, max_length=512, pattern=ISSUE_ID_PATTERN)]
    verdict: Literal["confirmed", "false_alarm", "resolved"]
    by: Annotated[str, Field(min_length=1, max_length=256)]
    at: EventTime
    note: Annotated[str, Field(max_length=2_000)] | None = None  # copied into the issue's reviewed event


def parse_feedback(raw: bytes) -> dict:
    """Return the feedback as an issue event (`kind: feedback`), or raise `InvalidInput`. Only the fields the issue
    engine reads are kept: a record may carry others up to what the feedback topic takes, and the issue event must
    still fit a record of the issue events topic (``streams.topics.RECORD_MAX_BYTES``)."""
    feedback = parse_object(raw, FeedbackSchema)
    return {**{name: feedback[name] for name in FeedbackSchema.model_fields if name in feedback}, "kind": "feedback"}
