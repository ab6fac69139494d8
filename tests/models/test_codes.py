"""Exact codes of a batch: character n-grams, tokens, and the tables that map them to columns."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from streams.models.codes import (
    MAX_N,
    WHITESPACE,
    CodeTable,
    WordTable,
    char_ngram_codes,
    decode_char_code,
    encode,
    sort_row_keys,
    token_bounds,
)

TEXTS = ["vaksin mengandung chip", "enak banget !", "", "a", "anak anak _url_ ?"]

# str.split() cuts on every Unicode space; long, accented, upper-case or emoji tokens have no exact code
AWKWARD = [
    "vaksin mengandung chip", "", "  vaksin  ", "a\tb\nc\x1cd\u3000e\u00a0f\x85g", "Vaksin MENGANDUNG chip",
    "pemerintahan pemerintahan mengecewakan", "abcdefghijk abcdefghijkl", "kafé ü 😡 rt", "chip", "vaksin",
    "mengandung chip vaksin", "!! ? _url_",
]


@pytest.mark.parametrize("ns", [(2, 3, 4), (3, 5), (1, 2)])
def test_char_ngrams_equal_scikit_learn_char_wb(ns: tuple[int, ...]) -> None:
    codes, docs = char_ngram_codes(TEXTS, ns)
    for d, text in enumerate(TEXTS):
        mine = sorted(decode_char_code(c) for c in codes[docs == d])
        if not text.strip():
            assert mine == []
            continue
        ref = CountVectorizer(analyzer="char_wb", ngram_range=(min(ns), max(ns)), lowercase=False)
        analyze = ref.build_analyzer()
        expected = sorted(g for g in analyze(text) if len(g) in ns and g.strip() != "")
        assert mine == expected


def test_hash_table_agrees_with_sorted_lookup() -> None:
    rng = np.random.default_rng(0)
    vocab = np.unique(rng.integers(0, 2**50, 5000))
    table = CodeTable(vocab)
    queries = np.concatenate([vocab[::3], rng.integers(0, 2**50, 2000)])
    pos = np.searchsorted(vocab, queries).clip(0, vocab.size - 1)
    expected = np.where(vocab[pos] == queries, pos, -1)
    np.testing.assert_array_equal(table.lookup(queries), expected)


@pytest.mark.parametrize(("n_rows", "dtype"), [(1, np.uint32), (7, np.int64), (8, np.uint32), (500, np.uint32),
                                               (500, np.int64), (70_000, np.int64)])
def test_row_keys_sort_as_one_global_sort_would(n_rows: int, dtype: type) -> None:
    rng = np.random.default_rng(n_rows)
    n_cols = 1_000
    rows = rng.integers(0, n_rows, 20 * n_rows)
    rows[: n_rows // 2] = n_rows - 1  # a crowded last row; some rows stay empty
    keys = (rows * n_cols + rng.integers(0, n_cols, rows.size)).astype(dtype)  # with duplicate keys
    got = sort_row_keys(keys.copy(), rows, n_rows)
    assert got.dtype == keys.dtype
    np.testing.assert_array_equal(got, np.sort(keys))


def test_whitespace_is_every_code_point_str_split_cuts_on() -> None:
    assert WHITESPACE.tolist() == [c for c in range(0x110000) if chr(c).isspace()]


def test_tokens_are_cut_as_str_split_cuts_them() -> None:
    enc = encode(AWKWARD)
    starts, ends = token_bounds(enc)
    tokens = [enc.text[s:e] for s, e in zip(starts.tolist(), ends.tolist())]
    assert tokens == [tok for text in AWKWARD for tok in text.split()]
    assert enc.doc[starts].tolist() == [d for d, text in enumerate(AWKWARD) for _ in text.split()]


def _dict_lookup(words: dict[str, int], texts: list[str]) -> list[tuple[int, int]]:
    """One dict look-up per unigram and per bigram within each text: the reference the table must equal."""
    found = []
    for d, text in enumerate(texts):
        toks = text.split()
        for gram in toks + [a + " " + b for a, b in zip(toks, toks[1:])]:
            if gram in words:
                found.append((d, words[gram]))
    return sorted(found)


def test_word_table_finds_exactly_the_grams_a_dict_finds() -> None:
    grams = ["vaksin", "chip", "mengandung chip", "vaksin mengandung", "pemerintahan", "pemerintahan pemerintahan",
             "abcdefghijk", "abcdefghijkl", "kafé", "Vaksin", "😡", "😡 rt", "_url_", "!!", "e f", "chip vaksin"]
    # "rt" and "mengandung" stand only inside bigrams, as when a frequent word was dropped by max_df
    words = {g: i for i, g in enumerate(grams)}
    assert len(max(grams, key=len)) > MAX_N
    table = WordTable(words)
    docs, columns = table.lookup(table.tokens(encode(AWKWARD)))
    mine = sorted(zip(docs.tolist(), columns.tolist()))
    expected = _dict_lookup(words, AWKWARD)
    assert mine == expected
    assert (4, words["Vaksin"]) in mine and (7, words["😡 rt"]) in mine and (5, words["pemerintahan pemerintahan"]) in mine
    # a bigram never spans two texts: "chip" ends text 8 and "vaksin" is text 9
    assert not any(c == words["chip vaksin"] and d in (8, 9) for d, c in mine)


def test_word_table_with_no_bigrams_and_with_an_empty_batch() -> None:
    table = WordTable({"neg_enak": 0, "neg_ramah": 1})
    docs, columns = table.lookup(table.tokens(encode(["neg_enak neg_ramah neg_enak", "", "neg_lain"])))
    assert sorted(zip(docs.tolist(), columns.tolist())) == [(0, 0), (0, 0), (0, 1)]
    docs, columns = table.lookup(table.tokens(encode([""])))
    assert docs.size == 0 and columns.size == 0


def test_an_empty_vocabulary_finds_nothing() -> None:
    """A feature space fitted on too few texts for any word to pass ``min_df`` has no words at all."""
    table = WordTable({})
    docs, columns = table.lookup(table.tokens(encode(["vaksin mengandung chip", ""])))
    assert docs.size == 0 and columns.size == 0
    assert encode([]).starts.size == 0
