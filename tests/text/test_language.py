"""The language check: posts in a language the Indonesian models cannot read are found, Indonesian ones are not
sent to the identifier at all unless they could be another language."""

from __future__ import annotations

import pytest

from streams.models.data import load_stopwords
from streams.text import normalize_batch
from streams.text.language import LanguageCheck, OtherLanguage

OTHER = [
    ("Good morning everyone, have a nice day", "en"),
    ("The food was delicious and the service was great", "en"),
    ("Share this before it is deleted! Vaccines contain microchips", "en"),
    ("Buenos días a todos, qué tengan un buen día", "es"),
    ("Guten Morgen, wie geht es euch heute?", "de"),
]
READABLE = [
    "Selamat pagi semua, semoga harimu menyenangkan",
    "Vaksin covid mengandung chip pelacak",  # no stop word: the identifier reads it and says Indonesian
    "gak nyangka harga beras naik lagi",
    "Kerajaan Malaysia umumkan bantuan baharu untuk rakyat",  # Malay is readable
    "Sugeng enjing sedulur kabeh, mugi-mugi pinaringan sehat",  # Javanese: Indonesian conversation, judged
    "Wilujeng enjing sadayana, mugia sehat salawasna",  # Sundanese (unknown to the identifier): judged
    "ok",  # too short to tell
    "",
]


@pytest.fixture(scope="module")
def check() -> LanguageCheck:
    return LanguageCheck(load_stopwords())


def test_posts_in_other_languages_are_found(check: LanguageCheck) -> None:
    texts = [text for text, _ in OTHER]
    found = check.detect(texts, normalize_batch(texts))
    assert [f.code if f else None for f in found] == [code for _, code in OTHER]
    assert all(isinstance(f, OtherLanguage) and 0.9 <= f.probability <= 1.0 for f in found)
    assert check.readable(texts, normalize_batch(texts)).tolist() == [0.0] * len(OTHER)


def test_indonesian_and_related_posts_are_readable(check: LanguageCheck) -> None:
    assert check.detect(READABLE, normalize_batch(READABLE)) == [None] * len(READABLE)
    assert check.readable(READABLE, normalize_batch(READABLE)).tolist() == [1.0] * len(READABLE)


@pytest.fixture
def seen(check: LanguageCheck, monkeypatch) -> list[str]:
    """Every text the identifier is given, in order."""
    texts: list[str] = []
    identifier = check._identifier

    class Recording:
        def classify(self, text: str) -> tuple[str, float]:
            texts.append(text)
            return identifier.classify(text)

    monkeypatch.setattr(check, "_identifier", Recording())
    return texts


def test_the_gate_skips_posts_with_an_indonesian_stop_word(check: LanguageCheck, seen: list[str]) -> None:
    """A post with an Indonesian stop word never reaches the identifier (that is what keeps the check cheap);
    one with three words and none is read."""
    texts = ["harga beras naik lagi di pasar", "Vaksin covid mengandung chip", "Good morning everyone, have a nice day"]
    found = check.detect(texts, normalize_batch(texts))
    assert seen == ["Vaksin covid mengandung chip", "Good morning everyone, have a nice day"]
    assert [f.code if f else None for f in found] == [None, None, "en"]


def test_posts_already_known_to_hold_a_stop_word_are_not_read_again(check: LanguageCheck, seen: list[str]) -> None:
    """The Scorer finds stop words among the tokens its features read; a post it marks is taken as Indonesian,
    one it does not mark still goes through the gate."""
    texts = ["Good morning everyone, have a nice day", "Guten Morgen, wie geht es euch heute?", "harga beras naik di pasar"]
    found = check.detect(texts, normalize_batch(texts), has_stopword=[True, False, False])
    assert seen == ["Guten Morgen, wie geht es euch heute?"]
    assert [f.code if f else None for f in found] == [None, "de", None]


def test_an_unsure_identification_keeps_the_post_readable() -> None:
    sure = LanguageCheck(load_stopwords(), min_probability=1.01)  # nothing is ever that sure
    texts = ["Good morning everyone, have a nice day"]
    assert sure.detect(texts, normalize_batch(texts)) == [None]


def test_a_long_post_is_identified_from_its_start(check: LanguageCheck, seen: list[str]) -> None:
    long_english = "The government announced a new policy on fuel prices today, and markets reacted. " * 250
    (found,) = check.detect([long_english], normalize_batch([long_english]))
    assert found is not None and found.code == "en" and found.probability > 0.95
    assert [len(text) for text in seen] == [1000]


def test_a_post_in_fullwidth_or_fancy_font_letters_is_identified_by_its_plain_letters(check: LanguageCheck) -> None:
    """Before, the identifier read the fullwidth bytes: an English greeting was judged as Indonesian (hoax 0.82)."""
    plain = "Good morning everyone, have a nice day"
    styled = ["".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in plain),
              "".join(chr(0x1D5EE + ord(c) - 97) if "a" <= c <= "z" else c for c in plain)]
    found = check.detect(styled, normalize_batch(styled))
    assert [f.code if f else None for f in found] == ["en", "en"]
