"""The negation terms of a batch read from its feature tokens are the ones ``negation_terms_batch`` reads from the
texts."""

from __future__ import annotations

from streams.models.features import FeatureSpace
from streams.models.negated import NegatedWords
from streams.text.negation import negation_terms_batch


def test_terms_from_feature_tokens_equal_terms_from_texts() -> None:
    """Negators and breaks inside and outside the vocabulary ("tak", "padahal" are not in it), a scope that would
    run into the next text, repeated negators, and a text past ``max_chars`` (read whole)."""
    space = FeatureSpace.fit(["tidak enak", "bukan main dan murah", "kurang asin tapi enak"] * 2, min_df_words=1,
                             min_df_chars=1, max_chars=40)
    texts = [
        "rasanya tidak enak", "sama sekali", "tak ramah padahal mahal", "tidak tidak enak ! murah", "",
        "kurang", "zzz tanpa qqq www eee rrr", "enak dan murah " * 3 + "tapi tidak ramah sama sekali",
        "bukan main dan belum enak",
    ]
    _, tokens = space.transform_tokens(texts)
    assert tokens.cut == (7,)
    for scope in (1, 3):
        expected = negation_terms_batch(texts, scope)
        assert NegatedWords(space.word_table, scope).terms(texts, tokens) == expected
    assert negation_terms_batch(texts, 3)[:3] == ["neg_enak", "", "neg_ramah"]
