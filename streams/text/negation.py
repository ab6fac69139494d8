"""Negation scope for the sentiment model: the words a negator governs, marked as ``neg_<word>``.

Read from normalised text (``streams.text.normalize``), where every spelling of a negator is already one word
(``gak``, ``ga``, ``nggak``, ``tdk`` → ``tidak``). The sentiment model sees these terms as a block of their own
besides the shared features, so "tidak enak", "kurang enak" and "belum enak" share the evidence ``neg_enak``
(the shared word bigrams keep each negator apart). Chosen by 3-fold cross-validation on the training rows
(docs/models.md, "Sentiment").
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

NEGATORS = frozenset({"tidak", "bukan", "belum", "jangan", "tak", "kurang", "tanpa"})
# a contrast or the end of an exclamation or question ends a negation's scope ("tidak mahal tapi enak")
SCOPE_BREAKS = frozenset({"tapi", "tetapi", "namun", "padahal", "dan", "!", "?"})
PREFIX = "neg_"
DEFAULT_SCOPE = 3


def governed(words: Sequence[str], scope: int = DEFAULT_SCOPE) -> list[bool]:
    """For each word, whether a negator governs it: the ``scope`` words after a negator. A negator starts a new
    scope; a scope break ends one; negators and scope breaks are never governed themselves."""
    flags = []
    left = 0
    for word in words:
        if word in NEGATORS:
            left = scope
        elif word in SCOPE_BREAKS:
            left = 0
        elif left:
            left -= 1
            flags.append(True)
            continue
        flags.append(False)
    return flags


def negation_terms(normalized: str, scope: int = DEFAULT_SCOPE) -> str:
    """The words a negator governs (``governed``), prefixed ``neg_``, space-separated ("" when nothing is negated)."""
    words = normalized.split()
    if NEGATORS.isdisjoint(words):  # most texts
        return ""
    return " ".join(PREFIX + word for word, flag in zip(words, governed(words, scope)) if flag)


def negation_terms_batch(normalized: Sequence[str], scope: int = DEFAULT_SCOPE) -> list[str]:
    return [negation_terms(text, scope) for text in normalized]


def governed_mask(negator: np.ndarray, scope_break: np.ndarray, doc: np.ndarray,
                  scope: int = DEFAULT_SCOPE) -> np.ndarray:
    """``governed`` for a whole batch's tokens at once: per token (in text order; ``doc``: each token's text,
    ``negator`` / ``scope_break``: which tokens are), whether a negator governs it. It does when the last negator
    before it is in the same text, at most ``scope`` tokens back, with no scope break since."""
    pos = np.arange(negator.shape[0])
    last_negator = np.maximum.accumulate(np.where(negator, pos, -1))
    last_break = np.maximum.accumulate(np.where(scope_break, pos, -1))
    mask = ~negator & ~scope_break & (last_negator >= 0) & (last_break < last_negator) & (pos - last_negator <= scope)
    candidates = np.flatnonzero(mask)
    mask[candidates] = doc[last_negator[candidates]] == doc[candidates]
    return mask
