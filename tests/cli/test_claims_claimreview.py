"""`sigap claims load` refuses a ClaimReview file with a review it cannot make a claim of, as it refuses an invalid
claim: before anything is published, naming the review and why (it used to print "published 0 claims")."""

from __future__ import annotations

import orjson
import pytest

from streams.cli import claims as claims_cli
from streams.cli.main import main

FINE = {"@type": "ClaimReview", "url": "https://cek.example/ok", "claimReviewed": "Air kelapa sembuhkan covid",
        "reviewRating": {"@type": "Rating", "alternateName": "Salah"}}
NUMERIC = {"@type": "ClaimReview", "url": "https://cek.example/angka", "claimReviewed": "Daun pepaya sembuhkan DBD",
           "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 5, "worstRating": 1}}
NO_TEXT = {"@type": "ClaimReview", "claimReviewed": "", "reviewRating": {"alternateName": "Salah"}}


@pytest.mark.parametrize("document, problem", [
    (NUMERIC, "claim review 1 (https://cek.example/angka): no verdict: reviewRating has no alternateName "
              "(its ratingValue 1 is not read as a verdict)"),
    ([FINE, NO_TEXT], "claim review 2: no claim: claimReviewed is missing or empty"),
])
def test_load_refuses_a_review_without_verdict_or_claim_text(tmp_path, capsys, monkeypatch, document, problem):
    def publish(*args, **kwargs):
        raise AssertionError("published")

    monkeypatch.setattr(claims_cli, "_publish", publish)
    path = tmp_path / "cr.json"
    path.write_bytes(orjson.dumps(document))
    assert main(["claims", "load", str(path)]) == 2  # no broker is needed to refuse it
    assert capsys.readouterr().err.strip() == f"{path}: missing_field: {problem}"
