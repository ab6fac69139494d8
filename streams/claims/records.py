"""Known claims as records: the contract's fields, validation, verdicts, the spellings a claim is matched by."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from streams.records.claim import FIELD_MAX_CHARS

REQUIRED_FIELDS = ("id", "claim", "verdict")
OPTIONAL_FIELDS = ("clarification", "url", "published_at", "source")
FALSE_VERDICTS = frozenset(
    {"hoax", "hoaks", "false", "salah", "misleading", "menyesatkan", "fabricated", "disinformasi", "misinformasi",
     "fitnah", "palsu", "keliru", "scam", "penipuan", "satire", "mostly false", "pants on fire", "partly false"}
)
TRUE_VERDICTS = frozenset({"true", "benar", "valid", "fakta", "correct", "mostly true", "accurate"})


class InvalidClaimError(ValueError):
    """A claim record lacks a required field."""


def verdict_sign(verdict: str) -> int:
    """+1 for verdicts that say the claim is false (so matching posts are more likely hoaxes), -1 for true, 0 else."""
    v = " ".join(str(verdict).lower().replace("_", " ").split())
    if v in FALSE_VERDICTS:
        return 1
    if v in TRUE_VERDICTS:
        return -1
    return 0


@dataclass
class ClaimMatch:
    claim_id: str
    claim: str
    verdict: str
    similarity: float
    terms: list[str] = field(default_factory=list)  # the post's words the claim shares (why it matched)

    def as_dict(self) -> dict[str, Any]:
        return {"claim_id": self.claim_id, "claim": self.claim, "verdict": self.verdict, "similarity": self.similarity,
                "terms": self.terms}


MAX_ALIASES = 16


def claim_texts(record: dict[str, Any]) -> list[str]:
    """The spellings a claim is matched by: its text, then up to ``MAX_ALIASES`` distinct ``aliases``."""
    texts = [record["claim"]]
    aliases = record.get("aliases")
    if isinstance(aliases, str):
        aliases = [aliases]
    if isinstance(aliases, (list, tuple)):
        for a in aliases:
            a = str(a or "").strip()
            if a and a not in texts and len(texts) <= MAX_ALIASES:
                texts.append(a)
    return texts


def validate_claim(claim: dict[str, Any]) -> dict[str, Any]:
    """The claim in contract form (required: id, claim, verdict, as stripped strings; other fields kept)."""
    if not isinstance(claim, dict):
        raise InvalidClaimError("a claim must be a JSON object")
    missing = [f for f in REQUIRED_FIELDS if not str(claim.get(f) or "").strip()]
    if missing:
        raise InvalidClaimError(f"claim lacks required field(s): {', '.join(missing)}")
    too_long = [f"{f} ({len(str(claim[f])):,} characters, at most {limit:,})" for f, limit in FIELD_MAX_CHARS.items()
                if claim.get(f) is not None and len(str(claim[f])) > limit]
    if too_long:
        raise InvalidClaimError(f"claim field(s) too long: {', '.join(too_long)}")
    # optional fields (clarification, url, published_at, source) and any extra fields are kept as given
    record: dict[str, Any] = {k: v for k, v in claim.items() if v not in (None, "")}
    record["id"] = str(claim["id"]).strip()
    record["claim"] = str(claim["claim"]).strip()
    record["verdict"] = str(claim["verdict"]).strip()
    return record
