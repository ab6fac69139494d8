"""The hoax-style cues a post's raw text shows: shouting, capitalised words, runs of "!", and which cues a post is
said to show."""

from __future__ import annotations

import numpy as np

from streams.models.cues import FEATURE_NAMES, cue_matrix, fired_cues_batch
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
