"""Known claims (contract.md, "Claim"): validated before they reach the matcher or the claims topic."""

from __future__ import annotations

from typing import Annotated

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from streams.records.errors import InvalidInput, InvalidReason
from streams.records.post import describe_validation_error

NonEmpty = Annotated[str, Field(min_length=1)]


class ClaimSchema(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True, frozen=True)

    id: Annotated[str, Field(min_length=1, max_length=256)]
    claim: NonEmpty
    verdict: NonEmpty
    clarification: str | None = None
    url: str | None = None
    published_at: str | None = None
    source: str | None = None


def parse_claim(raw: bytes | str | dict) -> dict:
    """Return the claim as received, or raise `InvalidInput`."""
    if isinstance(raw, dict):
        claim = raw
    else:
        try:
            claim = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise InvalidInput(InvalidReason.INVALID_JSON, str(exc)) from None
    if not isinstance(claim, dict):
        raise InvalidInput(InvalidReason.NOT_AN_OBJECT, f"expected a JSON object, got {type(claim).__name__}")
    try:
        ClaimSchema.model_validate(claim)
    except ValidationError as exc:
        raise InvalidInput(*describe_validation_error(exc)) from None
    return claim
