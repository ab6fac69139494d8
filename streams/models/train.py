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
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from streams.models import data as D
from streams.models.bundle import ModelBundle
from streams.models.claim_training import fit_claim_matching, hoax_with_claims_report
from streams.models.fitting import TrainConfig, fit_space
from streams.models.hoax_training import HoaxCorpus, OrdinaryPosts, train_hoax
from streams.models.report import baseline_report
from streams.models.reproduce import training_environment
from streams.models.sentiment_training import sentiment_texts, train_sentiment
from streams.text.normalize import normalize_batch

log = logging.getLogger(__name__)


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
    if cfg.quick:  # smoke-test mode: seeded subsets, 2 folds, no baseline
        smsa_tr = smsa_tr.subset(np.sort(rng.choice(len(smsa_tr), min(cfg.quick_rows, len(smsa_tr)), replace=False)))
        tweets = tweets.subset(np.sort(rng.choice(len(tweets), min(cfg.quick_rows, len(tweets)), replace=False)))
        cfg.folds = 2
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
    sent_texts, keep = sentiment_set.texts, sentiment_set.kept
    n_smsa_kept = int(np.sum(keep < len(smsa_tr)))
    log.info("sentiment training rows: %d (removed %d near-duplicates of the evaluation sentences)", len(keep),
             sentiment_set.removed)

    # ---- one shared feature space, fitted on every training text (never on evaluation sentences)
    space = fit_space(sent_texts + norm["news"] + norm["tweets"])
    log.info("feature space: %d words/bigrams + %d character n-grams", len(space.words), space.char_codes.size)

    report: dict[str, Any] = {"seed": cfg.seed}
    # ---- sentiment
    sentiment = train_sentiment(cfg, space, sentiment_set, n_smsa_kept)
    report["sentiment"] = sentiment.report

    # ---- hoax: the post, article and relevance models, evaluated out-of-fold, then fitted on every row
    sent_raw = smsa_tr.texts + nusax_tr.texts
    corpus = HoaxCorpus.build(cfg, tweets, news, norm["tweets"], norm["news"], sent_texts, sentiment_set.labels,
                              [sent_raw[i] for i in keep])
    ordinary = OrdinaryPosts(smsa_va.texts + nusax_va.texts, norm["smsa_va"] + norm["nusax_va"],
                             smsa_va.labels + nusax_va.labels, len(smsa_va))
    hoax = train_hoax(cfg, corpus, space, stopwords, ordinary)
    if hoax.oof is not None:  # experiments: the raw decisions behind the hoax figures
        report["_oof"] = hoax.oof
    report["hoax"] = hoax.report

    # ---- claim matching parameters and evaluation
    claim_params = {
        "threshold": 0.5, "alpha": 0.6, "claim_idf": True, "default_idf": float(space.idf[: len(space.words)].max()),
        "rank_shared_power": 0.5,
    }
    bundle = ModelBundle(
        features=space,
        sentiment=sentiment.model,
        hoax_short=hoax.short,
        hoax_long=hoax.long,
        relevance=hoax.relevance,
        hoax=hoax.params,
        stopwords=stopwords,
        claim_params=claim_params,
        negation=sentiment.negation,
        negation_scope=cfg.negation_scope,
    )
    ordinary_train = [sent_texts[i] for i in rng.choice(n_smsa_kept, min(3000, n_smsa_kept), replace=False)]
    accept_params, report["claims"], tweet_matches = fit_claim_matching(
        bundle, tweets, norm["tweets"], ordinary_train, ordinary.normalized, corpus.groups, cfg.folds,
        cfg.seed,
    )
    report["hoax"]["tweets_with_claim_match"] = hoax_with_claims_report(
        hoax.params, hoax.p_tweets, hoax.p_tweets_plain, corpus.y_tweets, tweet_matches
    )
    bundle.claim_params.update(accept_params)
    if not cfg.quick:
        report["baseline"] = baseline_report(
            smsa_tr, smsa_va, nusax_tr, nusax_va, news, tweets, corpus.groups, cfg, sent_keep=keep, n_smsa=len(smsa_tr)
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
