"""Negation scope for the sentiment model (streams.text.negation), read from normalised text."""

from __future__ import annotations

import random

import numpy as np

from streams.text.negation import (
    NEGATORS,
    SCOPE_BREAKS,
    governed,
    governed_mask,
    negation_terms,
    negation_terms_batch,
)
from streams.text.normalize import normalize_batch


def test_the_words_a_negator_governs_are_marked() -> None:
    assert negation_terms("makanannya tidak enak sama sekali") == "neg_enak neg_sama neg_sekali"
    assert negation_terms("makanannya tidak enak sama sekali", scope=1) == "neg_enak"


def test_every_negator_gives_the_same_terms() -> None:
    marked = {negation_terms(f"rasanya {negator} enak", scope=1) for negator in ("tidak", "kurang", "belum", "bukan")}
    assert marked == {"neg_enak"}


def test_a_contrast_or_an_exclamation_ends_the_scope_and_a_negator_starts_a_new_one() -> None:
    assert negation_terms("tidak mahal tapi enak") == "neg_mahal"
    assert negation_terms("tidak ramah ! pelayanan cepat") == "neg_ramah"
    assert negation_terms("tidak enak tidak ramah pula") == "neg_enak neg_ramah neg_pula"


def test_nothing_negated_gives_no_terms() -> None:
    assert negation_terms("pelayanannya ramah dan cepat") == ""
    assert negation_terms("") == ""
    assert negation_terms("tidak") == ""


def test_slang_negators_are_read_after_normalisation() -> None:
    normalized = normalize_batch(["gak enak bgt", "ga ramah", "nggak bagus"])
    assert negation_terms_batch(normalized, scope=1) == ["neg_enak", "neg_ramah", "neg_bagus"]


def test_governed_flags_each_word_a_negator_governs() -> None:
    words = "air tidak keruh lagi tapi bau tanpa henti".split()
    assert governed(words, scope=2) == [False, False, True, True, False, False, False, True]
    assert governed(words, scope=1) == [False, False, True, False, False, False, False, True]
    assert governed([], scope=3) == []


def test_the_batch_mask_flags_what_governed_flags_text_by_text() -> None:
    rng = random.Random(9)
    vocabulary = ["enak", "murah", "tidak", "tak", "tapi", "!", "dan", "sekali", "kurang"]
    texts = [[rng.choice(vocabulary) for _ in range(rng.randint(0, 12))] for _ in range(400)]
    words = [w for text in texts for w in text]
    doc = np.repeat(np.arange(len(texts)), [len(text) for text in texts])
    for scope in (0, 1, 3):
        mask = governed_mask(np.array([w in NEGATORS for w in words], dtype=bool),
                             np.array([w in SCOPE_BREAKS for w in words], dtype=bool), doc, scope)
        assert mask.tolist() == [flag for text in texts for flag in governed(text, scope)]
