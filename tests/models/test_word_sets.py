"""Which tokens of a batch belong to a word set, read from the feature tokens' ids (and by string outside the
vocabulary)."""

from __future__ import annotations

from streams.models.features import FeatureSpace
from streams.models.word_sets import WordSet

SPACE = FeatureSpace.fit(["tidak enak", "bukan main", "enak sekali dan murah"] * 2, min_df_words=1, min_df_chars=1,
                         max_chars=30)


def test_vocabulary_words_by_id_and_words_outside_it_by_string() -> None:
    words = WordSet(SPACE.word_table, ["tidak", "bukan", "tak", "ndak"])  # "tak", "ndak": outside the vocabulary
    texts = ["tidak enak", "tak enak", "enak tak", "takut ndak bukan", "", "taktik ndakk"]
    _, tokens = SPACE.transform_tokens(texts)
    marked = [tokens.token(i) for i in range(tokens.tid.size) if words.marks(tokens)[i]]
    assert marked == ["tidak", "tak", "tak", "ndak", "bukan"]
    in_vocabulary = [tokens.token(i) for i in range(tokens.tid.size) if words.vocabulary_marks(tokens)[i]]
    assert in_vocabulary == ["tidak", "bukan"]
    assert words.texts_with_any(tokens, len(texts)).tolist() == [True, False, False, True, False, False]


def test_a_set_without_words_outside_the_vocabulary_reads_no_string() -> None:
    words = WordSet(SPACE.word_table, ["dan"])
    _, tokens = SPACE.transform_tokens(["enak dan murah", "zzz dan"])

    class NoStrings(type(tokens)):
        def token(self, i: int) -> str:
            raise AssertionError("a token's string was read")

    tokens = NoStrings(tokens.enc, tokens.starts, tokens.ends, tokens.doc, tokens.tid, tokens.cut)
    assert words.marks(tokens).tolist() == [False, True, False, False, True]
