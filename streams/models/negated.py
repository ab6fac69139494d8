"""The sentiment model's negation terms (``streams.text.negation``) of a batch, from the tokens a FeatureSpace read
(``transform_tokens``): negators and scope breaks are found by token id and the words they govern in one pass over
the batch, so only the posts with a negator cost string work; the texts the tokens hold only in part
(``BatchTokens.cut``) are read whole. The same terms as ``negation_terms_batch``."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from streams.models.codes import BatchTokens, WordTable
from streams.models.word_sets import WordSet
from streams.text.negation import NEGATORS, PREFIX, SCOPE_BREAKS, governed_mask, negation_terms


class NegatedWords:
    def __init__(self, words: WordTable, scope: int) -> None:
        self._negators = WordSet(words, NEGATORS)
        self._breaks = WordSet(words, SCOPE_BREAKS)
        self._scope = scope

    def terms(self, normalized: Sequence[str], tokens: BatchTokens) -> list[str]:
        out = [""] * len(normalized)
        negator = self._negators.marks(tokens)
        if negator.any():
            governed = np.flatnonzero(governed_mask(negator, self._breaks.marks(tokens), tokens.doc, self._scope))
            words: dict[int, list[str]] = {}
            for i, d in zip(governed.tolist(), tokens.doc[governed].tolist()):
                words.setdefault(d, []).append(PREFIX + tokens.token(i))
            for d, terms in words.items():
                out[d] = " ".join(terms)
        for d in tokens.cut:
            out[d] = negation_terms(normalized[d], self._scope)
        return out
