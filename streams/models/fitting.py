"""The recipe every ``sigap train`` model is fitted with: its settings (``TrainConfig``), the logistic regression, the
shared feature space and the hoax models' design rows (features, then chain-message cues)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from streams.models.cues import CUE_WEIGHT_FLOOR
from streams.models.cues import FEATURE_NAMES as CUE_NAMES
from streams.models.features import FeatureSpace
from streams.text.negation import DEFAULT_SCOPE

SEED = 20240601


@dataclass
class TrainConfig:
    """Every training setting; ``sigap train`` uses the defaults."""

    seed: int = SEED
    sentiment_c: float = 30.0  # chosen by 3-fold CV on the training rows: C 10 / 30 -> macro-F1 86.1 / 86.5
    # the sentiment model's negation block (streams.text.negation; 0 leaves it out), chosen by the same 3-fold CV:
    # without 86.42, scope 1 / 2 / 3 words at weight 0.3 -> 86.65 / 86.73 / 86.65, at 0.6 -> 86.88 / 86.82 / 86.89
    negation_weight: float = 0.6
    negation_scope: int = DEFAULT_SCOPE
    # composed public-service posts with a negation (streams.models.service_posts) per label, as extra sentiment rows
    # of this weight; chosen on NEGATION_DEV (600 / 0.3: macro-F1 70.2 -> 77.8, mean of 3 composer seeds)
    sentiment_service_posts: int = 600
    sentiment_service_weight: float = 0.3
    hoax_short_c: float = 3.0
    hoax_long_c: float = 3.0
    relevance_c: float = 3.0
    relevance_floor: float = 0.17
    # the relevance model also sees every ordinary sentence again dressed as a post (mentions, "RT", hashtags,
    # "!!", emoji, links): otherwise it learns "has social-media formatting" = "discusses a claim"
    relevance_augment: bool = True
    # authored chit-chat (greetings, wishes, prayers; streams.models.phatic) as extra "ordinary" relevance rows:
    relevance_phatic: int = 1000  # held-out chit-chat flagged hoax 74 -> 23 %, tweets 70.95 -> 70.73
    # posts with fewer distinct content words than this have their hoax probability scaled down (tweets on unseen
    # topics 71.22 -> 71.08, ordinary posts flagged 14.6 -> 13.6 %; empty, laughter-only and link-only posts
    # stop reading as hoaxes)
    min_content_words: float = 3.0
    # the post (short-text) hoax model also learns from the news articles, as rows of this weight; 0: tweets only
    # (with weight 1: tweets on unseen topics 71.2 -> 70.5; docs/models.md, "Hoax tweets", for weights in between)
    short_news_weight: float = 0.0
    folds: int = 5
    # logistic regression tolerance: tight, so that every fit ends at the optimum whatever path the CPU's rounding
    # takes there (1e-5 left the sentiment figure 0.12 apart between an AVX-512 and an AVX2 machine; ~4 min to train)
    tol: float = 1e-8
    keep_oof: bool = False  # experiments: return the out-of-fold decisions in the report (never written)
    quick: bool = False  # small seeded subsets, for tests
    quick_rows: int = 1500


def fit_lr(c: float, cfg: TrainConfig, x: sp.spmatrix, y: np.ndarray, sample_weight: np.ndarray | None = None):
    """A logistic regression (balanced classes) fitted in float64. The feature rows are float32 (what scoring uses);
    fitted on them, scikit-learn computes the gradients in float32, whose rounding depends on the CPU's vector width
    (AVX-512 or AVX2 sum in another order), and the figures moved by up to 0.3 points from one machine to another.
    In float64 the fit reaches the same optimum (the objective is strictly convex) whichever width the CPU has."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced", random_state=cfg.seed, tol=cfg.tol)
    return model.fit(x.astype(np.float64), y, sample_weight=sample_weight)


def apply_cue_floors(est, n_text_features: int) -> None:
    """Raise the weights of chain-message cues to their floors (see ``cues.CUE_WEIGHT_FLOOR``)."""
    for name, floor in CUE_WEIGHT_FLOOR.items():
        j = n_text_features + CUE_NAMES.index(name)
        est.coef_[0, j] = max(float(est.coef_[0, j]), floor)


def fit_post_model(cfg: TrainConfig, x_tweets: sp.spmatrix, y_tweets: np.ndarray, x_news: sp.spmatrix,
                   y_news: np.ndarray, n_text_features: int):
    """The post (short-text) hoax model: tweets, plus the news articles as rows of ``cfg.short_news_weight`` (none
    at 0), then the chain-message cue floors (the article model keeps what articles taught it)."""
    if cfg.short_news_weight > 0:
        weight = np.r_[np.ones(x_tweets.shape[0]), np.full(x_news.shape[0], cfg.short_news_weight)]
        model = fit_lr(cfg.hoax_short_c, cfg, sp.vstack([x_tweets, x_news]), np.r_[y_tweets, y_news], weight)
    else:
        model = fit_lr(cfg.hoax_short_c, cfg, x_tweets, y_tweets)
    apply_cue_floors(model, n_text_features)
    return model


def hoax_design(space: FeatureSpace, normalized: Sequence[str], cues: np.ndarray, cue_weight: float) -> sp.csr_matrix:
    """The hoax models' rows: the shared features, then the chain-message cues scaled by ``cue_weight``."""
    return sp.hstack([space.transform(normalized), sp.csr_matrix(cues * cue_weight)], format="csr")


def fit_space(texts: Sequence[str]) -> FeatureSpace:
    """The shared feature space (word 1-2-grams, character 3-4-grams) with its document frequencies over ``texts``.
    Character 2-grams were dropped: a third of every post's character keys, the same figures without them
    (docs/models.md, "Changes in the latest revision")."""
    return FeatureSpace.fit(texts, min_df_words=2, min_df_chars=3, char_ns=(3, 4), word_weight=1.0, char_weight=0.5)
