"""One spelling per letter, before anything reads a post.

A text can change its characters without changing how it reads: invisible characters between letters
(``da\\u200bun``), compatibility forms (fullwidth ``ｓｅｂａｒｋａｎ``, the "fancy font" letters ``𝗦𝗘𝗕𝗔𝗥𝗞𝗔𝗡`` of
social-media styling), combining underlines or strike-throughs (``d̲a̲u̲n̲``), and Cyrillic or Greek letters
that look Latin (``оbаt`` with a Cyrillic о and а). Coordinated accounts use exactly these to make copies of one
message look distinct, and a debunked hoax to slip past matching. ``canonical`` undoes them:

* NFKC (compatibility forms to their plain letters, accents composed, ``…`` to ``...``, a no-break space to a
  space);
* format characters removed (zero-width spaces and joiners, soft hyphens, bidi controls, variation selectors,
  tag characters);
* combining marks that compose with no letter removed (underlines, strike-throughs, zalgo stacks; an accent
  such as é, a letter of its own, stays: it marks Spanish or Vietnamese for the language check);
* in a word that also has a Latin letter, Cyrillic and Greek look-alikes replaced by their Latin letter (a
  wholly Cyrillic or Greek word is left as it is).

Plain ASCII, most posts, is returned at once. The normaliser, the hoax cues and the near-duplicate signatures
all read text through it, in training and in scoring alike.
"""

from __future__ import annotations

import re
import unicodedata

_FORMAT_RE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164"
    "\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\U000e0000-\U000e0fff]"
)
_COMBINING_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_LOOK_ALIKES = {
    # Cyrillic
    "а": "a", "е": "e", "і": "i", "ј": "j", "к": "k", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x",
    "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ь": "b",
    "А": "A", "В": "B", "Е": "E", "І": "I", "Ј": "J", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "Х": "X", "У": "Y", "Ѕ": "S",
    # Greek
    "α": "a", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # Latin letters outside ASCII that read as ASCII ones
    "ı": "i", "ȷ": "j", "ɡ": "g",
}
_LOOK_ALIKE_TABLE = str.maketrans(_LOOK_ALIKES)
_LOOK_ALIKE_RE = re.compile("[" + "".join(_LOOK_ALIKES) + "]")
_WORD_RE = re.compile(r"\w+")
_LATIN_RE = re.compile("[A-Za-z]")


def canonical(text: str) -> str:
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKC", text)
    text = _FORMAT_RE.sub("", text)
    # NFKC composed every accent that has a letter of its own (é, ñ: words of Spanish, French, Vietnamese, which
    # the language check must still see as such); a mark left over is styling or noise (u̲n̲d̲e̲r̲l̲i̲n̲e̲, zalgo)
    text = _COMBINING_RE.sub("", text)
    if _LOOK_ALIKE_RE.search(text):
        text = _WORD_RE.sub(_latin_if_mixed, text)
    return text


def without_accents(text: str) -> str:
    """``canonical``, and accents removed too (``pépáyá`` → ``pepaya``): for comparing texts with each other
    (near-duplicate signatures), where no language needs telling apart."""
    text = canonical(text)
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", _COMBINING_RE.sub("", unicodedata.normalize("NFD", text)))


def _latin_if_mixed(match: re.Match[str]) -> str:
    word = match.group()
    if _LATIN_RE.search(word) and _LOOK_ALIKE_RE.search(word):
        return word.translate(_LOOK_ALIKE_TABLE)
    return word
