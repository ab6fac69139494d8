"""One spelling per letter: the encodings that change a text's characters without changing how it reads are
undone, for the models, the claim match and the near-duplicate signatures alike."""

from __future__ import annotations

import pytest

from streams.issues.text import near_duplicate_bands
from streams.text.canonical import canonical, without_accents

PLAIN = "Jus daun pepaya ampuh untuk obat DBD, sebarkan sebelum dihapus!"


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def _math_bold(text: str) -> str:  # the "fancy font" of social-media styling
    return "".join(chr(0x1D5EE + ord(c) - 97) if "a" <= c <= "z" else chr(0x1D5D4 + ord(c) - 65) if "A" <= c <= "Z"
                   else c for c in text)


DISGUISED = {
    "zero-width spaces": PLAIN.replace("a", "a\u200b").replace(" ", " \u2060"),
    "soft hyphens and joiners": PLAIN.replace("pepaya", "pe\u00adpa\u200dya"),
    "Cyrillic look-alikes": PLAIN.replace("a", "а").replace("e", "е").replace("o", "о").replace("p", "р"),
    "Greek look-alikes": PLAIN.replace("o", "ο").replace("A", "Α"),
    "fullwidth": _fullwidth(PLAIN),
    "math bold": _math_bold(PLAIN),
    "combining underline": "".join(c + "\u0332" if c.isalpha() else c for c in PLAIN),
}


@pytest.mark.parametrize("name", DISGUISED)
def test_a_disguised_text_reads_as_the_plain_one(name):
    assert canonical(DISGUISED[name]) == PLAIN


def test_what_is_not_a_disguise_stays():
    assert canonical(PLAIN) is PLAIN  # plain ASCII, most posts: untouched, at once
    assert canonical("Привет мир, это тест") == "Привет мир, это тест"  # a wholly Cyrillic word is Russian
    assert canonical("Buenos días a todos 😊") == "Buenos días a todos 😊"  # an accent marks Spanish
    assert without_accents("pépáyá ampuh") == "pepaya ampuh"  # for comparing texts with each other
    assert canonical("harga naik 3…") == "harga naik 3..."


def test_copies_of_one_message_in_disguise_stay_near_duplicates():
    """Coordinated accounts vary the characters of a copied message; the signatures see one message."""
    message = "Bupati kita memang terbaik, jalan desa mulus dan pelayanan publik makin cepat #BupatiTerbaik"
    copies = [disguise(message) for disguise in (
        lambda t: t.replace("a", "a\u200d"), lambda t: t.replace("a", "а").replace("e", "е"), _fullwidth,
        lambda t: t.replace("a", "á").replace("e", "é"), lambda t: t.replace("a", "4").replace("e", "3"))]
    for copy in copies:
        assert near_duplicate_bands(copy) == near_duplicate_bands(message)
