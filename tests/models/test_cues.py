"""The hoax-style cues a post's raw text shows: shouting, capitalised words, runs of "!", and which cues a post is
said to show."""

from __future__ import annotations

import random
import re

import numpy as np

from streams.models.cues import FEATURE_NAMES, _caps_words, _codepoints, cue_matrix, fired_cues_batch
from streams.text.normalize import normalize_batch

SHOUTING = FEATURE_NAMES.index("shouting")
CAPS_WORDS = FEATURE_NAMES.index("caps_words")
EXCLAIM = FEATURE_NAMES.index("exclaim")


def cues(*raw: str) -> np.ndarray:
    return cue_matrix(list(raw), normalize_batch(list(raw)))


def test_shouting_is_the_share_of_capitals_from_twelve_letters_on_in_any_font() -> None:
    m = cues("AWAS VAKSIN BERBAHAYA SEKALI", "OK SIAP", "Awas Vaksin Berbahaya Sekali",
             "ＡＷＡＳ ＶＡＫＳＩＮ ＢＥＲＢＡＨＡＹＡ", "𝐀𝐖𝐀𝐒 𝐕𝐀𝐊𝐒𝐈𝐍 𝐁𝐄𝐑𝐁𝐀𝐇𝐀𝐘𝐀")
    assert np.allclose(m[:, SHOUTING], [1.0, 0.0, 0.16, 1.0, 1.0])  # "OK SIAP": too few letters to shout


def test_capitalised_words_count_from_three_letters() -> None:
    m = cues("INI PENTING ya OK", "OK ya", "AWAS VAKSIN BERBAHAYA SEKALI")
    assert np.allclose(m[:, CAPS_WORDS], np.log1p([2, 0, 4]))


def test_the_cues_a_post_is_said_to_show() -> None:
    m = cues("AWAS VAKSIN BERBAHAYA SEKALI", "awas! bahaya! sebarkan!", "awas!", "Awas Vaksin Berbahaya Sekali")
    assert np.allclose(m[:, EXCLAIM], np.log1p([0, 3, 1, 0]))
    assert fired_cues_batch(m) == [["urgency", "shouting"], ["exclaim", "spread_call", "urgency"], ["urgency"],
                                   ["urgency"]]  # one "!" is no run; a capital per word is no shouting
    # with weights, only the cues pulling towards hoax are named
    weights = np.zeros(len(FEATURE_NAMES))
    weights[SHOUTING] = 1.0
    assert fired_cues_batch(m, weights) == [["shouting"], [], [], []]


def test_capitalised_words_are_what_the_word_boundary_pattern_finds_in_any_script() -> None:
    """``_caps_words`` finds runs of capitals with array operations; it must start exactly where
    ``\\b[A-Z]{3,}\\b`` matches, next to digits, underscores, accented, Cyrillic, CJK and numeric characters."""
    pattern = re.compile(r"\b[A-Z]{3,}\b")
    pieces = [*"ABCDEFXYZ" * 3, *"abz09_ -.!\n", "É", "é", "Ж", "ж", "ǅ", "٣", "²", "½", "中", "\u200b", "ß", "Ⅻ"]
    rng = random.Random(3)
    texts = ["", "ABC", "ABC_", "ABCd", "1ABC", "ÉABC DEF", "ABC²", "ABC½ XYZ", "AB CD", "JOKOWI-PRABOWO",
             *("".join(rng.choice(pieces) for _ in range(rng.randint(1, 24))) for _ in range(3000))]
    for text in texts:
        cps = _codepoints(text)
        assert _caps_words(cps, (cps >= 65) & (cps <= 90)).tolist() == [m.start() for m in pattern.finditer(text)]
