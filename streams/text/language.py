"""Which posts are written in a language the Indonesian models cannot read.

Sigap's models are trained on Indonesian; an English or Spanish post gives them no words they know, and the hoax
model's prior then reads it as a hoax ("Good morning everyone, have a nice day" scored 0.83). The language is
identified by py3langid (the langid.py naive-Bayes model over byte n-grams, 140 languages, loaded from a NumPy
archive, no pickle), but only for posts that could be in another language: three or more words and not one
Indonesian stop word among them. That gate keeps the identifier's ~20-60 µs off almost every Indonesian post
(it runs for about 2 % of SmSA sentences and 6 % of the hoax tweets).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from streams.text.canonical import canonical

# Malay and Javanese share most of their vocabulary with Indonesian (and the identifier confuses the three on
# Indonesian social-media text), so a post identified as one of them is still judged by the Indonesian models, as
# is Acehnese, the identifier's only other language of Indonesia: Sundanese, Minang or Batak posts come out as
# one of these or unsure. Regional-language posts are Indonesian conversation, and hoaxes circulate in them.
READABLE_LANGUAGES = frozenset({"id", "ms", "jv", "ace"})
MIN_WORDS = 3
MIN_PROBABILITY = 0.9
# The identifier reads this much of a post: the language is plain from its start, the cost stays bounded (2 ms for
# a 20,000-character post read whole) and its probability does not flatten with length (0.91 at 20,000
# characters of plain English, 0.997 at 1,000).
IDENTIFY_CHARS = 1000


@dataclass(frozen=True)
class OtherLanguage:
    code: str  # ISO 639-1, as py3langid names it
    probability: float

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "probability": round(self.probability, 4)}


class LanguageCheck:
    def __init__(
        self, stopwords: Iterable[str], min_words: int = MIN_WORDS, min_probability: float = MIN_PROBABILITY
    ) -> None:
        self._stopwords = frozenset(stopwords)
        self._min_words = min_words
        self._min_probability = min_probability
        self._identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)

    def might_be_other(self, normalized: str) -> bool:
        """The gate: enough words to tell, and none of them an Indonesian stop word (``normalized`` is the
        normaliser's output, so slang such as ``gak`` has already become ``tidak``)."""
        tokens = normalized.split()
        if not self._stopwords.isdisjoint(tokens):  # most Indonesian posts stop here
            return False
        return sum(1 for w in tokens if len(w) >= 2 and w.isascii() and w.isalpha()) >= self._min_words

    def detect(
        self, texts: Sequence[str], normalized: Sequence[str], has_stopword: Sequence[bool] | None = None
    ) -> list[OtherLanguage | None]:
        """For each post, the other language it is written in, or None when the Indonesian models can read it
        (or the identifier is not sure: below ``min_probability``). ``texts`` are the raw texts the identifier
        reads; ``normalized`` their normalised forms for the gate. ``has_stopword``: the posts already known to
        hold an Indonesian stop word (the gate's answer for them, found without splitting the texts again)."""
        found: list[OtherLanguage | None] = [None] * len(texts)
        for i, (text, norm) in enumerate(zip(texts, normalized)):
            if (has_stopword is not None and has_stopword[i]) or not self.might_be_other(norm):
                continue
            # fullwidth or "fancy font" letters are other bytes to the identifier: it reads the plain letters
            code, probability = self._identifier.classify(canonical(text[:IDENTIFY_CHARS]))
            if code not in READABLE_LANGUAGES and probability >= self._min_probability:
                found[i] = OtherLanguage(code, float(probability))
        return found

    def readable(self, texts: Sequence[str], normalized: Sequence[str]) -> np.ndarray:
        """1.0 for each post the Indonesian models can read, 0.0 for one in another language."""
        return readable_mask(self.detect(texts, normalized))


def readable_mask(found: Sequence[OtherLanguage | None]) -> np.ndarray:
    """``detect``'s answers as the hoax probability's language factor: 1.0 readable, 0.0 another language."""
    return np.array([other is None for other in found], dtype=np.float64)
