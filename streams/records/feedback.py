"""Responder feedback on an escalated issue: `{issue_id, verdict, by, at}` on the feedback topic."""

from __future__ import annotations

from typing import Annotated, Literal

import orjson
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from streams.records.errors import InvalidInput, InvalidReason
from streams.records.post import describe_validation_error

VERDICTS = ("confirmed", "false_alarm", "resolved")


class FeedbackSchema(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True, frozen=True)

    issue_id: Annotated[str, Field(min_length=1, max_length=512)]
    verdict: Literal["confirmed", "false_alarm", "resolved"]
    by: Annotated[str, Field(min_length=1, max_length=256)]
    at: AwareDatetime


def parse_feedback(raw: bytes) -> dict:
    """Return the feedback as an issue event (`kind: feedback`), or raise `InvalidInput`."""
    try:
        feedback = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(InvalidReason.INVALID_JSON, str(exc)) from None
    if not isinstance(feedback, dict):
        raise InvalidInput(InvalidReason.NOT_AN_OBJECT, f"expected a JSON object, got {type(feedback).__name__}")
    try:
        FeedbackSchema.model_validate_json(raw)
    except ValidationError as exc:
        raise InvalidInput(*describe_validation_error(exc)) from None
    return {**feedback, "kind": "feedback"}
