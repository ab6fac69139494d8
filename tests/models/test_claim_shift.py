"""The claim match's shift of the hoax probability, and its out-of-fold evaluation in `sigap train`."""

from __future__ import annotations

import numpy as np

from streams.models.bundle import HoaxParams, with_claim_match
from streams.models.claim_training import CLAIM_WEIGHT_CURVE, TweetMatches, hoax_with_claims_report


def logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


def test_the_shift_follows_the_verdict_and_the_weight():
    hp = HoaxParams(claim_weight=1.0)
    p_text = np.array([0.2, 0.2, 0.6, 0.3])
    p_plain = np.array([0.4, 0.4, 0.6, 0.3])  # the first posts were scaled down as "ordinary"
    sign = np.array([1.0, -1.0, 0.0, 1.0])
    similarity = np.array([0.8, 0.8, 0.9, 0.0])
    p = with_claim_match(hp, p_text, p_plain, sign, similarity)
    assert abs(logit(p[0]) - (logit(0.4) + 0.8)) < 1e-12  # a false claim: from the probability without relevance
    assert abs(logit(p[1]) - (logit(0.2) - 0.8)) < 1e-12  # a true claim: from the text probability, downwards
    assert p[2] == 0.6  # no match
    assert abs(p[3] - 0.3) < 1e-12  # a false-claim match at similarity 0 only lifts the relevance factor
    stronger = with_claim_match(HoaxParams(claim_weight=3.0), p_text, p_plain, sign, similarity)
    assert stronger[0] > p[0] and stronger[1] < p[1]


def test_a_tweet_does_not_vote_on_its_own_claims_verdict():
    """Verdicts come from a claim's *other* tweets (hoax >= 60 %, true <= 40 %, else undecided)."""
    y = np.array([1, 1, 0, 1, 1, 1, 0])
    gold = np.array(["A", "A", "A", "B", "D", "D", "D"])
    p_text = np.array([0.6, 0.6, 0.45, 0.6, 0.45, 0.6, 0.4])
    matches = TweetMatches(
        gold=gold,
        known=list(gold),
        known_similarity=np.full(7, 0.9),
        unknown=[None, None, "B", None, None, None, None],  # A's valid tweet wrongly matches B (B's tweet: hoax)
        unknown_similarity=np.array([0.0, 0.0, 0.9, 0.0, 0.0, 0.0, 0.0]),
    )
    report = hoax_with_claims_report(HoaxParams(claim_weight=1.0), p_text, p_text, y, matches)
    # known: A's hoax tweets see 1 of 2 others hoax (undecided, no shift: right); A's valid tweet sees 2 of 2 (hoax:
    # pushed to hoax, wrong); B's tweet has no other tweet (undecided: right). D's first tweet (hoax, text 0.45)
    # sees 1 of 2 (undecided: stays wrong; had it voted itself, 2 of 3 would have made it right); D's second is
    # right; D's valid tweet sees 2 of 2 (pushed to hoax, wrong).
    assert report["known_claim"]["accuracy"] == round(100 * 4 / 7, 2)
    # unknown: only A's valid tweet is matched (to B, verdict hoax from B's tweet): wrong; D's first stays wrong
    assert report["unknown_claim"]["accuracy"] == round(100 * 5 / 7, 2)
    assert report["matched_known"] == 100.0 and report["matched_unknown"] == round(100 / 7, 2)
    curve = report["macro_f1_by_claim_weight"]
    assert list(curve) == [f"{w:g}" for w in CLAIM_WEIGHT_CURVE]
    assert curve["0"]["known_claim"] > curve["1"]["known_claim"] == report["known_claim"]["macro_f1"]
    assert report["claim_weight"] == 1.0
