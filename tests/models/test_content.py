"""Content words: what the hoax model's evidence factor counts, read from texts or from a batch's feature tokens."""

from __future__ import annotations

from streams.models.codes import encode
from streams.models.content import ContentWordCounter, content_word_counts
from streams.models.features import FeatureSpace

STOPWORDS = ["yang", "dan", "di"]


def test_content_words_are_latin_words_that_can_carry_a_claim() -> None:
    texts = ["", "haha haha", "rt _user_ _url_", "yang dan di", "vaksin vaksin covid", "中文 測試", "a vaksin 3 kg"]
    assert content_word_counts(texts, STOPWORDS).tolist() == [0, 0, 0, 0, 2, 0, 2]


def test_counts_from_feature_tokens_equal_counts_from_texts() -> None:
    """Vocabulary tokens are judged once, others (``zzqx``, accented, upper-case) by their text, and a text past
    ``max_chars`` whole."""
    space = FeatureSpace.fit(["vaksin covid chip", "vaksin yang aman", "haha rt _url_", "covid di pasar"] * 2,
                             min_df_words=1, min_df_chars=1, max_chars=40)
    texts = ["vaksin vaksin covid zzqx zzqx", "", "haha rt _user_ yang", "kafé Vaksin chip 3 kg", "中文 測試",
             "pasar " * 10 + "vaksin covid chip baru", "zzqx covid"]
    counter = ContentWordCounter(space.word_table, STOPWORDS)
    _, tokens = space.transform_tokens(texts)
    assert (tokens.tid < 0).any() and tokens.cut == (5,)
    expected = content_word_counts(texts, STOPWORDS).tolist()
    assert counter.counts(texts, tokens).tolist() == expected == [3, 0, 0, 3, 0, 5, 2]
    assert counter.counts([], space.word_table.tokens(encode([]))).tolist() == []
