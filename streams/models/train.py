"""``sigap train``: seeded training of every model from the repo's ``data/`` folder, honest evaluation, artifacts.

Splits (see ``docs/models.md``):

* sentiment — trained on SmSA train + NusaX train, minus every training sentence that is a near-duplicate
  (character n-gram cosine ≥ 0.5) of a SmSA-valid or NusaX-valid sentence; evaluated on the official SmSA valid
  split and on NusaX valid. The shipped model is exactly the evaluated one.
* hoax tweets — 5-fold cross-validation grouped by topic (topics that share a claim are one group), so every
  score is on topics the model never saw; hoax news — stratified 5-fold cross-validation. The shipped models are
  refitted on all rows with the same settings.
* claim matching — every tweet against the starter claim set (right claim first and above the threshold), and
  SmSA/NusaX valid sentences (which discuss no claim) for the no-match rate.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from streams.models import data as D
from streams.models.bundle import (
    HoaxParams,
    ModelBundle,
    hoax_text_probability,
    sentiment_rows,
    without_text_factors,
)
from streams.models.claim_training import fit_claim_matching, hoax_with_claims_report
from streams.models.content import content_word_counts
from streams.models.cues import CUE_WEIGHT_FLOOR, cue_matrix
from streams.models.cues import FEATURE_NAMES as CUE_NAMES
from streams.models.features import FeatureSpace
from streams.models.intervals import macro_f1_ci
from streams.models.linear import LinearModel, fit_platt, fit_temperature
from streams.models.negation_probes import NEGATION_SETS
from streams.models.phatic import PHATIC_EVALUATION, phatic_posts
from streams.models.service_posts import service_posts
from streams.models.report import baseline_report, metrics
from streams.models.reproduce import training_environment
from streams.text.language import LanguageCheck
from streams.text.negation import DEFAULT_SCOPE, negation_terms_batch
from streams.text.normalize import normalize_batch

log = logging.getLogger(__name__)

SEED = 20240601
NEAR_DUP_THRESHOLD = 0.5


@dataclass
class TrainConfig:
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


# ------------------------------------------------------------------------------------------------------ helpers
def _fit_lr(c: float, cfg: TrainConfig, x: sp.spmatrix, y: np.ndarray, sample_weight: np.ndarray | None = None):
    """A logistic regression (balanced classes) fitted in float64. The feature rows are float32 (what scoring uses);
    fitted on them, scikit-learn computes the gradients in float32, whose rounding depends on the CPU's vector width
    (AVX-512 or AVX2 sum in another order), and the figures moved by up to 0.3 points from one machine to another.
    In float64 the fit reaches the same optimum (the objective is strictly convex) whichever width the CPU has."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced", random_state=cfg.seed, tol=cfg.tol)
    return model.fit(x.astype(np.float64), y, sample_weight=sample_weight)


def tweet_groups(rows: D.Rows) -> np.ndarray:
    """Group ids for grouped CV: topics (case-folded) joined when they share a (normalised) claim."""
    parent: dict[str, str] = {}

    def find(a: str) -> str:
        parent.setdefault(a, a)
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    assert rows.topics is not None and rows.claims is not None
    for t, c in zip(rows.topics, rows.claims):
        a, b = find("t:" + t), find("c:" + " ".join(c.lower().split()))
        if a != b:
            parent[a] = b
    roots = [find("t:" + t) for t in rows.topics]
    names = {r: i for i, r in enumerate(sorted(set(roots)))}
    return np.array([names[r] for r in roots])


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
        model = _fit_lr(cfg.hoax_short_c, cfg, sp.vstack([x_tweets, x_news]), np.r_[y_tweets, y_news], weight)
    else:
        model = _fit_lr(cfg.hoax_short_c, cfg, x_tweets, y_tweets)
    apply_cue_floors(model, n_text_features)
    return model


_EMOJI = ("😡", "😤", "😭", "🙏", "👍", "😂", "🎉", "👏", "😊", "🔥", "😢", "🇮🇩")


def tweetify(texts: Sequence[str], seed: int) -> list[str]:
    """Ordinary sentences dressed as social-media posts (seeded): a leading mention or retweet, ``!``/``?`` runs,
    a hashtag made of the sentence's own words, emoji, a link. Used as extra "ordinary" examples for the relevance
    model so that formatting alone does not make a post look like claim discussion."""
    import random

    rng = random.Random(seed)
    out = []
    for text in texts:
        words = [w for w in text.split() if w.isalpha() and len(w) >= 4]
        t = text
        r = rng.random()
        if r < 0.25:
            t = f"@{rng.choice(('info', 'warga', 'akun', 'cs', 'admin'))}_{rng.randrange(1000)} {t}"
        elif r < 0.35:
            t = f"RT @{rng.choice(('user', 'teman', 'kawan'))}{rng.randrange(1000)}: {t}"
        if rng.random() < 0.4:
            t = t.rstrip(" .") + rng.choice(("!", "!!", "!!!", "?", "??", "...", "!?"))
        if words and rng.random() < 0.4:
            tag = "".join(w.capitalize() for w in rng.sample(words, min(len(words), rng.randrange(1, 3))))
            t = f"{t} #{tag}"
        if rng.random() < 0.3:
            t = f"{t} {' '.join(rng.choice(_EMOJI) for _ in range(rng.randrange(1, 3)))}"
        if rng.random() < 0.1:
            t = f"{t} http://url"
        out.append(t)
    return out


def article_lead(text: str, limit: int = 200) -> str:
    """An article's first sentence (at most ``limit`` characters): what a post sharing it would say."""
    import re

    flat = " ".join(text.split())
    return re.split(r"(?<=[.!?])\s", flat, maxsplit=1)[0][:limit]


def hoax_design(space: FeatureSpace, normalized: Sequence[str], cues: np.ndarray, cue_weight: float) -> sp.csr_matrix:
    return sp.hstack([space.transform(normalized), sp.csr_matrix(cues * cue_weight)], format="csr")


def fit_space(texts: Sequence[str]) -> FeatureSpace:
    return FeatureSpace.fit(texts, min_df_words=2, min_df_chars=3, char_ns=(2, 3, 4), word_weight=1.0, char_weight=0.5)


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


# ------------------------------------------------------------------------------------------------------ training
def train_all(
    data_dir: Path | None = None,
    models_dir: Path | None = None,
    config: TrainConfig | None = None,
    write: bool = True,
) -> tuple[ModelBundle, dict[str, Any]]:
    """Train, evaluate and (if ``write``) save every model. Returns the bundle and the evaluation report."""
    cfg = replace(config) if config is not None else TrainConfig()  # a copy: quick mode adjusts it
    data_dir = Path(data_dir or D.default_data_dir())
    t_start = time.perf_counter()
    rng = np.random.default_rng(cfg.seed)

    smsa_tr, smsa_va = D.load_rows("smsa_train", data_dir), D.load_rows("smsa_valid", data_dir)
    nusax_tr, nusax_va = D.load_rows("nusax_train", data_dir), D.load_rows("nusax_valid", data_dir)
    news, tweets = D.load_rows("hoax_news", data_dir), D.load_rows("hoax_tweets", data_dir)
    if cfg.quick:  # smoke-test mode: seeded subsets, 3 folds, no baseline
        smsa_tr = smsa_tr.subset(np.sort(rng.choice(len(smsa_tr), min(cfg.quick_rows, len(smsa_tr)), replace=False)))
        tweets = tweets.subset(np.sort(rng.choice(len(tweets), min(cfg.quick_rows, len(tweets)), replace=False)))
        cfg.folds = 3
        cfg.tol = 1e-3
    stopwords = D.load_stopwords(data_dir)

    norm = {
        name: normalize_batch(rows.texts)
        for name, rows in (
            ("smsa_tr", smsa_tr), ("smsa_va", smsa_va), ("nusax_tr", nusax_tr), ("nusax_va", nusax_va),
            ("news", news), ("tweets", tweets),
        )
    }

    # ---- sentiment training set: SmSA train + NusaX train minus near-duplicates of either valid split
    sentiment_set = sentiment_texts(
        cfg, norm["smsa_tr"] + norm["nusax_tr"], smsa_tr.labels + nusax_tr.labels,
        {"smsa_valid": (norm["smsa_va"], smsa_va.labels), "nusax_valid": (norm["nusax_va"], nusax_va.labels)},
    )
    sent_texts, sent_labels, keep = sentiment_set.texts, sentiment_set.labels, sentiment_set.kept
    n_smsa_kept = int(np.sum(keep < len(smsa_tr)))
    log.info("sentiment training rows: %d (removed %d near-duplicates of the evaluation sentences)", len(keep),
             sentiment_set.removed)

    # ---- one shared feature space, fitted on every training text (never on evaluation sentences)
    space = fit_space(sent_texts + norm["news"] + norm["tweets"])
    log.info("feature space: %d words/bigrams + %d character n-grams", len(space.words), space.char_codes.size)

    report: dict[str, Any] = {"seed": cfg.seed}

    # ---- sentiment
    labels = D.SENTIMENT_LABELS
    y_sent = np.array([labels.index(l) for l in sent_labels])
    negation = None
    if cfg.negation_weight > 0:  # its vocabulary from the sentiment training sentences only
        negation = FeatureSpace.fit(negation_terms_batch(sent_texts, cfg.negation_scope), char_ns=(), bigrams=False,
                                    word_weight=cfg.negation_weight)
    near_negation = sentiment_set.near_negation
    x_sent = sentiment_rows(space, negation, cfg.negation_scope, sent_texts)[~near_negation]
    y_sent = y_sent[~near_negation]
    # composed rows join every fold's training (never its evaluation)
    composed = sentiment_set.composed
    x_composed = sentiment_rows(space, negation, cfg.negation_scope, [text for _, text in composed])
    y_composed = np.array([labels.index(label) for label, _ in composed], dtype=int)

    def fit_sentiment(rows: np.ndarray):
        weight = np.r_[np.ones(len(rows)), np.full(len(composed), cfg.sentiment_service_weight)]
        return _fit_lr(cfg.sentiment_c, cfg, sp.vstack([x_sent[rows], x_composed]), np.r_[y_sent[rows], y_composed],
                       weight)

    oof_logits = np.zeros((len(y_sent), 3))
    from sklearn.model_selection import GroupKFold, StratifiedKFold

    for tr, te in StratifiedKFold(3, shuffle=True, random_state=cfg.seed).split(x_sent, y_sent):
        oof_logits[te] = fit_sentiment(tr).decision_function(x_sent[te])
    est = fit_sentiment(np.arange(len(y_sent)))
    sentiment = LinearModel.from_sklearn(est, labels)
    sentiment = LinearModel(sentiment.coef, sentiment.intercept, labels, temperature=fit_temperature(oof_logits, y_sent))
    sent_eval = {}
    for name, (texts, gold) in sentiment_set.evaluation.items():
        proba = sentiment.predict_proba(sentiment_rows(space, negation, cfg.negation_scope, texts))
        pred = [labels[i] for i in proba.argmax(1)]
        sent_eval[name] = metrics(gold, pred, labels)
        sent_eval[name]["macro_f1_ci95"] = macro_f1_ci(gold, pred, labels, seed=cfg.seed)
        sent_eval[name]["ece"] = round(_ece(proba, np.array([labels.index(g) for g in gold])), 4)
        sent_eval[name]["right_by_label"] = {lab: sum(g == p == lab for g, p in zip(gold, pred)) for lab in labels}
        sent_eval[name]["n_by_label"] = {lab: list(gold).count(lab) for lab in labels}
    sent_eval["train_rows"] = len(y_sent)
    sent_eval["train_rows_smsa"] = n_smsa_kept
    sent_eval["removed_near_duplicates"] = sentiment_set.removed
    sent_eval["removed_near_negation_posts"] = int(near_negation.sum())
    sent_eval["service_posts"] = {"rows": len(composed), "weight": cfg.sentiment_service_weight,
                                  "removed_near_duplicates": sentiment_set.composed_removed}
    sent_eval["temperature"] = round(sentiment.temperature, 4)
    report["sentiment"] = sent_eval

    # ---- hoax: cues, grouped CV on tweets, stratified CV on news
    cues_news = cue_matrix(news.texts, norm["news"])
    cues_tw = cue_matrix(tweets.texts, norm["tweets"])
    lead_raw = [article_lead(t) for t in news.texts]
    norm_leads = normalize_batch(lead_raw)
    cues_leads = cue_matrix(lead_raw, norm_leads)
    sent_raw = smsa_tr.texts + nusax_tr.texts
    sent_posts = normalize_batch(tweetify([sent_raw[i] for i in keep], cfg.seed)) if cfg.relevance_augment else []
    phatic = normalize_batch(phatic_posts(cfg.relevance_phatic, cfg.seed)) if cfg.relevance_phatic else []
    y_news = np.array([int(l == "hoax") for l in news.labels])
    y_tw = np.array([int(l == "hoax") for l in tweets.labels])
    groups = tweet_groups(tweets)
    hp = HoaxParams(relevance_floor=cfg.relevance_floor, min_content_words=cfg.min_content_words)
    n_tw, n_news, n_sent = len(y_tw), len(y_news), len(sent_texts)

    def fit_hoax(tw_idx: np.ndarray, news_idx: np.ndarray, sent_idx: np.ndarray, space: FeatureSpace | None = None):
        """(space, short, long, relevance) trained on the given tweet / news / ordinary-sentence rows only."""
        tw_texts = [norm["tweets"][i] for i in tw_idx]
        news_texts = [norm["news"][i] for i in news_idx]
        fold_space = space or fit_space(sent_texts + tw_texts + news_texts)
        x_tw = hoax_design(fold_space, tw_texts, cues_tw[tw_idx], 1.0)
        x_news = hoax_design(fold_space, news_texts, cues_news[news_idx], 1.0)
        x_sent = fold_space.transform([sent_texts[i] for i in sent_idx])
        n_feat = fold_space.n_features
        m_short = fit_post_model(cfg, x_tw, y_tw[tw_idx], x_news, y_news[news_idx], n_feat)
        m_long = _fit_lr(cfg.hoax_long_c, cfg, x_news, y_news[news_idx])
        x_rel = sp.vstack([x_tw[:, :n_feat], x_news[:, :n_feat], x_sent])
        n_ord = len(sent_idx)
        if cfg.relevance_augment:
            x_rel = sp.vstack([x_rel, fold_space.transform([sent_posts[i] for i in sent_idx])])
            n_ord *= 2
        if phatic:
            x_rel = sp.vstack([x_rel, fold_space.transform(phatic)])
            n_ord += len(phatic)
        y_rel = np.r_[np.ones(len(tw_idx) + len(news_idx), dtype=int), np.zeros(n_ord, dtype=int)]
        m_rel = _fit_lr(cfg.relevance_c, cfg, x_rel, y_rel)
        return fold_space, m_short, m_long, m_rel

    def decisions(fsp, ms, ml, mr, texts, cues) -> np.ndarray:
        x = hoax_design(fsp, texts, cues, 1.0)
        return np.c_[ms.decision_function(x), ml.decision_function(x), mr.decision_function(x[:, : fsp.n_features])]

    folds = cfg.folds
    sent_folds = list(StratifiedKFold(folds, shuffle=True, random_state=cfg.seed).split(sent_texts, sent_labels))
    oof_tw = np.zeros((n_tw, 3))
    for k, (tr, te) in enumerate(GroupKFold(folds).split(norm["tweets"], y_tw, groups)):
        fsp, ms, ml, mr = fit_hoax(tr, np.arange(n_news), sent_folds[k][0])
        oof_tw[te] = decisions(fsp, ms, ml, mr, [norm["tweets"][i] for i in te], cues_tw[te])
    oof_news = np.zeros((n_news, 3))
    oof_leads = np.zeros((n_news, 3))
    for k, (tr, te) in enumerate(StratifiedKFold(folds, shuffle=True, random_state=cfg.seed).split(norm["news"], y_news)):
        fsp, ms, ml, mr = fit_hoax(np.arange(n_tw), tr, sent_folds[k][0])
        oof_news[te] = decisions(fsp, ms, ml, mr, [norm["news"][i] for i in te], cues_news[te])
        oof_leads[te] = decisions(fsp, ms, ml, mr, [norm_leads[i] for i in te], cues_leads[te])
    # Platt scaling on each model's own domain's out-of-fold scores, with balanced class weights: the probability
    # is calibrated as if hoax and valid were equally likely a priori, so 0.5 is the decision threshold.
    # Only the slope is kept: the intercept stays at the balanced model's own boundary (decision 0 <-> p = 0.5),
    # which is the macro-F1-friendly threshold and does not depend on the evaluation folds' class balance.
    a_s, _ = fit_platt(oof_tw[:, 0], y_tw, balanced=True)
    a_l, _ = fit_platt(oof_news[:, 1], y_news, balanced=True)
    b_s = b_l = 0.0

    def final_text_proba(
        dec: np.ndarray, texts: Sequence[str], readable: np.ndarray | None, params: HoaxParams = hp
    ) -> np.ndarray:
        lengths = np.array([len(t) for t in texts], dtype=np.float64)
        content = content_word_counts(texts, stopwords)
        return hoax_text_probability(
            params, a_s * dec[:, 0] + b_s, a_l * dec[:, 1] + b_l, dec[:, 2], lengths, content, readable
        )

    language = LanguageCheck(stopwords)  # posts in another language are not judged, as in the Scorer
    readable_tw = language.readable(tweets.texts, norm["tweets"])
    readable_news = language.readable(news.texts, norm["news"])
    p_tw = final_text_proba(oof_tw, norm["tweets"], readable_tw)
    p_tw_plain = final_text_proba(oof_tw, norm["tweets"], None, without_text_factors(hp))
    p_news = final_text_proba(oof_news, norm["news"], readable_news)
    p_leads = final_text_proba(oof_leads, norm_leads, language.readable(lead_raw, norm_leads))
    hl = D.HOAX_LABELS
    gold_tw, pred_tw = [hl[v] for v in y_tw], [hl[int(p >= hp.threshold)] for p in p_tw]
    gold_news, pred_news = [hl[v] for v in y_news], [hl[int(p >= hp.threshold)] for p in p_news]
    hoax_eval = {
        "tweets_unseen_topics": metrics(gold_tw, pred_tw, hl)
        | {"groups": int(len(set(groups.tolist()))), "split": f"GroupKFold({folds}) by topic",
           "macro_f1_ci95": macro_f1_ci(gold_tw, pred_tw, hl, seed=cfg.seed, groups=groups)},
        "news_heldout": metrics(gold_news, pred_news, hl)
        | {"split": f"StratifiedKFold({folds}, shuffle, seed {cfg.seed})",
           "macro_f1_ci95": macro_f1_ci(gold_news, pred_news, hl, seed=cfg.seed)},
        # the first sentence of each article, as a headline-like post, scored out-of-fold with the article's label
        "news_leads": metrics([hl[v] for v in y_news], [hl[int(p >= hp.threshold)] for p in p_leads], hl)
        | {"valid_flagged_hoax": round(100 * float(np.mean(p_leads[y_news == 0] >= hp.threshold)), 2)},
        "brier_tweets": round(float(np.mean((p_tw - y_tw) ** 2)), 4),
        "platt": {"short": [round(a_s, 4), round(b_s, 4)], "long": [round(a_l, 4), round(b_l, 4)]},
    }

    # ---- final hoax models on all rows
    _, m_short, m_long, m_rel = fit_hoax(np.arange(n_tw), np.arange(n_news), np.arange(n_sent), space=space)
    hoax_short = LinearModel.from_sklearn(m_short, hl)
    hoax_long = LinearModel.from_sklearn(m_long, hl)
    relevance = LinearModel.from_sklearn(m_rel, ("ordinary", "claim"))
    hoax_short.platt_a, hoax_short.platt_b = a_s, b_s
    hoax_long.platt_a, hoax_long.platt_b = a_l, b_l
    def final_models_scores(raw: list[str], normalized: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Texts scored by the final models: their decisions, hoax probabilities and language factors."""
        x = hoax_design(space, normalized, cue_matrix(raw, normalized), 1.0)
        dec = np.c_[m_short.decision_function(x), m_long.decision_function(x),
                    m_rel.decision_function(x[:, : space.n_features])]
        readable = language.readable(raw, normalized)
        return dec, final_text_proba(dec, normalized, readable), readable

    # false alarms on ordinary posts: SmSA/NusaX valid sentences (reviews, comments) scored by the final models
    ordinary = norm["smsa_va"] + norm["nusax_va"]
    dec_ord, p_ord, readable_ord = final_models_scores(smsa_va.texts + nusax_va.texts, ordinary)
    hoax_eval["ordinary_posts_flagged_hoax"] = round(100 * float(np.mean(p_ord >= hp.threshold)), 2)
    flagged = p_ord[: len(smsa_va)] >= hp.threshold
    hoax_eval["ordinary_posts_flagged_hoax_smsa_valid_by_sentiment"] = {
        lab: round(100 * float(np.mean(flagged[np.array(smsa_va.labels) == lab])), 2) for lab in labels
    }
    hoax_eval["ordinary_posts_n"] = len(ordinary)
    # authored chit-chat worded apart from the relevance model's phatic rows
    _, p_ph, _ = final_models_scores(list(PHATIC_EVALUATION), normalize_batch(list(PHATIC_EVALUATION)))
    hoax_eval["phatic_posts_flagged_hoax"] = round(100 * float(np.mean(p_ph >= hp.threshold)), 2)
    hoax_eval["phatic_posts_n"] = len(PHATIC_EVALUATION)
    hoax_eval["posts_in_other_language"] = {  # not judged for hoax (streams.text.language)
        name: int((readable == 0).sum()) for name, readable in
        (("tweets", readable_tw), ("news", readable_news), ("ordinary", readable_ord))
    }
    if cfg.keep_oof:  # experiments: the raw decisions behind the hoax figures
        report["_oof"] = {"tweets": oof_tw, "y_tweets": y_tw, "news": oof_news, "y_news": y_news, "ordinary": dec_ord,
                          "ordinary_labels": smsa_va.labels + nusax_va.labels, "platt": (a_s, a_l),
                          "len_tweets": [len(t) for t in norm["tweets"]], "len_news": [len(t) for t in norm["news"]],
                          "len_ordinary": [len(t) for t in ordinary]}
    report["hoax"] = hoax_eval

    # ---- claim matching parameters and evaluation
    claim_params = {
        "threshold": 0.5, "alpha": 0.6, "claim_idf": True, "default_idf": float(space.idf[: len(space.words)].max()),
        "rank_shared_power": 0.5,
    }
    bundle = ModelBundle(
        features=space,
        sentiment=sentiment,
        hoax_short=hoax_short,
        hoax_long=hoax_long,
        relevance=relevance,
        hoax=hp,
        stopwords=stopwords,
        claim_params=claim_params,
        negation=negation,
        negation_scope=cfg.negation_scope,
    )
    ordinary_train = [sent_texts[i] for i in rng.choice(n_smsa_kept, min(3000, n_smsa_kept), replace=False)]
    accept_params, report["claims"], tweet_matches = fit_claim_matching(
        bundle, tweets, norm["tweets"], ordinary_train, norm["smsa_va"] + norm["nusax_va"], groups, cfg.folds, cfg.seed
    )
    report["hoax"]["tweets_with_claim_match"] = hoax_with_claims_report(hp, p_tw, p_tw_plain, y_tw, tweet_matches)
    bundle.claim_params.update(accept_params)
    if not cfg.quick:
        report["baseline"] = baseline_report(
            smsa_tr, smsa_va, nusax_tr, nusax_va, news, tweets, groups, cfg, sent_keep=keep, n_smsa=len(smsa_tr)
        )
    report["seconds"] = round(time.perf_counter() - t_start, 1)
    if write:
        models_dir = Path(models_dir) if models_dir else _default_models_dir()
        manifest_extra = {
            "training_data_sha256": D.data_hash(data_dir),
            "seed": cfg.seed,
            "config": cfg.__dict__,
            "n_features": space.n_features,
            "training_environment": training_environment(),
        }
        # evaluation.json leaves out the wall time so a re-run writes byte-identical files; it carries the
        # versions too (second write: versions depend only on the model content)
        evaluation = {k: v for k, v in report.items() if k not in ("seconds", "_oof")}
        bundle.save(models_dir, manifest_extra, evaluation=evaluation | {"versions": {}})
        bundle.save(models_dir, manifest_extra, evaluation=evaluation | {"versions": bundle.versions})
        report["versions"] = bundle.versions
    return bundle, report


def _default_models_dir() -> Path:
    from streams.settings import get_settings

    return get_settings().models_dir


def _ece(proba: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    conf = proba.max(1)
    correct = proba.argmax(1) == y
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = (conf > lo) & (conf <= hi)
        if m.any():
            total += m.mean() * abs(correct[m].mean() - conf[m].mean())
    return float(total)
