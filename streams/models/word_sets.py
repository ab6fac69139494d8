"""Which tokens of a batch belong to a set of words, read from the token ids a FeatureSpace's ``WordTable`` gave
them (``BatchTokens``): an array look-up for the words of the vocabulary, and a string test only for the tokens
outside it that have the length of a word outside it. The per-post checks that would split every text again
(negators, stop words) become one gather per batch."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from streams.models.codes import BatchTokens, WordTable


class WordSet:
    def __init__(self, table: WordTable, words: Iterable[str]) -> None:
        words = frozenset(words)
        ids = [table.token_ids[w] for w in words if w in table.token_ids]
        # by token id; the last entry, read by id -1 (outside the vocabulary), is False
        self._in_vocabulary = np.zeros(table.n_tokens + 1, dtype=bool)
        self._in_vocabulary[ids] = True
        self._outside = frozenset(w for w in words if w not in table.token_ids)
        self._outside_lengths = np.array(sorted({len(w) for w in self._outside}), dtype=np.int64)

    def vocabulary_marks(self, tokens: BatchTokens) -> np.ndarray:
        """Per token: whether it is one of the set's words that the vocabulary holds (a word outside it: False)."""
        return self._in_vocabulary[tokens.tid]

    def marks(self, tokens: BatchTokens) -> np.ndarray:
        """Per token: whether it is one of the set's words."""
        marks = self._in_vocabulary[tokens.tid]
        if self._outside:
            length = tokens.ends - tokens.starts
            maybe = np.flatnonzero((tokens.tid < 0) & np.isin(length, self._outside_lengths))
            for i in maybe.tolist():
                if tokens.token(i) in self._outside:
                    marks[i] = True
        return marks

    def texts_with_any(self, tokens: BatchTokens, n_texts: int) -> np.ndarray:
        """Per text: whether one of its tokens is one of the set's words that the vocabulary holds (False does not
        rule out a word outside the vocabulary, or one past what a FeatureSpace read of a long text)."""
        return np.bincount(tokens.doc[self.vocabulary_marks(tokens)], minlength=n_texts) > 0
