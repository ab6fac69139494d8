"""Starter claim set and the schema.org ClaimReview loader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from streams.claims import (STARTER_PATH, InvalidClaimError, claims_from_claimreview, load_claimreview,
                            load_starter_claims, validate_claim)


def test_starter_claims_are_valid_and_unique() -> None:
    claims = load_starter_claims()
    assert STARTER_PATH.exists() and len(claims) > 400
    ids = [c["id"] for c in claims]
    assert len(ids) == len(set(ids))
    for c in claims:
        validate_claim(c)
        assert c["verdict"] in {"hoax", "true", "unverified"}
        assert c["id"].startswith("idnhoax-")
    texts = {c["claim"].lower() for c in claims}
    assert "vaksin mengandung chip" in texts


def test_claimreview_single_list_graph_and_api_forms(tmp_path: Path) -> None:
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://turnbackhoax.id/2021/01/01/salah-vaksin-chip/",
        "claimReviewed": "Vaksin Covid-19 mengandung microchip",
        "reviewRating": {"@type": "Rating", "ratingValue": 1, "alternateName": "Salah"},
        "datePublished": "2021-01-01",
        "author": {"@type": "Organization", "name": "MAFINDO"},
    }
    graph = {"@context": "https://schema.org", "@graph": [review, {"@type": "WebPage", "name": "x"}]}
    api = {"claims": [{"text": "Air kelapa sembuhkan covid", "claimReview": [
        {"url": "https://cekfakta.com/1", "textualRating": "Keliru", "publisher": {"name": "Tempo"}}]}]}
    no_verdict = {"@type": "ClaimReview", "claimReviewed": "x"}
    for doc in (review, [review], graph):
        (claim,) = claims_from_claimreview(doc)
        assert claim == {
            "id": review["url"], "claim": "Vaksin Covid-19 mengandung microchip", "verdict": "Salah",
            "url": review["url"], "published_at": "2021-01-01", "source": "MAFINDO",
        }
    (claim,) = claims_from_claimreview(api)
    assert claim["claim"] == "Air kelapa sembuhkan covid" and claim["verdict"] == "Keliru" and claim["source"] == "Tempo"
    with pytest.raises(InvalidClaimError, match="claim review 1 .*no verdict"):  # (it used to vanish silently)
        claims_from_claimreview(no_verdict)
    assert claims_from_claimreview(no_verdict, skip_invalid=True) == []
    path = tmp_path / "reviews.jsonl"
    path.write_text("\n".join(json.dumps(d) for d in (review, api)) + "\n")
    assert [c["verdict"] for c in load_claimreview(path)] == ["Salah", "Keliru"]


def test_the_loaders_read_a_file_saved_with_a_byte_order_mark_and_reject_unreadable_files_by_name(tmp_path: Path):
    import pytest

    from streams.claims.starter import load_claims_jsonl

    review = {"@type": "ClaimReview", "claimReviewed": "Air rebusan daun sirsak sembuhkan kanker",
              "reviewRating": {"alternateName": "Salah"}, "url": "https://cekfakta.example/sirsak"}
    saved = tmp_path / "review.json"
    saved.write_bytes(b"\xef\xbb\xbf" + json.dumps(review).encode())
    assert [c["verdict"] for c in load_claimreview(saved)] == ["Salah"]
    lines = tmp_path / "claims.jsonl"
    lines.write_bytes(b"\xef\xbb\xbf" + b'{"id": "k1", "claim": "vaksin mengandung chip", "verdict": "hoax"}\n')
    assert [c["id"] for c in load_claims_jsonl(lines)] == ["k1"]

    binary = tmp_path / "image.json"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    for path in (binary, deep):
        with pytest.raises(ValueError, match=path.name):
            load_claimreview(path)
        with pytest.raises(ValueError, match=path.name):
            list(load_claims_jsonl(path))


def test_claimreview_variants_fact_checkers_publish() -> None:
    """The shapes seen in fact-checkers' markup: each field read from where that publisher puts it."""
    feed = {"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": [{"item": [{
        # no @type: recognised by its fields; the claim as an object; ratings as a list; authors as a list
        "@id": "https://cekfakta.example/review/77#claimreview",
        "url": "https://cekfakta.example/2024/07/garam-air-hujan",
        "claimReviewed": {"@type": "Claim", "name": "Garam dicampur  air hujan\n bisa sembuhkan COVID"},
        "reviewRating": [{"@type": "Rating", "name": "Keliru"}],
        "author": [{"@type": "Organization", "url": "https://cekfakta.example"}],
        "reviewBody": "Tidak ada bukti  ilmiah.\nWHO tidak pernah menyatakan hal itu.",
    }]}]}
    (claim,) = claims_from_claimreview(feed)
    assert claim == {
        "id": "https://cekfakta.example/review/77#claimreview",  # the review's own @id before its page URL
        "claim": "Garam dicampur air hujan bisa sembuhkan COVID",  # white space collapsed
        "verdict": "Keliru",
        "url": "https://cekfakta.example/2024/07/garam-air-hujan",
        "source": "https://cekfakta.example",
        "clarification": "Tidak ada bukti ilmiah. WHO tidak pernah menyatakan hal itu.",
    }
    listed = {"@type": "ItemList", "itemListElement": [
        {"@type": "ClaimReview", "claimReviewed": "Minyak kayu putih cegah corona",
         "reviewRating": {"alternateName": "Salah"}, "author": {"alternateName": "TurnBackHoax"}},
        {"@type": "ClaimReview", "claimReviewed": {"text": "Vaksin bikin mandul"},
         "reviewRating": {"ratingValue": 1, "name": "Hoaks"}, "publisher": [{"name": "Kominfo"}]},
    ]}
    first, second = claims_from_claimreview(listed)
    assert (first["claim"], first["verdict"], first["source"]) == ("Minyak kayu putih cegah corona", "Salah",
                                                                   "TurnBackHoax")
    assert (second["claim"], second["verdict"], second["source"]) == ("Vaksin bikin mandul", "Hoaks", "Kominfo")
    # neither @id nor url: an id from the claim's text, the same at every load
    assert first["id"].startswith("claimreview-") and claims_from_claimreview(listed)[0]["id"] == first["id"]
    assert first["id"] != second["id"]


def test_a_review_without_verdict_or_claim_text_is_refused_naming_it_and_why(tmp_path: Path, caplog) -> None:
    """A review whose rating is only a number, or whose claimReviewed is empty, used to be dropped without a word
    (`sigap claims load` said "published 0 claims"); it is an invalid claim now, named by its place among the
    file's reviews and its url (else its claim), with the reason. A numeric rating is not turned into a verdict."""
    from streams.claims.claimreview import InvalidClaimReview
    from streams.records.errors import InvalidInput

    fine = {"@type": "ClaimReview", "url": "https://cek.example/ok", "claimReviewed": "Air kelapa sembuhkan covid",
            "reviewRating": {"alternateName": "Salah"}}
    numeric = {"@type": "ClaimReview", "claimReviewed": "Daun pepaya sembuhkan DBD",
               "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 5, "worstRating": 1}}
    no_text = {"@type": "ClaimReview", "url": "https://cek.example/kosong", "claimReviewed": " ",
               "reviewRating": {"alternateName": "Salah"}}
    with pytest.raises(InvalidClaimReview) as refused:
        claims_from_claimreview([fine, numeric])
    assert refused.value.detail == ('claim review 2 ("Daun pepaya sembuhkan DBD"): no verdict: reviewRating has no '
                                    "alternateName (its ratingValue 1 is not read as a verdict)")
    assert isinstance(refused.value, InvalidClaimError) and isinstance(refused.value, InvalidInput)
    with pytest.raises(InvalidClaimReview, match=r"^missing_field: claim review 1 \(https://cek.example/kosong\): "
                                                 r"no claim: claimReviewed is missing or empty$"):
        claims_from_claimreview({"@graph": [no_text, fine]})
    with pytest.raises(InvalidClaimReview, match="no verdict: reviewRating has no alternateName$"):
        claims_from_claimreview({"claims": [{"text": "Vaksin bikin mandul", "claimReview": [{"url": "u"}]}]})

    with caplog.at_level("WARNING"):  # skipped, named, and the fine reviews load as before
        assert claims_from_claimreview([numeric, fine, no_text], skip_invalid=True) == claims_from_claimreview(fine)
    assert [r.getMessage() for r in caplog.records] == [
        'skipping claim review 1 ("Daun pepaya sembuhkan DBD"): no verdict: reviewRating has no alternateName '
        "(its ratingValue 1 is not read as a verdict)",
        "skipping claim review 3 (https://cek.example/kosong): no claim: claimReviewed is missing or empty"]

    path = tmp_path / "reviews.jsonl"
    path.write_text(json.dumps(fine) + "\n\n" + json.dumps([fine, no_text]) + "\n")
    with pytest.raises(InvalidClaimReview, match=f"{path.name}: line 3: claim review 2 \\(https://cek.example/kosong"):
        load_claimreview(path)
    assert [c["url"] for c in load_claimreview(path, skip_invalid=True)] == [fine["url"]] * 2
