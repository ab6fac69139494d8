"""The learned parts of claim matching, as features: each post's top candidate claims are re-ranked by a linear
model over ``RERANK_FEATURES``, and the best one is reported when a logistic regression over ``ACCEPT_FEATURES``
accepts it. Both models are trained by ``sigap train`` (``streams.models.claim_training``) and stored as floats."""

from __future__ import annotations

from typing import Any

import numpy as np

from streams.models.codes import run_starts

# re-ranking: a post's candidates are the (at most) RERANK_K best-scored claim rows scoring at least RERANK_RATIO x
# its best score
RERANK_K = 5
RERANK_RATIO = 0.3


ACCEPT_FEATURES = (
    "similarity", "coverage", "cosine", "margin_over_second", "claim_terms", "shared_terms", "shared_share",
    "log_post_terms", "all_claim_terms_present",
)


# with the FeatureSpace cosines (models trained since re-ranking); an index picks the set by its coefficients' length
ACCEPT_FEATURES_CHAR = ACCEPT_FEATURES + ("char_cosine", "word_cosine")


def accept_features(cand: dict[str, Any], char: bool = False) -> np.ndarray:
    """Features of each text's best candidate for the acceptance model, in ``ACCEPT_FEATURES`` order (with
    ``char``: ``ACCEPT_FEATURES_CHAR``)."""
    claim_terms = cand["claim_terms"]
    share = cand["shared"] / np.maximum(claim_terms, 1.0)
    cols = [
        cand["sim"], cand["coverage"], cand["cosine"], cand["sim"] - cand["second"], claim_terms, cand["shared"],
        share, np.log1p(cand["post_terms"]), (cand["shared"] >= claim_terms) & (claim_terms > 0),
    ]
    if char:
        cols += [cand["char_cos"], cand["word_cos"]]
    return np.column_stack(cols).astype(np.float64)


RERANK_FEATURES = (
    "similarity", "coverage", "cosine", "char_cosine", "word_cosine", "log_shared_terms", "missing_terms",
    "score_ratio",
)


def rerank_features(pairs: dict[str, np.ndarray]) -> np.ndarray:
    """Features of each (post, candidate claim row) pair for the re-ranking model, in ``RERANK_FEATURES`` order."""
    return np.column_stack(
        [
            pairs["sim"], pairs["coverage"], pairs["cosine"], pairs["char_cos"], pairs["word_cos"],
            np.log1p(pairs["shared"]), pairs["claim_terms"] - pairs["shared"], pairs["score_ratio"],
        ]
    ).astype(np.float64)


def empty_pairs() -> dict[str, np.ndarray]:
    z = np.zeros(0)
    i = np.zeros(0, dtype=np.int64)
    return {"post": i, "row": i, "slot": i, "score_ratio": z, "sim": z, "coverage": z, "cosine": z, "shared": z,
            "claim_terms": z, "char_cos": z, "word_cos": z}


def apply_choice(cand: dict[str, Any], pairs: dict[str, np.ndarray], pair_score: np.ndarray | None) -> None:
    """Make each post's best candidate the pair with the highest ``pair_score`` (ties and ``None``: the ranking's
    own best, the first pair of the post), updating ``cand`` in place; the runner-up becomes the best similarity
    of the post's candidates of other claims."""
    post = pairs["post"]
    if not post.size:
        return
    start = run_starts(post)
    owner = np.repeat(np.arange(start.size), np.diff(np.r_[start, post.size]))
    if pair_score is None:
        chosen = start
    else:
        top = np.maximum.reduceat(pair_score, start)
        hit = np.flatnonzero(pair_score >= top[owner])
        chosen = hit[run_starts(owner[hit])]
    p = post[start]
    cand["char_cos"][p] = pairs["char_cos"][chosen]
    cand["word_cos"][p] = pairs["word_cos"][chosen]
    changed = np.flatnonzero(chosen != start)
    if not changed.size:
        return
    other = np.where(pairs["slot"] != pairs["slot"][chosen][owner], pairs["sim"], 0.0)
    second = np.maximum.reduceat(other, start)
    c, p = chosen[changed], p[changed]
    cand["row"][p] = pairs["row"][c]
    cand["score"][p] = pairs["score_ratio"][c] * cand["score"][p]
    for key, src in (("sim", "sim"), ("coverage", "coverage"), ("cosine", "cosine"), ("shared", "shared"),
                     ("claim_terms", "claim_terms")):
        cand[key][p] = pairs[src][c]
    cand["second"][p] = second[changed]
