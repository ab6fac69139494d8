"""Known claims (contract.md, "Claim"): validated before they reach the matcher or the claims topic."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from streams.records.parsing import OpenRecord, parse_object

NonEmpty = Annotated[str, Field(min_length=1, pattern=r"\S")]  # not only whitespace


class ClaimSchema(OpenRecord):
    id: Annotated[str, Field(min_length=1, max_length=256)]
    claim: NonEmpty
    verdict: NonEmpty
    clarification: str | None = None
    url: str | None = None
    published_at: str | None = None
    source: str | None = None


def parse_claim(raw: bytes | str | dict) -> dict:
    """Return the claim as received, or raise `InvalidInput`."""
    return parse_object(raw, ClaimSchema)
