"""An *oracle* scorer for scenario posts: scores drawn from each post's ground truth with realistic errors.

It stands in for the trained models when testing the issue engine on its own (the detectors must work with
imperfect models, so the oracle is deliberately wrong some of the time) and lets ``sigap simulate --oracle``
replay a scenario file without trained models. Scores are a pure function of the post id, so every run agrees.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

from streams.issues.keys import issue_id_for
from streams.issues.text import slug

SENTIMENTS = ("negative", "neutral", "positive")


def oracle_scores(post: dict, *, sentiment_accuracy: float = 0.85, hoax_recall: float = 0.85,
                  claim_recall: float = 0.85, false_claim_rate: float = 0.002,
                  known_claims: list[dict] | None = None) -> dict:
    """The ``scores`` object for one post (contract format)."""
    truth = post.get("scenario") or {}
    rng = random.Random(f"oracle:{post['id']}")
    true_sentiment = truth.get("sentiment") or "neutral"
    if rng.random() < sentiment_accuracy:
        sentiment = true_sentiment
    else:
        sentiment = rng.choice([s for s in SENTIMENTS if s != true_sentiment])
    probabilities = {s: 0.1 for s in SENTIMENTS}
    probabilities[sentiment] = 0.8
    if truth.get("hoax"):
        p = rng.uniform(0.55, 0.97) if rng.random() < hoax_recall else rng.uniform(0.1, 0.5)
    else:
        p = rng.uniform(0.02, 0.45) if rng.random() < 0.93 else rng.uniform(0.5, 0.8)
    claim_match = None
    if truth.get("claim") and rng.random() < claim_recall:
        claim_match = {"claim_id": truth.get("claim_id") or slug(truth["claim"]), "claim": truth["claim"],
                       "verdict": "hoax", "similarity": round(rng.uniform(0.6, 0.95), 3)}
    elif known_claims and rng.random() < false_claim_rate:
        wrong = rng.choice(known_claims)
        claim_match = {"claim_id": wrong["id"], "claim": wrong["claim"], "verdict": wrong["verdict"],
                       "similarity": round(rng.uniform(0.5, 0.6), 3)}
    return {
        "hoax": {"probability": round(p, 4), "label": "hoax" if p >= 0.5 else "valid", "model": "oracle"},
        "sentiment": {"label": sentiment, "probabilities": probabilities, "model": "oracle"},
        "claim_match": claim_match,
        "issue_id": issue_id_for(post, "", [], claim_match),
        "processed_at": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }


def oracle_score_posts(posts: list[dict], **options) -> list[dict]:
    """Scored posts (contract format) for scenario posts, in input order."""
    return [{**post, "scores": oracle_scores(post, **options)} for post in posts]


def scenario_claims(posts: list[dict]) -> list[dict]:
    """The known claims behind a scenario's posts, as claim records (for ``claim_lookup``)."""
    claims: dict[str, dict] = {}
    for post in posts:
        truth = post.get("scenario") or {}
        if truth.get("claim"):
            claim_id = truth.get("claim_id") or slug(truth["claim"])
            claims[claim_id] = {
                "id": claim_id, "claim": truth["claim"], "verdict": "hoax",
                "clarification": f"Klaim \u201c{truth['claim']}\u201d sudah dibantah: tidak ada bukti yang mendukungnya.",
                "url": f"https://cekfakta.example.id/{claim_id}", "source": "scenario",
            }
    return list(claims.values())
