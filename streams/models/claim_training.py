"""Claim matching's learned parts, trained and evaluated by ``sigap train``: the re-ranking of each post's top
candidate claims and the acceptance model that decides whether the best one is reported."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from streams.models import data as D
from streams.models.bundle import HoaxParams, ModelBundle, with_claim_match
from streams.models.intervals import share_ci
from streams.models.report import metrics

CLAIM_WEIGHT_CURVE = (0.0, 0.5, 1.0, 2.0, 3.0)


@dataclass(frozen=True)
class TweetMatches:
    """Each tweet's out-of-fold accepted match (claim id or None, similarity) in the two situations of
    ``fit_claim_matching``: its claim indexed (``known``) or left out (``unknown``)."""

    gold: np.ndarray  # the tweet's own claim id
    known: list[str | None]
    known_similarity: np.ndarray
    unknown: list[str | None]
    unknown_similarity: np.ndarray


def fit_claim_matching(
    bundle: ModelBundle,
    tweets: D.Rows,
    tweets_norm: Sequence[str],
    ordinary_train: Sequence[str],
    ordinary_eval: Sequence[str],
    groups: np.ndarray,
    folds: int,
    seed: int,
    accept_threshold: float = 0.25,
) -> tuple[dict[str, Any], dict[str, Any], TweetMatches]:
    """Train the claim re-ranking and acceptance models and evaluate matching; returns (claim params, report, the
    tweets' out-of-fold accepted matches).

    Re-ranking: each post's top candidates (``RERANK_K`` best claim rows by the index's score) are re-ordered by a
    logistic regression over ``RERANK_FEATURES`` (the index's similarity features plus the character-n-gram and
    word cosines of the shared FeatureSpace rows), trained on the tweets' candidate pairs (is this the tweet's
    claim?) out-of-fold by topic group; every figure below uses the re-ranker of the fold the tweet was left out of.

    Three situations are scored for each tweet: (a) its claim is in the index (all starter claims) — the right
    claim should come first and be accepted; (b) its claim is not (the claims of its fold of topic groups left
    out) — nothing should be accepted; ordinary sentences should never be matched. The acceptance model (logistic
    regression over ``ACCEPT_FEATURES`` of the best candidate) learns from (a) positives, (b) and SmSA-train
    sentences as negatives; its figures here are out-of-fold by topic group, and the ordinary sentences it is
    evaluated on (SmSA/NusaX valid) are not those it was trained on."""
    from sklearn.linear_model import LogisticRegression

    from streams.claims.ranking import (
        ACCEPT_FEATURES_CHAR,
        RERANK_FEATURES,
        RERANK_K,
        RERANK_RATIO,
        accept_features,
        apply_choice,
        rerank_features,
    )
    from streams.claims.starter import build_starter_claims, claim_key
    from streams.scoring.scorer import make_claim_index

    claims = build_starter_claims(tweets)
    key_to_id = {}
    for c in claims:
        key_to_id[claim_key(c["claim"])] = c["id"]
        for a in c.get("aliases", []):
            key_to_id[claim_key(a)] = c["id"]
    gold = np.array([key_to_id[claim_key(c)] for c in tweets.claims])
    claim_text = {c["id"]: c["claim"] for c in claims}
    rng = np.random.default_rng(seed)
    uniq = np.unique(groups)
    fold_of_group = dict(zip(uniq.tolist(), rng.integers(0, folds, uniq.size).tolist()))
    tweet_fold = np.array([fold_of_group[g] for g in groups.tolist()])
    claim_folds: dict[str, set[int]] = {}
    for cid, f in zip(gold.tolist(), tweet_fold.tolist()):
        claim_folds.setdefault(cid, set()).add(f)

    def index_of(subset) -> Any:
        idx = make_claim_index(bundle)
        # plain ranking and similarity while we build the re-ranking and acceptance models
        idx.accept_coef = None
        idx.rerank_coef = None
        idx.upsert_many(subset)
        return idx

    def fit_rerank(feats: np.ndarray, y: np.ndarray) -> LogisticRegression:
        return LogisticRegression(C=1.0, max_iter=5000).fit(feats, y)

    def best(idx, texts, rerank=None) -> tuple[np.ndarray, list[str | None], np.ndarray]:
        """Acceptance features, claim id and similarity of each text's best candidate; ``rerank``: the re-ranking
        model of each text (one for all, or an array of fold models' pair scores)."""
        cand = idx.candidates(texts, pairs=True)
        pr = cand["pairs"]
        if isinstance(rerank, np.ndarray):
            apply_choice(cand, pr, rerank)
        elif rerank is not None:
            apply_choice(cand, pr, rerank.decision_function(rerank_features(pr)) if pr["post"].size else None)
        ids = [idx._row_ids[r] if r >= 0 else None for r in cand["row"]]
        return accept_features(cand, char=True), ids, cand["sim"]

    full = index_of(claims)
    # re-ranking model: candidate pairs of every tweet against all claims, labelled by whether the pair's claim is
    # the tweet's; fitted out-of-fold by topic group
    cand_known = full.candidates(list(tweets_norm), pairs=True)
    pk = cand_known["pairs"]
    f_pairs = rerank_features(pk)
    y_pairs = np.array([full._row_ids[r] == gold[i] for r, i in zip(pk["row"].tolist(), pk["post"].tolist())], int)
    pair_fold = tweet_fold[pk["post"]]
    rerank_models = [fit_rerank(f_pairs[pair_fold != f], y_pairs[pair_fold != f]) for f in range(folds)]
    pair_score = np.zeros(len(y_pairs))
    for f in range(folds):
        te = pair_fold == f
        pair_score[te] = rerank_models[f].decision_function(f_pairs[te])
    right_top_plain = np.array([r >= 0 and full._row_ids[r] == g for r, g in zip(cand_known["row"].tolist(), gold)])
    f_known, id_known, sim_known = best(full, list(tweets_norm), pair_score)
    right_top = np.array([i == g for i, g in zip(id_known, gold)])
    rerank_final = fit_rerank(f_pairs, y_pairs)
    f_unknown = np.zeros_like(f_known)
    id_unknown: list[str | None] = [None] * len(gold)
    sim_unknown = np.zeros(len(gold))
    restated = np.zeros(len(gold), dtype=bool)
    for f in range(folds):
        idx = index_of(c for c in claims if f not in claim_folds.get(c["id"], set()))
        held = np.flatnonzero(tweet_fold == f)
        feats, ids, sims = best(idx, [tweets_norm[i] for i in held], rerank_models[f])
        # the starter set holds near-duplicate claims under different topics ("Dana haji dipakai" / "Pemerintah
        # gunakan dana haji"): a match whose claim the post's own claim text also matches is a restatement
        own = idx.match([claim_text[gold[i]] for i in held])
        f_unknown[held] = feats
        sim_unknown[held] = sims
        for j, i in enumerate(held):
            id_unknown[i] = ids[j]
            restated[i] = ids[j] is not None and own[j] is not None and own[j].claim_id == ids[j]
    f_ord_train, _, _ = best(full, list(ordinary_train), rerank_final)
    ord_fold = rng.integers(0, folds, len(ordinary_train))

    def fit(mask_tw: np.ndarray, mask_ord: np.ndarray) -> LogisticRegression:
        has_k = mask_tw & (f_known[:, 0] > 0)
        has_u = mask_tw & (f_unknown[:, 0] > 0) & ~restated
        has_o = mask_ord & (f_ord_train[:, 0] > 0)
        x = np.vstack([f_known[has_k], f_unknown[has_u], f_ord_train[has_o]])
        y = np.r_[right_top[has_k].astype(int), np.zeros(has_u.sum(), int), np.zeros(has_o.sum(), int)]
        return LogisticRegression(C=1.0, max_iter=5000).fit(x, y)

    def accept(model, feats) -> np.ndarray:
        return (model.predict_proba(feats)[:, 1] >= accept_threshold) & (feats[:, 0] > 0)

    acc_known = np.zeros(len(gold), dtype=bool)
    acc_unknown = np.zeros(len(gold), dtype=bool)
    for f in range(folds):
        model = fit(tweet_fold != f, ord_fold != f)
        te = tweet_fold == f
        acc_known[te] = accept(model, f_known[te])
        acc_unknown[te] = accept(model, f_unknown[te])
    final = fit(np.ones(len(gold), bool), np.ones(len(ordinary_train), bool))
    params = {
        "accept_coef": [round(float(v), 6) for v in final.coef_[0]],
        "accept_intercept": round(float(final.intercept_[0]), 6),
        "accept_threshold": accept_threshold,
        "accept_features": list(ACCEPT_FEATURES_CHAR),
        "rerank_coef": [round(float(v), 6) for v in rerank_final.coef_[0]],
        "rerank_intercept": round(float(rerank_final.intercept_[0]), 6),
        "rerank_features": list(RERANK_FEATURES),
        "rerank_k": RERANK_K,
        "rerank_ratio": RERANK_RATIO,
    }
    f_ord_eval, _, _ = best(full, list(ordinary_eval), rerank_final)
    report = {
        "claims_in_index": len(full),
        "accept_threshold": accept_threshold,
        "posts_with_claim": len(gold),
        "right_claim_first": round(100 * float(np.mean(right_top & acc_known)), 2),
        "right_claim_first_ci95": share_ci(right_top & acc_known, seed=seed, groups=groups),
        "right_claim_top_any_score": round(100 * float(np.mean(right_top)), 2),
        "right_claim_top_before_rerank": round(100 * float(np.mean(right_top_plain)), 2),
        "right_claim_in_rerank_candidates": round(100 * float(np.mean(np.isin(
            np.arange(len(gold)), pk["post"][y_pairs == 1]))), 2),
        "right_claim_first_similarity_threshold_0.5": round(100 * float(np.mean(right_top & (sim_known >= 0.5))), 2),
        "posts_without_claim": len(ordinary_eval),
        "no_match_when_none": round(100 * float(np.mean(~accept(final, f_ord_eval))), 2),
        "no_match_when_none_ci95": share_ci(~accept(final, f_ord_eval), seed=seed),
        "posts_with_unknown_claim": len(gold),
        "no_match_when_claim_unknown": round(100 * float(np.mean(~acc_unknown)), 2),
        "no_match_or_restated_claim_when_claim_unknown": round(100 * float(np.mean(~acc_unknown | restated)), 2),
        "split": "re-ranking and acceptance models out-of-fold by topic group (5 folds); all tweets vs the starter claims; "
        "SmSA+NusaX valid sentences as posts discussing no claim; tweets whose topic group's claims were left out "
        "of the index",
    }
    matches = TweetMatches(
        gold=gold,
        known=[i if a else None for i, a in zip(id_known, acc_known.tolist())],
        known_similarity=np.where(acc_known, sim_known, 0.0),
        unknown=[i if a else None for i, a in zip(id_unknown, acc_unknown.tolist())],
        unknown_similarity=np.where(acc_unknown, sim_unknown, 0.0),
    )
    return params, report, matches


def hoax_with_claims_report(
    hp: HoaxParams, p_text: np.ndarray, p_plain: np.ndarray, y: np.ndarray, matches: TweetMatches
) -> dict[str, Any]:
    """Macro-F1 of the tweets' hoax labels once their out-of-fold claim match shifts the out-of-fold text
    probability (``with_claim_match``), with its claim indexed and with it left out.

    A matched claim's verdict is the majority label of *its other* tweets (``majority_verdict`` without the
    tweet being scored), as a fact-checker's verdict would be given without seeing that tweet; counting the tweet
    itself would lend every small claim its own tweet's label. ``p_plain``: the text probability without the
    relevance factor."""
    from streams.claims.records import verdict_sign
    from streams.claims.starter import majority_verdict

    hoax_by_claim: dict[str, int] = {}
    tweets_by_claim: dict[str, int] = {}
    for claim, label in zip(matches.gold.tolist(), y.tolist()):
        hoax_by_claim[claim] = hoax_by_claim.get(claim, 0) + label
        tweets_by_claim[claim] = tweets_by_claim.get(claim, 0) + 1

    def signs(matched: list[str | None]) -> np.ndarray:
        out = np.zeros(len(matched))
        for i, claim in enumerate(matched):
            if claim is not None:
                own = claim == matches.gold[i]
                out[i] = verdict_sign(majority_verdict(hoax_by_claim.get(claim, 0) - (y[i] if own else 0),
                                                       tweets_by_claim.get(claim, 0) - int(own)))
        return out

    labels = D.HOAX_LABELS
    situations = {
        "known_claim": (signs(matches.known), matches.known_similarity),
        "unknown_claim": (signs(matches.unknown), matches.unknown_similarity),
    }

    def evaluate(params: HoaxParams, situation: str) -> dict[str, Any]:
        sign, similarity = situations[situation]
        p = with_claim_match(params, p_text, p_plain, sign, similarity)
        return metrics([labels[v] for v in y], [labels[int(v >= params.threshold)] for v in p], labels)

    report: dict[str, Any] = {name: evaluate(hp, name) for name in situations}
    report["claim_weight"] = hp.claim_weight
    report["matched_known"] = round(100 * float(np.mean([m is not None for m in matches.known])), 2)
    report["matched_unknown"] = round(100 * float(np.mean([m is not None for m in matches.unknown])), 2)
    report["macro_f1_by_claim_weight"] = {
        f"{w:g}": {name: evaluate(replace(hp, claim_weight=w), name)["macro_f1"] for name in situations}
        for w in CLAIM_WEIGHT_CURVE
    }
    report["split"] = ("text probability out-of-fold by topic group (as tweets_unseen_topics), claim match "
                       "out-of-fold as in the claims section; verdict of a matched claim from its other tweets")
    return report
