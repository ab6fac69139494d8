"""Why a post got its labels: the hoax-style cues and the words that pulled its linear scores towards them.

Every Sigap text model is linear over the shared features and the cue features, so a word's or a cue's pull on a
post's score is exactly its feature value times the model's weight for it. Only word and word-bigram columns are
reported: character n-grams such as ``ngat``, punctuation, the link and mention placeholders, ``rt`` and laughter
explain nothing to a reader. The words are in their normalised spelling (``gak`` is reported as ``tidak``). A batch's
explanations cost a few vectorised passes over its non-zero word features.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from streams.models.bundle import ModelBundle
from streams.models.content import NON_CONTENT_TOKENS
from streams.models.cues import FEATURE_NAMES as CUE_FEATURES
from streams.models.cues import fired_cues_batch

TERMS_PER_POST = 3


def _readable_token(token: str) -> bool:
    """Words and numbers are named; ``!``, ``?``, the link and mention placeholders (the cues ``exclaim``,
    ``question`` and ``url`` stand for them), ``rt`` and laughter are not: they say nothing about the content."""
    return token not in NON_CONTENT_TOKENS and (token.isalnum() or any(ch.isalnum() for ch in token))


class WordEntries(NamedTuple):
    """A batch's non-zero word features, one element per (row, column) entry."""

    rows: np.ndarray
    columns: np.ndarray
    values: np.ndarray


class Explainer:
    """Top cues and words of each post of a batch by their pull on the sentiment and hoax scores."""

    def __init__(self, words: dict[str, int], sentiment_coef: np.ndarray, hoax_short_weights: np.ndarray,
                 hoax_long_weights: np.ndarray, limit: int = TERMS_PER_POST) -> None:
        """``sentiment_coef``: ``[features, classes]``; the hoax weights: the calibrated post-model and
        article-model weights (Platt slope x coefficient) of the features, the cue features last."""
        self.n_words = len(words)
        self.limit = limit
        self._vocab = np.empty(self.n_words, dtype=object)
        self._vocab[list(words.values())] = list(words)
        readable = {}  # per token: the vocabulary's bigrams are pairs of its ~30k tokens
        self._readable = np.zeros(self.n_words, dtype=bool)
        for term, column in words.items():
            for token in term.split():
                ok = readable.get(token)
                if ok is None:
                    ok = readable[token] = _readable_token(token)
                if not ok:
                    break
            else:
                self._readable[column] = True
        # softmax is unchanged by a shift common to every class, so a word's pull towards a class is its weight
        # for that class minus its mean weight over all classes
        coef = np.asarray(sentiment_coef[: self.n_words], dtype=np.float64)
        self._sentiment = coef - coef.mean(axis=1, keepdims=True)
        self._hoax_short = np.asarray(hoax_short_weights, dtype=np.float64)
        self._hoax_long = np.asarray(hoax_long_weights, dtype=np.float64)
        self._cues_from = len(self._hoax_short) - len(CUE_FEATURES)  # words, character n-grams, then the cues

    @classmethod
    def from_bundle(cls, bundle: ModelBundle) -> Explainer:
        return cls(
            bundle.features.words,
            bundle.sentiment.coef,
            bundle.hoax_short.platt_a * bundle.hoax_short.coef[:, 0],
            bundle.hoax_long.platt_a * bundle.hoax_long.coef[:, 0],
        )

    def entries(self, x: sp.csr_matrix) -> WordEntries:
        """Compute once per batch; every explanation of the batch reads them."""
        rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
        words = x.indices < self.n_words
        words[words] = self._readable[x.indices[words]]
        return WordEntries(rows[words], x.indices[words], x.data[words].astype(np.float64))

    def sentiment_terms(self, entries: WordEntries, predicted: np.ndarray) -> list[list[str]]:
        """Per row, the words pulling most towards its predicted class (an index into the classes)."""
        rows, columns, values = entries
        return self._top_terms(entries, values * self._sentiment[columns, predicted[rows]], predicted.shape[0])

    def hoax_cues(self, cues: np.ndarray, gate: np.ndarray, is_hoax: np.ndarray) -> list[list[str]]:
        """Per row of a cue matrix, the cues found that pull towards its hoax label, strongest first."""
        n = self._cues_from
        weights = gate[:, None] * self._hoax_long[n:] + (1.0 - gate[:, None]) * self._hoax_short[n:]
        return fired_cues_batch(cues, np.where(is_hoax[:, None], weights, -weights))

    def hoax_terms(self, entries: WordEntries, gate: np.ndarray, is_hoax: np.ndarray) -> list[list[str]]:
        """Per row, the words pulling most towards its hoax label: up for "hoax", down for "valid". The post and
        article models' weights are mixed by the row's length gate (``length_gate``), as the probability is."""
        rows, columns, values = entries
        g = gate[rows]
        pull = values * (g * self._hoax_long[columns] + (1.0 - g) * self._hoax_short[columns])
        return self._top_terms(entries, np.where(is_hoax[rows], pull, -pull), is_hoax.shape[0])

    def _top_terms(self, entries: WordEntries, pull: np.ndarray, n_rows: int) -> list[list[str]]:
        """Up to ``limit`` terms per row with a positive pull, strongest first."""
        towards = pull > 0
        rows, columns, pull = entries.rows[towards], entries.columns[towards], pull[towards]
        if not rows.shape[0]:
            return [[] for _ in range(n_rows)]
        # one sort: by row, then by falling pull (pull / (max + margin) stays inside [0, 1))
        order = np.argsort(rows - pull / (pull.max() * 1.001), kind="stable")
        rows, columns = rows[order], columns[order]
        keep = (np.arange(rows.shape[0]) - np.searchsorted(rows, rows, side="left")) < self.limit
        out: list[list[str]] = [[] for _ in range(n_rows)]
        for row, term in zip(rows[keep].tolist(), self._vocab[columns[keep]].tolist(), strict=True):
            out[row].append(term)
        return out
