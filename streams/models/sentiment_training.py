"""The sentiment model: which sentences it learns from (apart from every evaluation text), its fit with the negation
block and composed public-service posts, its temperature, and its figures on the evaluation sets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from streams.models import data as D
from streams.models.bundle import sentiment_rows
from streams.models.features import FeatureSpace
from streams.models.fitting import TrainConfig, fit_lr
from streams.models.intervals import macro_f1_ci
from streams.models.linear import LinearModel, fit_temperature
from streams.models.negation_probes import NEGATION_SETS
from streams.models.report import metrics
from streams.models.service_posts import service_posts
from streams.text.negation import negation_terms_batch
from streams.text.normalize import normalize_batch

NEAR_DUP_THRESHOLD = 0.5


@dataclass(frozen=True)
class SentimentTexts:
    """The sentiment model's normalised texts: what it trains on and what it is evaluated on."""

    texts: list[str]  # the training sentences minus near-duplicates of the valid splits (the feature space reads all)
    labels: list[str]
    kept: np.ndarray  # their indices among the training sentences given
    removed: int  # near-duplicates of the valid splits left out
    near_negation: np.ndarray  # per text: near a negation-set post, so left out of the sentiment rows (only)
    composed: list[tuple[str, str]]  # (label, normalised text): composed service posts near no evaluation text
    composed_removed: int
    evaluation: dict[str, tuple[list[str], list[str]]]  # name -> (texts, gold labels): the valid splits, then every
    # negation set


def sentiment_texts(
    cfg: TrainConfig,
    train_texts: Sequence[str],
    train_labels: Sequence[str],
    valid: dict[str, tuple[list[str], list[str]]],
    composer_seed: int | None = None,
) -> SentimentTexts:
    """Which normalised training sentences and composed posts the sentiment model learns from, apart from every
    evaluation text (``valid``: name -> (texts, labels), and the negation sets). One near-duplicate mask per kind of
    evaluation text, since the mask weighs n-grams by their IDF over the texts it is given. ``composer_seed``: the
    composed posts' seed (default: the training seed)."""
    valid_texts = [t for texts, _ in valid.values() for t in texts]
    dup = D.near_duplicate_mask(train_texts, valid_texts, NEAR_DUP_THRESHOLD)
    kept = np.flatnonzero(~dup)
    texts = [train_texts[i] for i in kept]
    # the posts with a negation are evaluation texts too: their neighbours leave the sentiment rows (only those: the
    # feature space and the hoax models, never scored on these posts, keep them)
    negation_sets = {
        name: (normalize_batch([text for _, text in posts]), [label for label, _ in posts])
        for name, (_, posts) in NEGATION_SETS.items()
    }
    negation_texts = [t for set_texts, _ in negation_sets.values() for t in set_texts]
    seed = cfg.seed if composer_seed is None else composer_seed
    posts = service_posts(cfg.sentiment_service_posts, seed) if cfg.sentiment_service_posts else []
    posts_texts = normalize_batch([text for _, text in posts])
    composed_dup = (D.near_duplicate_mask(posts_texts, valid_texts, NEAR_DUP_THRESHOLD)
                    | D.near_duplicate_mask(posts_texts, negation_texts, NEAR_DUP_THRESHOLD))
    return SentimentTexts(
        texts=texts,
        labels=[train_labels[i] for i in kept],
        kept=kept,
        removed=int(dup.sum()),
        near_negation=D.near_duplicate_mask(texts, negation_texts, NEAR_DUP_THRESHOLD),
        composed=[(posts[i][0], posts_texts[i]) for i in np.flatnonzero(~composed_dup)],
        composed_removed=int(composed_dup.sum()),
        evaluation={**valid, **negation_sets},
    )


@dataclass(frozen=True)
class SentimentTraining:
    """The fitted sentiment model, its negation block (None when ``cfg.negation_weight`` is 0) and its report."""

    model: LinearModel
    negation: FeatureSpace | None
    report: dict[str, Any]


def train_sentiment(cfg: TrainConfig, space: FeatureSpace, chosen: SentimentTexts, n_smsa: int) -> SentimentTraining:
    """Fit the sentiment model on ``chosen``'s training sentences (``n_smsa`` of them from SmSA) and composed posts;
    its temperature comes from 3-fold cross-validation on the training rows, its figures from ``chosen.evaluation``."""
    from sklearn.model_selection import StratifiedKFold

    labels = D.SENTIMENT_LABELS
    negation = None
    if cfg.negation_weight > 0:  # its vocabulary from the sentiment training sentences only
        negation = FeatureSpace.fit(negation_terms_batch(chosen.texts, cfg.negation_scope), char_ns=(), bigrams=False,
                                    word_weight=cfg.negation_weight)
    keep = ~chosen.near_negation
    x_sent = sentiment_rows(space, negation, cfg.negation_scope, chosen.texts)[keep]
    y_sent = np.array([labels.index(label) for label in chosen.labels])[keep]
    # composed rows join every fold's training (never its evaluation)
    composed = chosen.composed
    x_composed = sentiment_rows(space, negation, cfg.negation_scope, [text for _, text in composed])
    y_composed = np.array([labels.index(label) for label, _ in composed], dtype=int)

    def fit(rows: np.ndarray):
        weight = np.r_[np.ones(len(rows)), np.full(len(composed), cfg.sentiment_service_weight)]
        return fit_lr(cfg.sentiment_c, cfg, sp.vstack([x_sent[rows], x_composed]), np.r_[y_sent[rows], y_composed],
                      weight)

    oof_logits = np.zeros((len(y_sent), 3))
    for tr, te in StratifiedKFold(3, shuffle=True, random_state=cfg.seed).split(x_sent, y_sent):
        oof_logits[te] = fit(tr).decision_function(x_sent[te])
    fitted = LinearModel.from_sklearn(fit(np.arange(len(y_sent))), labels)
    model = LinearModel(fitted.coef, fitted.intercept, labels, temperature=fit_temperature(oof_logits, y_sent))
    report: dict[str, Any] = {}
    for name, (texts, gold) in chosen.evaluation.items():
        proba = model.predict_proba(sentiment_rows(space, negation, cfg.negation_scope, texts))
        pred = [labels[i] for i in proba.argmax(1)]
        report[name] = metrics(gold, pred, labels)
        report[name]["macro_f1_ci95"] = macro_f1_ci(gold, pred, labels, seed=cfg.seed)
        report[name]["ece"] = round(_ece(proba, np.array([labels.index(g) for g in gold])), 4)
        report[name]["right_by_label"] = {lab: sum(g == p == lab for g, p in zip(gold, pred)) for lab in labels}
        report[name]["n_by_label"] = {lab: list(gold).count(lab) for lab in labels}
    report["train_rows"] = len(y_sent)
    report["train_rows_smsa"] = n_smsa
    report["removed_near_duplicates"] = chosen.removed
    report["removed_near_negation_posts"] = int(chosen.near_negation.sum())
    report["service_posts"] = {"rows": len(composed), "weight": cfg.sentiment_service_weight,
                               "removed_near_duplicates": chosen.composed_removed}
    report["temperature"] = round(model.temperature, 4)
    return SentimentTraining(model, negation, report)


def _ece(proba: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error of the top class, over ``bins`` equal-width confidence bins."""
    conf = proba.max(1)
    correct = proba.argmax(1) == y
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = (conf > lo) & (conf <= hi)
        if m.any():
            total += m.mean() * abs(correct[m].mean() - conf[m].mean())
    return float(total)
