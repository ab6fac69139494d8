"""Known claims: the live claim index, the starter claim set and the ClaimReview loader."""

from streams.claims.claimreview import claims_from_claimreview, load_claimreview
from streams.claims.index import ClaimIndex
from streams.claims.records import ClaimMatch, InvalidClaimError, validate_claim, verdict_sign
from streams.claims.starter import STARTER_PATH, load_claims_jsonl, load_starter_claims

__all__ = [
    "ClaimIndex", "ClaimMatch", "InvalidClaimError", "validate_claim", "verdict_sign",
    "claims_from_claimreview", "load_claimreview", "STARTER_PATH", "load_claims_jsonl", "load_starter_claims",
]
