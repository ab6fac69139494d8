"""Content words: the distinct words of a normalised text that can carry a claim (the hoax model's evidence
factor). Latin letters only, two or more, not a stop word, not laughter (the normaliser writes every
``wkwk``/``hahaha`` as ``haha``), ``rt`` or a placeholder."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from streams.models.codes import BatchTokens, WordTable, run_starts
from streams.text.normalize import SPECIAL_TOKENS

NON_CONTENT_TOKENS = SPECIAL_TOKENS | {"haha", "rt"}


def distinct_content_words(text: str, skip: frozenset[str]) -> int:
    """(For a single token: 1 if it is a content word, else 0.)"""
    return len({t for t in text.split() if len(t) >= 2 and t.isascii() and t.isalpha() and t not in skip})


def content_word_counts(normalized: Sequence[str], stopwords: Iterable[str]) -> np.ndarray:
    """The number of distinct content words of each normalised text."""
    skip = frozenset(stopwords) | NON_CONTENT_TOKENS
    return np.fromiter((distinct_content_words(text, skip) for text in normalized), dtype=np.float64,
                       count=len(normalized))


class ContentWordCounter:
    """``content_word_counts`` of a batch from the tokens a FeatureSpace read (``transform_tokens``): whether a
    vocabulary token is a content word is decided once, so a batch needs a string test only for tokens outside
    the vocabulary, and the texts the tokens hold only in part (``BatchTokens.cut``) are read whole."""

    def __init__(self, words: WordTable, stopwords: Iterable[str]) -> None:
        self._skip = frozenset(stopwords) | NON_CONTENT_TOKENS
        self._words = words
        # by token id; the last entry, read by id -1, is False
        self._content = np.array([distinct_content_words(t, self._skip) for t in words.token_ids] + [0], dtype=bool)

    def counts(self, normalized: Sequence[str], tokens: BatchTokens) -> np.ndarray:
        n = len(normalized)
        tid, doc = tokens.tid, tokens.doc
        hit = self._content[tid]
        key = np.sort(doc[hit] * (self._words.n_tokens + 1) + tid[hit])
        distinct = key[run_starts(key)]
        counts = np.bincount(distinct // (self._words.n_tokens + 1), minlength=n).astype(np.float64)
        others: dict[int, set[str]] = {}
        for i in np.flatnonzero(tid < 0).tolist():
            token = tokens.token(i)
            if distinct_content_words(token, self._skip):
                others.setdefault(int(doc[i]), set()).add(token)
        for d, words in others.items():
            counts[d] += len(words)
        for d in tokens.cut:
            counts[d] = distinct_content_words(normalized[d], self._skip)
        return counts
