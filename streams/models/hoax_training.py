"""The hoax models: what they learn from (``HoaxCorpus``), one fit of all three (``fit_hoax_models``: post, article
and relevance model), and their out-of-fold evaluation and final fit (``train_hoax``): tweets in 5 folds grouped by
topic, news articles in 5 stratified folds, Platt slopes from those folds, then the final models on every row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from streams.models import data as D
from streams.models.bundle import HoaxParams, hoax_text_probability, without_text_factors
from streams.models.content import content_word_counts
from streams.models.cues import cue_matrix
from streams.models.features import FeatureSpace
from streams.models.fitting import TrainConfig, fit_lr, fit_post_model, fit_space, hoax_design
from streams.models.intervals import macro_f1_ci
from streams.models.linear import LinearModel, fit_platt
from streams.models.phatic import PHATIC_EVALUATION, phatic_posts
from streams.models.report import metrics
from streams.text.language import LanguageCheck
from streams.text.normalize import normalize_batch


@dataclass(frozen=True)
class HoaxCorpus:
    """The hoax models' training texts: tweets and news articles (raw and normalised, with their chain-message cues
    and labels, 1: hoax) and the tweets' topic groups; and the ordinary sentences (the sentiment training sentences,
    with their labels) that the feature space reads and the relevance model learns "ordinary" from, besides the
    same sentences dressed as posts and the composed chit-chat."""

    raw_tweets: list[str]
    tweets: list[str]
    cues_tweets: np.ndarray
    y_tweets: np.ndarray
    groups: np.ndarray
    raw_news: list[str]
    news: list[str]
    cues_news: np.ndarray
    y_news: np.ndarray
    sentences: list[str]
    sentence_labels: list[str]
    sentence_posts: list[str]  # the sentences dressed as posts (empty unless ``cfg.relevance_augment``)
    phatic: list[str]

    @classmethod
    def build(cls, cfg: TrainConfig, tweets: D.Rows, news: D.Rows, normalized_tweets: list[str],
              normalized_news: list[str], sentences: list[str], sentence_labels: list[str],
              raw_sentences: Sequence[str]) -> HoaxCorpus:
        """``sentences`` are normalised, ``raw_sentences`` the same sentences as written."""
        return cls(
            raw_tweets=tweets.texts, tweets=normalized_tweets,
            cues_tweets=cue_matrix(tweets.texts, normalized_tweets),
            y_tweets=np.array([int(label == "hoax") for label in tweets.labels]),
            groups=tweet_groups(tweets),
            raw_news=news.texts, news=normalized_news, cues_news=cue_matrix(news.texts, normalized_news),
            y_news=np.array([int(label == "hoax") for label in news.labels]),
            sentences=sentences, sentence_labels=sentence_labels,
            sentence_posts=normalize_batch(tweetify(raw_sentences, cfg.seed)) if cfg.relevance_augment else [],
            phatic=normalize_batch(phatic_posts(cfg.relevance_phatic, cfg.seed)) if cfg.relevance_phatic else [],
        )

    def space(self, tweets: Sequence[int], news: Sequence[int]) -> FeatureSpace:
        """A fold's feature space: the ordinary sentences, then the given tweets and articles."""
        return fit_space(self.sentences + [self.tweets[i] for i in tweets] + [self.news[i] for i in news])

    def tweet_rows(self, space: FeatureSpace, which: np.ndarray) -> sp.csr_matrix:
        """The hoax models' rows (features and cues) of tweets ``which``."""
        return hoax_design(space, [self.tweets[i] for i in which], self.cues_tweets[which], 1.0)

    def news_rows(self, space: FeatureSpace, which: np.ndarray) -> sp.csr_matrix:
        """The hoax models' rows of articles ``which``."""
        return hoax_design(space, [self.news[i] for i in which], self.cues_news[which], 1.0)


@dataclass(frozen=True)
class HoaxModels:
    """One fit of the three hoax models (scikit-learn estimators) on one feature space."""

    space: FeatureSpace
    short: Any  # the post model
    long: Any  # the article model
    relevance: Any  # ordinary (0) or discusses a claim (1)

    def decisions(self, normalized: Sequence[str], cues: np.ndarray) -> np.ndarray:
        """Per text: the post, article and relevance models' decision values."""
        x = hoax_design(self.space, normalized, cues, 1.0)
        return np.c_[self.short.decision_function(x), self.long.decision_function(x),
                     self.relevance.decision_function(x[:, : self.space.n_features])]


def fit_hoax_models(cfg: TrainConfig, corpus: HoaxCorpus, tweets: np.ndarray, news: np.ndarray,
                    sentences: np.ndarray, space: FeatureSpace | None = None) -> HoaxModels:
    """The post, article and relevance models trained on the given tweets, articles and ordinary sentences only, on
    ``space`` or (by default) a feature space fitted on what they learn from."""
    space = space if space is not None else corpus.space(tweets, news)
    x_tweets, x_news = corpus.tweet_rows(space, tweets), corpus.news_rows(space, news)
    n_feat = space.n_features
    short = fit_post_model(cfg, x_tweets, corpus.y_tweets[tweets], x_news, corpus.y_news[news], n_feat)
    long = fit_lr(cfg.hoax_long_c, cfg, x_news, corpus.y_news[news])
    x_relevance = sp.vstack([x_tweets[:, :n_feat], x_news[:, :n_feat],
                             space.transform([corpus.sentences[i] for i in sentences])])
    n_ordinary = len(sentences)
    if cfg.relevance_augment:
        x_relevance = sp.vstack([x_relevance, space.transform([corpus.sentence_posts[i] for i in sentences])])
        n_ordinary *= 2
    if corpus.phatic:
        x_relevance = sp.vstack([x_relevance, space.transform(corpus.phatic)])
        n_ordinary += len(corpus.phatic)
    y_relevance = np.r_[np.ones(len(tweets) + len(news), dtype=int), np.zeros(n_ordinary, dtype=int)]
    relevance = fit_lr(cfg.relevance_c, cfg, x_relevance, y_relevance)
    return HoaxModels(space, short, long, relevance)


@dataclass(frozen=True)
class OutOfFold:
    """The three models' out-of-fold decisions: tweets (folds grouped by topic), articles and their leads (stratified
    folds over articles)."""

    tweets: np.ndarray
    news: np.ndarray
    leads: np.ndarray


def out_of_fold(cfg: TrainConfig, corpus: HoaxCorpus, leads: Sequence[str], cues_leads: np.ndarray) -> OutOfFold:
    """Each fold's models learn from every row but the fold's; fold k of the ordinary sentences is left out with
    fold k of the tweets or articles."""
    from sklearn.model_selection import GroupKFold, StratifiedKFold

    folds = cfg.folds
    n_tweets, n_news = corpus.y_tweets.size, corpus.y_news.size
    sentence_folds = list(StratifiedKFold(folds, shuffle=True, random_state=cfg.seed)
                          .split(corpus.sentences, corpus.sentence_labels))
    oof_tweets = np.zeros((n_tweets, 3))
    for k, (tr, te) in enumerate(GroupKFold(folds).split(corpus.tweets, corpus.y_tweets, corpus.groups)):
        models = fit_hoax_models(cfg, corpus, tr, np.arange(n_news), sentence_folds[k][0])
        oof_tweets[te] = models.decisions([corpus.tweets[i] for i in te], corpus.cues_tweets[te])
    oof_news, oof_leads = np.zeros((n_news, 3)), np.zeros((n_news, 3))
    news_folds = StratifiedKFold(folds, shuffle=True, random_state=cfg.seed).split(corpus.news, corpus.y_news)
    for k, (tr, te) in enumerate(news_folds):
        models = fit_hoax_models(cfg, corpus, np.arange(n_tweets), tr, sentence_folds[k][0])
        oof_news[te] = models.decisions([corpus.news[i] for i in te], corpus.cues_news[te])
        oof_leads[te] = models.decisions([leads[i] for i in te], cues_leads[te])
    return OutOfFold(oof_tweets, oof_news, oof_leads)


@dataclass(frozen=True)
class OrdinaryPosts:
    """Texts that discuss no claim (SmSA valid, then NusaX valid), for the false-alarm figures."""

    raw: list[str]
    normalized: list[str]
    labels: list[str]  # their sentiment labels
    n_smsa: int


@dataclass(frozen=True)
class HoaxTraining:
    """The final hoax models (Platt slopes set), their parameters, the report and the tweets' out-of-fold hoax
    probabilities (with and without the text factors) that the claim-match figures build on."""

    short: LinearModel
    long: LinearModel
    relevance: LinearModel
    params: HoaxParams
    report: dict[str, Any]
    p_tweets: np.ndarray
    p_tweets_plain: np.ndarray
    oof: dict[str, Any] | None  # the raw decisions behind the figures, when ``cfg.keep_oof``


def train_hoax(cfg: TrainConfig, corpus: HoaxCorpus, space: FeatureSpace, stopwords: frozenset[str],
               ordinary: OrdinaryPosts) -> HoaxTraining:
    """Evaluate the hoax models out-of-fold, fit their Platt slopes, then fit the final models on every row and
    ``space`` and measure how often they flag ordinary posts and chit-chat."""
    lead_raw = [article_lead(t) for t in corpus.raw_news]
    norm_leads = normalize_batch(lead_raw)
    oof = out_of_fold(cfg, corpus, norm_leads, cue_matrix(lead_raw, norm_leads))
    y_tw, y_news = corpus.y_tweets, corpus.y_news
    hp = HoaxParams(relevance_floor=cfg.relevance_floor, min_content_words=cfg.min_content_words)
    # Platt scaling on each model's own domain's out-of-fold scores, with balanced class weights: the probability
    # is calibrated as if hoax and valid were equally likely a priori, so 0.5 is the decision threshold.
    # Only the slope is kept: the intercept stays at the balanced model's own boundary (decision 0 <-> p = 0.5),
    # which is the macro-F1-friendly threshold and does not depend on the evaluation folds' class balance.
    a_s, _ = fit_platt(oof.tweets[:, 0], y_tw, balanced=True)
    a_l, _ = fit_platt(oof.news[:, 1], y_news, balanced=True)
    b_s = b_l = 0.0

    def text_proba(dec: np.ndarray, texts: Sequence[str], readable: np.ndarray | None,
                   params: HoaxParams = hp) -> np.ndarray:
        lengths = np.array([len(t) for t in texts], dtype=np.float64)
        content = content_word_counts(texts, stopwords)
        return hoax_text_probability(
            params, a_s * dec[:, 0] + b_s, a_l * dec[:, 1] + b_l, dec[:, 2], lengths, content, readable
        )

    language = LanguageCheck(stopwords)  # posts in another language are not judged, as in the Scorer
    readable_tw = language.readable(corpus.raw_tweets, corpus.tweets)
    readable_news = language.readable(corpus.raw_news, corpus.news)
    p_tw = text_proba(oof.tweets, corpus.tweets, readable_tw)
    p_tw_plain = text_proba(oof.tweets, corpus.tweets, None, without_text_factors(hp))
    p_news = text_proba(oof.news, corpus.news, readable_news)
    p_leads = text_proba(oof.leads, norm_leads, language.readable(lead_raw, norm_leads))
    hl = D.HOAX_LABELS
    gold_tw, pred_tw = [hl[v] for v in y_tw], [hl[int(p >= hp.threshold)] for p in p_tw]
    gold_news, pred_news = [hl[v] for v in y_news], [hl[int(p >= hp.threshold)] for p in p_news]
    report = {
        "tweets_unseen_topics": metrics(gold_tw, pred_tw, hl)
        | {"groups": int(len(set(corpus.groups.tolist()))), "split": f"GroupKFold({cfg.folds}) by topic",
           "macro_f1_ci95": macro_f1_ci(gold_tw, pred_tw, hl, seed=cfg.seed, groups=corpus.groups)},
        "news_heldout": metrics(gold_news, pred_news, hl)
        | {"split": f"StratifiedKFold({cfg.folds}, shuffle, seed {cfg.seed})",
           "macro_f1_ci95": macro_f1_ci(gold_news, pred_news, hl, seed=cfg.seed)},
        # the first sentence of each article, as a headline-like post, scored out-of-fold with the article's label
        "news_leads": metrics([hl[v] for v in y_news], [hl[int(p >= hp.threshold)] for p in p_leads], hl)
        | {"valid_flagged_hoax": round(100 * float(np.mean(p_leads[y_news == 0] >= hp.threshold)), 2)},
        "brier_tweets": round(float(np.mean((p_tw - y_tw) ** 2)), 4),
        "platt": {"short": [round(a_s, 4), round(b_s, 4)], "long": [round(a_l, 4), round(b_l, 4)]},
    }

    final = fit_hoax_models(cfg, corpus, np.arange(y_tw.size), np.arange(y_news.size),
                            np.arange(len(corpus.sentences)), space=space)
    short, long = LinearModel.from_sklearn(final.short, hl), LinearModel.from_sklearn(final.long, hl)
    short.platt_a, short.platt_b = a_s, b_s
    long.platt_a, long.platt_b = a_l, b_l

    def final_scores(raw: list[str], normalized: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Texts scored by the final models: their decisions, hoax probabilities and language factors."""
        dec = final.decisions(normalized, cue_matrix(raw, normalized))
        readable = language.readable(raw, normalized)
        return dec, text_proba(dec, normalized, readable), readable

    # false alarms on ordinary posts (reviews, comments) scored by the final models
    dec_ord, p_ord, readable_ord = final_scores(ordinary.raw, ordinary.normalized)
    report["ordinary_posts_flagged_hoax"] = round(100 * float(np.mean(p_ord >= hp.threshold)), 2)
    flagged = p_ord[: ordinary.n_smsa] >= hp.threshold
    smsa_labels = np.array(ordinary.labels[: ordinary.n_smsa])
    report["ordinary_posts_flagged_hoax_smsa_valid_by_sentiment"] = {
        lab: round(100 * float(np.mean(flagged[smsa_labels == lab])), 2) for lab in D.SENTIMENT_LABELS
    }
    report["ordinary_posts_n"] = len(ordinary.normalized)
    # authored chit-chat worded apart from the relevance model's phatic rows
    _, p_ph, _ = final_scores(list(PHATIC_EVALUATION), normalize_batch(list(PHATIC_EVALUATION)))
    report["phatic_posts_flagged_hoax"] = round(100 * float(np.mean(p_ph >= hp.threshold)), 2)
    report["phatic_posts_n"] = len(PHATIC_EVALUATION)
    report["posts_in_other_language"] = {  # not judged for hoax (streams.text.language)
        name: int((readable == 0).sum()) for name, readable in
        (("tweets", readable_tw), ("news", readable_news), ("ordinary", readable_ord))
    }
    kept = None
    if cfg.keep_oof:
        kept = {"tweets": oof.tweets, "y_tweets": y_tw, "news": oof.news, "y_news": y_news, "ordinary": dec_ord,
                "ordinary_labels": ordinary.labels, "platt": (a_s, a_l),
                "len_tweets": [len(t) for t in corpus.tweets], "len_news": [len(t) for t in corpus.news],
                "len_ordinary": [len(t) for t in ordinary.normalized]}
    return HoaxTraining(short, long, LinearModel.from_sklearn(final.relevance, ("ordinary", "claim")), hp, report,
                        p_tw, p_tw_plain, kept)


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
