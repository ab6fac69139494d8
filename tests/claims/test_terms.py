"""Matching terms: hedge words dropped, spelling variants merged, light stemming that makes verb forms meet."""

from __future__ import annotations

import pytest

from streams.claims.terms import match_term, stem


@pytest.mark.parametrize(
    ("forms", "term"),
    [
        (["menyebabkan", "sebabkan", "sebab"], "sebab"),
        (["menurunkan", "turunkan", "turun"], "turun"),
        (["memakai", "pakai"], "pakai"),
        (["corona", "korona", "covid19", "covid"], "covid"),
        (["vaksinasi", "vaksin"], "vaksin"),
        (["dihapus", "hapus"], "hapus"),
    ],
)
def test_forms_of_one_word_meet(forms: list[str], term: str) -> None:
    assert {match_term(form) for form in forms} == {term}


def test_hedge_words_never_identify_a_claim() -> None:
    assert [match_term(w) for w in ("dapat", "bisa", "katanya", "konon")] == [None] * 4


def test_short_words_are_left_alone() -> None:
    assert [stem(w) for w in ("makan", "dia", "beras", "minum")] == ["makan", "dia", "beras", "minum"]
