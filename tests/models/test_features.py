"""Feature rows: normalised blocks, key widths, word-only spaces; chain-message cues."""

from __future__ import annotations

import numpy as np
import pytest

from streams.models.cues import FEATURE_NAMES, cue_matrix
from streams.models.features import FeatureSpace

TEXTS = ["vaksin mengandung chip", "enak banget !", "", "a", "anak anak _url_ ?"]


@pytest.mark.parametrize("ns", [(2, 3, 4), (3, 5)])  # direct-address and hash-table paths
def test_transform_blocks_are_unit_norm_and_deterministic(ns: tuple[int, ...]) -> None:
    corpus = ["vaksin mengandung chip magnet", "makanan enak banget", "pelayanan buruk sekali", "vaksin aman"] * 3
    space = FeatureSpace.fit(corpus, min_df_words=1, min_df_chars=1, char_ns=ns)
    x = space.transform(TEXTS)
    assert x.shape == (len(TEXTS), space.n_features)
    n_words = len(space.words)
    for i in range(len(TEXTS)):
        row = x.getrow(i)
        w = row.data[row.indices < n_words]
        c = row.data[row.indices >= n_words]
        for block in (w, c):
            if block.size:
                assert np.isclose(np.sqrt((block**2).sum()), 1.0, atol=1e-5)
    assert x.getrow(2).nnz == 0  # empty text -> empty row
    assert (space.transform(TEXTS) != x).nnz == 0
    assert space.feature_name(space.words["vaksin"]) == "vaksin"


def test_rows_are_the_same_whether_the_keys_are_sorted_as_32_or_64_bit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch whose (row, column) keys do not fit 32 bits (~46,000 posts with the shipped features) takes the
    64-bit path."""
    import streams.models.features as features

    corpus = ["vaksin mengandung chip magnet", "makanan enak banget", "pelayanan buruk sekali", "vaksin aman"] * 3
    space = FeatureSpace.fit(corpus, min_df_words=1, min_df_chars=1)
    small = space.transform(TEXTS + corpus)
    monkeypatch.setattr(features, "SMALL_KEYS_MAX", 0)
    wide = space.transform(TEXTS + corpus)
    for a, b in ((small.indptr, wide.indptr), (small.indices, wide.indices), (small.data, wide.data)):
        assert a.dtype == b.dtype and np.array_equal(a, b)


def test_a_word_only_space_has_no_character_block_and_survives_saving() -> None:
    """The sentiment model's negation block is such a space (``char_ns=()``, no bigrams)."""
    corpus = ["neg_enak", "neg_enak neg_ramah", "", "neg_ramah", "neg_murah"] * 2
    space = FeatureSpace.fit(corpus, char_ns=(), bigrams=False, word_weight=0.6)
    assert space.char_codes.size == 0 and sorted(space.words) == ["neg_enak", "neg_murah", "neg_ramah"]
    x = space.transform(["neg_enak neg_ramah", "", "neg_lain"])
    assert x.shape == (3, 3) and x.getrow(1).nnz == 0 and x.getrow(2).nnz == 0
    assert np.isclose(np.sqrt((x.getrow(0).data ** 2).sum()), 0.6, atol=1e-6)  # unit norm, weighted
    arrays, meta = space.to_arrays("negation.")
    again = FeatureSpace.from_arrays(arrays, meta, "negation.")
    assert (again.transform(["neg_enak neg_ramah"]) != x[0]).nnz == 0


def test_cues_fire_on_chain_message_patterns() -> None:
    raw = ["SEBARKAN sebelum dihapus!!! Info dari grup sebelah", "Makanannya enak, pelayanan ramah", ""]
    from streams.text import normalize_batch

    cues = cue_matrix(raw, normalize_batch(raw))
    names = dict(zip(FEATURE_NAMES, cues[0]))
    assert names["spread_call"] == 1 and names["before_deleted"] == 1 and names["hidden_authority"] == 1
    assert names["exclaim"] > 0 and names["caps_words"] > 0
    assert cues[1, : FEATURE_NAMES.index("shouting")].sum() == 0
    assert not cues[2].any()


def test_rows_are_the_same_whichever_way_the_keys_are_sorted(monkeypatch: pytest.MonkeyPatch) -> None:
    """The row-by-row sort or the one global sort: the machine's timing picks one (``row_sort_pays``)."""
    import streams.models.codes as codes

    corpus = ["vaksin mengandung chip magnet", "makanan enak banget", "pelayanan buruk sekali", "vaksin aman"] * 3
    space = FeatureSpace.fit(corpus, min_df_words=1, min_df_chars=1)
    texts = (TEXTS + corpus) * 2
    rows = []
    for by_row in (True, False):
        monkeypatch.setattr(codes, "_row_sort_is_faster", lambda by_row=by_row: by_row)
        rows.append(space.transform(texts))
    for a, b in zip((rows[0].indptr, rows[0].indices, rows[0].data), (rows[1].indptr, rows[1].indices, rows[1].data)):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    assert isinstance(codes.row_sort_pays(500), bool) and codes.row_sort_pays(1) is False


def test_term_frequencies_past_the_log_table_are_still_exact() -> None:
    space = FeatureSpace.fit(["vaksin aman", "vaksin"], min_df_words=1, min_df_chars=1, max_chars=20)
    counts = np.array([0, 1, 7, 5000])
    assert np.array_equal(space._log1p(counts), np.log1p(counts.astype(np.float32)))
    assert space._log1p(counts).dtype == np.float32
