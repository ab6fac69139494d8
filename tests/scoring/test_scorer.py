"""The Scorer facade the agents and `sigap score` call: output shape, ranges, order, claims, errors."""

from __future__ import annotations

import copy
import math
from dataclasses import replace
from pathlib import Path

import pytest

from streams.scoring import BatchScores, ModelsMissingError, Scorer, TextScores

POSTS = [
    "SEBARKAN!!! Vaksin covid mengandung chip pelacak, sebelum dihapus pemerintah!!",
    "Makanannya enak banget, pelayanannya ramah 😍 pasti balik lagi",
    "pelayanan bank ini buruk sekali, saya kecewa 😡",
    "",
    "Presiden meresmikan jembatan baru di Kalimantan Timur hari ini.",
]


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return Scorer.load()


def test_output_shape_and_ranges(scorer: Scorer) -> None:
    res = scorer.score_texts(POSTS)
    assert isinstance(res, BatchScores) and len(res.items) == len(POSTS)
    for text, item in zip(POSTS, res.items):
        assert isinstance(item, TextScores)
        assert 0.0 <= item.hoax_probability <= 1.0
        assert item.hoax_label == ("hoax" if item.hoax_probability >= 0.5 else "valid")
        assert item.sentiment_label in ("negative", "neutral", "positive")
        probs = item.sentiment_probabilities
        assert list(probs) == ["negative", "neutral", "positive"]
        assert math.isclose(sum(probs.values()), 1.0, abs_tol=1e-9) and min(probs.values()) >= 0
        assert max(probs, key=probs.get) == item.sentiment_label
        assert item.tokens == item.normalized.split()
        if item.claim_match is not None:
            assert set(item.claim_match) == {"claim_id", "claim", "verdict", "similarity", "terms"}
            assert item.claim_match["terms"] and set(item.claim_match["terms"]) <= set(item.tokens)
            assert 0.0 < item.claim_match["similarity"] <= 1.0
    assert set(res.seconds_by_model) >= {"normalize", "sentiment", "hoax", "claims"}
    assert all(v >= 0 for v in res.seconds_by_model.values())


def test_scores_make_sense(scorer: Scorer) -> None:
    chain, review, complaint, empty, news = scorer.score_texts(POSTS).items
    assert review.sentiment_label == "positive" and complaint.sentiment_label == "negative"
    assert chain.hoax_probability > review.hoax_probability
    assert chain.claim_match is not None and chain.claim_match["verdict"] == "hoax"
    assert "spread_call" in chain.hoax_cues
    assert review.claim_match is None and review.hoax_label == "valid"
    assert empty.normalized == "" and empty.claim_match is None


def test_order_is_preserved_and_batching_does_not_change_scores(scorer: Scorer) -> None:
    batch = scorer.score_texts(POSTS).items
    single = [scorer.score_texts([p]).items[0] for p in POSTS]
    assert batch == single
    rev = scorer.score_texts(POSTS[::-1]).items
    assert rev == batch[::-1]


def test_known_false_claim_raises_and_true_claim_lowers_hoax_probability(scorer: Scorer) -> None:
    post = "beredar kabar gajah berkaki lima ditemukan di hutan sumatera"
    base = scorer.score_texts([post]).items[0]
    scorer.claims.upsert({"id": "t-false", "claim": "Gajah berkaki lima ditemukan di Sumatera", "verdict": "hoax"})
    up = scorer.score_texts([post]).items[0]
    assert up.claim_match["claim_id"] == "t-false" and up.hoax_probability > base.hoax_probability
    scorer.claims.upsert({"id": "t-false", "claim": "Gajah berkaki lima ditemukan di Sumatera", "verdict": "true"})
    down = scorer.score_texts([post]).items[0]
    assert down.hoax_probability < up.hoax_probability
    scorer.claims.delete("t-false")
    assert scorer.score_texts([post]).items[0] == base


def test_versions_and_claims_defaults(scorer: Scorer) -> None:
    assert scorer.versions["hoax"].startswith("hoax-") and scorer.versions["sentiment"].startswith("sentiment-")
    assert len(scorer.claims) > 400  # starter claims by default
    assert len(Scorer.load(claims=[]).claims) == 0
    assert len(Scorer.load(claims=[{"id": "a", "claim": "bumi itu datar", "verdict": "hoax"}]).claims) == 1


def test_empty_batch_and_none(scorer: Scorer) -> None:
    assert scorer.score_texts([]).items == []
    assert scorer.score_texts([None]).items[0].normalized == ""  # type: ignore[list-item]


def test_a_lone_surrogate_is_scored_not_raised(scorer: Scorer) -> None:
    """Python strings may hold half of a UTF-16 pair (a claims file read by ``json.loads``, a caller's text); the
    batch is still scored, and the text reads as it would without it."""
    texts = ["vaksin \ud800mengandung chip", "ok \udfff"]
    items = scorer.score_texts(texts).items
    plain = scorer.score_texts(["vaksin mengandung chip", "ok"]).items
    assert [i.hoax_label for i in items] == [i.hoax_label for i in plain]


def test_missing_models_raise_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelsMissingError, match="sigap train"):
        Scorer.load(tmp_path)


def test_posts_with_nothing_to_judge_are_not_flagged(scorer: Scorer) -> None:
    """The hoax models lean to hoax without evidence; the evidence factor scales posts with fewer than
    ``min_content_words`` content words down."""
    empty_ish = ["", "wkwkwk", "lol", "RT @user: http://t.co/abc", "@admin http://bit.ly/x", "中文 測試"]
    items = scorer.score_texts(empty_ish).items
    assert [item.hoax_label for item in items] == ["valid"] * len(empty_ish)
    claim_like = scorer.score_texts(["SEBARKAN!! vaksin covid mengandung chip pelacak dari elit global"]).items[0]
    assert claim_like.hoax_label == "hoax"
    assert scorer.bundle.hoax.min_content_words == 3
    before = copy.copy(scorer.bundle)  # artifacts trained before the factor have min_content_words 0
    before.hoax = replace(scorer.bundle.hoax, min_content_words=0.0)
    assert Scorer(before, claims=[]).score_texts(["wkwkwk"]).items[0].hoax_label == "hoax"



def test_claim_reranking_reuses_the_batch_feature_rows(scorer: Scorer, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a re-ranking model the claim index reads the posts' FeatureSpace rows the Scorer already computed:
    one transform per batch, and a misspelt post still finds its claim through character n-grams."""
    from streams.claims.ranking import RERANK_FEATURES

    bundle = copy.copy(scorer.bundle)
    coef = [{"similarity": 1.0, "char_cosine": 4.0, "score_ratio": 1.0}.get(f, 0.0) for f in RERANK_FEATURES]
    bundle.claim_params = {**scorer.bundle.claim_params, "rank_shared_power": 0.5, "rerank_coef": coef,
                           "rerank_intercept": -3.0, "threshold": 0.0}
    bundle.claim_params.pop("accept_coef", None)
    claims = [{"id": "right", "claim": "Air kelapa menyembuhkan covid", "verdict": "hoax"},
              {"id": "wrong", "claim": "Air kelapa menyegarkan tubuh", "verdict": "true"}]
    s = Scorer(bundle, claims)
    s.score_texts(["air kelapa"])  # the claims' feature rows are built at the first match
    space = bundle.features
    calls = []
    original = type(space).transform_tokens  # (transform calls it too)
    # (the shared space only: the sentiment model's negation block is a FeatureSpace of its own)
    monkeypatch.setattr(type(space), "transform_tokens",
                        lambda self, texts: (self is space and calls.append(len(texts))) or original(self, texts))
    out = s.score_texts(["air kelapa bisa menyembuhan kovid19", "hari ini cerah"])
    assert calls == [2]
    assert out.items[0].claim_match is not None and out.items[0].claim_match["claim_id"] == "right"


def test_posts_in_another_language_are_not_judged_for_hoax(scorer: Scorer) -> None:
    """An English post used to read as a hoax (the post model's prior); it is now marked with its language and
    only a known false claim can flag it."""
    english = "Share this before it is deleted! Vaccines contain microchips"
    items = scorer.score_texts([english, "Good morning everyone, have a nice day", POSTS[0]]).items
    assert [(i.other_language.code if i.other_language else None) for i in items] == ["en", "en", None]
    assert [(i.hoax_label, i.hoax_text_probability) for i in items[:2]] == [("valid", 0.0), ("valid", 0.0)]
    assert [(i.hoax_cues, i.hoax_terms) for i in items[:2]] == [([], []), ([], [])]  # not judged: nothing to explain
    assert items[2].hoax_label == "hoax"
    without_check = Scorer(scorer.bundle, claims=[])
    without_check._language.detect = lambda texts, normalized, has_stopword=None: [None] * len(texts)
    assert without_check.score_texts([english]).items[0].hoax_label == "hoax"
    with_claim = Scorer(scorer.bundle, claims=[{"id": "c1", "claim": "Vaccines contain microchips", "verdict": "hoax"}])
    matched = with_claim.score_texts([english]).items[0]
    assert matched.claim_match is not None and matched.claim_match["claim_id"] == "c1"
    assert matched.hoax_text_probability == 0.0 and matched.hoax_label == "hoax"


def test_the_factors_say_why_a_post_was_not_flagged(scorer: Scorer) -> None:
    """``hoax_factors`` name what scaled the text models' probability: a complaint reads as an ordinary post
    (relevance), laughter has no content words (evidence), an English post is not read (language)."""
    complaint, laughter, english, chain = scorer.score_texts([
        "pelayanan bank ini buruk sekali, saya kecewa 😡", "wkwkwk", "Good morning everyone, have a nice day",
        POSTS[0],
    ]).items
    assert complaint.hoax_label == "valid" and complaint.hoax_factors["relevance"] < 0.5
    assert laughter.hoax_factors == {"relevance": laughter.hoax_factors["relevance"], "evidence": 0.0, "language": 1.0}
    assert english.hoax_factors["language"] == 0.0 and english.hoax_factors["evidence"] == 1.0
    assert chain.hoax_factors == {"relevance": 1.0, "evidence": 1.0, "language": 1.0}
    for item in (complaint, laughter, english, chain):
        assert list(item.hoax_factors) == ["relevance", "evidence", "language"]
        assert all(0.0 <= v <= 1.0 for v in item.hoax_factors.values())


def test_a_disguised_hoax_scores_and_matches_as_the_plain_text(scorer: Scorer) -> None:
    """Zero-width characters, fullwidth or "fancy font" letters, look-alike Cyrillic letters and combining
    underlines do not hide a debunked hoax (before `streams.text.canonical`: hoax 0.00 and no claim match for the
    fullwidth, math-bold and underlined spellings)."""
    from tests.text.test_canonical import DISGUISED, PLAIN

    batch = scorer.score_texts([PLAIN, *DISGUISED.values()])
    plain, *disguised = batch.items
    assert plain.claim_match is not None and plain.hoax_label == "hoax"
    for name, item in zip(DISGUISED, disguised, strict=True):
        assert item.normalized == plain.normalized, name
        assert item.hoax_probability == pytest.approx(plain.hoax_probability, abs=0.01), name
        assert item.claim_match is not None and item.claim_match["claim_id"] == plain.claim_match["claim_id"], name


def test_sentiment_scores_as_the_trained_model_reads_the_sentence_negation_included(scorer: Scorer) -> None:
    """The Scorer computes sentiment in one product with the hoax models, plus the negation block: its
    probabilities are the trained model's on ``ModelBundle.sentiment_rows`` (what training evaluated)."""
    import numpy as np

    bundle = scorer.bundle
    assert bundle.negation is not None and bundle.negation_rows(["tidak enak"]).nnz == 1
    texts = ["Makanannya gak enak, pelayanannya juga kurang ramah", "tidak mahal tapi enak", "enak sekali"]
    items = scorer.score_texts(texts).items
    expected = bundle.sentiment.predict_proba(bundle.sentiment_rows([item.normalized for item in items]))
    got = np.array([list(item.sentiment_probabilities.values()) for item in items])
    np.testing.assert_allclose(got, expected, atol=1e-4)
    # (and the block counts: without it the negated sentences score otherwise)
    rows = bundle.sentiment_rows([item.normalized for item in items])
    shared_only = bundle.sentiment.predict_proba(rows.multiply(np.arange(rows.shape[1]) < bundle.features.n_features).tocsr())
    assert np.abs(shared_only - expected)[:2].max() > 1e-3
