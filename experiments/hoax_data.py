"""The hoax models' training texts, loaded for an experiment script as ``sigap train`` builds them
(``hoax_training.HoaxCorpus``: its ``space``, ``tweet_rows`` and ``news_rows`` give a fold's feature space and rows)."""

from __future__ import annotations

from streams.models import data as D
from streams.models.fitting import TrainConfig
from streams.models.hoax_training import HoaxCorpus
from streams.models.sentiment_training import sentiment_texts
from streams.text.normalize import normalize_batch


def load_hoax_corpus(cfg: TrainConfig) -> HoaxCorpus:
    """The tweets, news articles and ordinary sentences of ``train_all``'s hoax models, from the repo's data."""
    smsa_tr, nusax_tr = D.load_rows("smsa_train"), D.load_rows("nusax_train")
    valid = {name: (normalize_batch(rows.texts), rows.labels) for name, rows in
             (("smsa_valid", D.load_rows("smsa_valid")), ("nusax_valid", D.load_rows("nusax_valid")))}
    chosen = sentiment_texts(cfg, normalize_batch(smsa_tr.texts + nusax_tr.texts), smsa_tr.labels + nusax_tr.labels,
                             valid)
    raw = smsa_tr.texts + nusax_tr.texts
    news, tweets = D.load_rows("hoax_news"), D.load_rows("hoax_tweets")
    return HoaxCorpus.build(cfg, tweets, news, normalize_batch(tweets.texts), normalize_batch(news.texts),
                            chosen.texts, chosen.labels, [raw[i] for i in chosen.kept])
