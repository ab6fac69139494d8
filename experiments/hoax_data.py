"""The texts, cues and labels ``sigap train`` builds its hoax models from, loaded once for an experiment script."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from streams.models import data as D
from streams.models.cues import cue_matrix
from streams.models.features import FeatureSpace
from streams.models.train import TrainConfig, fit_space, hoax_design, sentiment_texts, tweet_groups
from streams.text.normalize import normalize_batch


class HoaxData:
    """Normalised tweets and news articles with their chain-message cues, labels (1: hoax) and the tweets' topic
    groups; and the ordinary sentences every fold's feature space also reads (``train.sentiment_texts``, as in
    ``train_all``)."""

    def __init__(self, cfg: TrainConfig):
        smsa_tr, nusax_tr = D.load_rows("smsa_train"), D.load_rows("nusax_train")
        valid = {name: (normalize_batch(rows.texts), rows.labels) for name, rows in
                 (("smsa_valid", D.load_rows("smsa_valid")), ("nusax_valid", D.load_rows("nusax_valid")))}
        self.sentences = sentiment_texts(cfg, normalize_batch(smsa_tr.texts + nusax_tr.texts),
                                         smsa_tr.labels + nusax_tr.labels, valid).texts
        news, tweets = D.load_rows("hoax_news"), D.load_rows("hoax_tweets")
        self.tweets, self.news = normalize_batch(tweets.texts), normalize_batch(news.texts)
        self.cues_tweets, self.cues_news = cue_matrix(tweets.texts, self.tweets), cue_matrix(news.texts, self.news)
        self.y_tweets = np.array([int(label == "hoax") for label in tweets.labels])
        self.y_news = np.array([int(label == "hoax") for label in news.labels])
        self.groups = tweet_groups(tweets)

    def space(self, tweets: Sequence[int], news: Sequence[int]) -> FeatureSpace:
        """A fold's feature space, fitted as ``train_all`` fits it: the ordinary sentences, then the fold's training
        tweets and articles."""
        return fit_space(self.sentences + [self.tweets[i] for i in tweets] + [self.news[i] for i in news])

    def tweet_rows(self, space: FeatureSpace, which: np.ndarray) -> sp.csr_matrix:
        """The hoax models' rows (features and cues) of tweets ``which``."""
        return hoax_design(space, [self.tweets[i] for i in which], self.cues_tweets[which], 1.0)

    def news_rows(self, space: FeatureSpace, which: np.ndarray) -> sp.csr_matrix:
        """The hoax models' rows of articles ``which``."""
        return hoax_design(space, [self.news[i] for i in which], self.cues_news[which], 1.0)
