"""Known claims (contract.md, "Claim"): validated before they reach the matcher or the claims topic."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from streams.records.parsing import OpenRecord, parse_object

# Limits the contract leaves open: a matched claim's fields are copied into every scored post that matches it, into
# its issue's records and escalations (several claims each), all of which must stay small enough for a record
# (streams.topics.RECORD_MAX_BYTES). Fact-checks' claims are a sentence (the starter set's longest: 75 characters).
FIELD_MAX_CHARS = {"id": 256, "claim": 1_000, "verdict": 100, "clarification": 5_000, "url": 2_048,
                   "published_at": 64, "source": 256}


def _text(field: str, required: bool = False):
    bounds = Field(min_length=1, max_length=FIELD_MAX_CHARS[field], pattern=r"\S") if required else Field(
        max_length=FIELD_MAX_CHARS[field])
    return Annotated[str, bounds]  # a required text: not only whitespace


class ClaimSchema(OpenRecord):
    id: _text("id", required=True)
    claim: _text("claim", required=True)
    verdict: _text("verdict", required=True)
    clarification: _text("clarification") | None = None
    url: _text("url") | None = None
    published_at: _text("published_at") | None = None
    source: _text("source") | None = None


def parse_claim(raw: bytes | str | dict) -> dict:
    """Return the claim as received, or raise `InvalidInput`."""
    return parse_object(raw, ClaimSchema)
