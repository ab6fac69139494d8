"""Negation scope for the sentiment model: the words a negator governs, marked as ``neg_<word>``.

Read from normalised text (``streams.text.normalize``), where every spelling of a negator is already one word
(``gak``, ``ga``, ``nggak``, ``tdk`` → ``tidak``). The sentiment model sees these terms as a block of their own
besides the shared features, so "tidak enak", "kurang enak" and "belum enak" share the evidence ``neg_enak``
(the shared word bigrams keep each negator apart). Chosen by 3-fold cross-validation on the training rows
(docs/models.md, "Sentiment").
"""

from __future__ import annotations

from collections.abc import Sequence

NEGATORS = frozenset({"tidak", "bukan", "belum", "jangan", "tak", "kurang", "tanpa"})
# a contrast or the end of an exclamation or question ends a negation's scope ("tidak mahal tapi enak")
SCOPE_BREAKS = frozenset({"tapi", "tetapi", "namun", "padahal", "dan", "!", "?"})
PREFIX = "neg_"
DEFAULT_SCOPE = 3


def negation_terms(normalized: str, scope: int = DEFAULT_SCOPE) -> str:
    """The ``scope`` words after each negator, prefixed ``neg_``, space-separated ("" when nothing is negated).
    A negator starts a new scope; a scope break ends one."""
    words = normalized.split()
    if NEGATORS.isdisjoint(words):  # most texts
        return ""
    terms = []
    left = 0
    for word in words:
        if word in NEGATORS:
            left = scope
        elif word in SCOPE_BREAKS:
            left = 0
        elif left:
            terms.append(PREFIX + word)
            left -= 1
    return " ".join(terms)


def negation_terms_batch(normalized: Sequence[str], scope: int = DEFAULT_SCOPE) -> list[str]:
    return [negation_terms(text, scope) for text in normalized]
