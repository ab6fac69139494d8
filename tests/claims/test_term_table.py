"""The claim index's term table: weights follow claim columns, and the table stays bounded under a stream of
new words without changing any match."""

from __future__ import annotations

import itertools
import string
from collections.abc import Iterator

import numpy as np
import pytest

from streams.claims.term_table import NOT_A_TERM, TermTable
from streams.models.bundle import ModelBundle
from streams.scoring import make_claim_index
from streams.settings import get_settings

CLAIMS = [
    {"id": "c1", "claim": "Vaksin covid mengandung chip pelacak", "verdict": "hoax"},
    {"id": "c2", "claim": "Minum air hangat mencegah corona", "verdict": "misleading"},
    {"id": "c3", "claim": "Pemerintah menghapus subsidi gas 3 kg", "verdict": "hoax"},
]
POST_STARTS = ["vaksin covid ada chip pelacak kata", "air hangat bisa cegah corona ya", "subsidi gas dihapus lagi",
               "cuaca hari ini cerah sekali", "pemerintah bilang vaksin aman"]


def test_weights_follow_the_claim_columns() -> None:
    columns = {"vaksin": 0}
    table = TermTable(lambda tok: None if tok == "yang" else tok, lambda term: 2.0, lambda term: columns.get(term, -1))
    assert [table.of_token(t) for t in ("vaksin", "chip", "yang", "vaksin")] == [0, 1, NOT_A_TERM, 0]
    factor = {"in a claim": 3.0}

    def factor_of(cols: np.ndarray) -> np.ndarray:
        return np.where(cols >= 0, factor["in a claim"], 1.0)

    assert table.weights(factor_of).tolist() == [6.0, 2.0]
    table.set_column("chip", 1)  # a claim now uses a word posts brought first
    assert table.columns().tolist() == [0, 1] and table.weights(factor_of).tolist() == [6.0, 6.0]
    factor["in a claim"] = 5.0
    assert table.weights(factor_of).tolist() == [6.0, 6.0]  # factors are cached until the index says otherwise
    table.factor_changed()
    assert table.weights(factor_of).tolist() == [10.0, 10.0]


def _new_words() -> Iterator[str]:
    return ("zq" + "".join(letters) for letters in itertools.product(string.ascii_lowercase, repeat=3))


@pytest.mark.parametrize("with_tokens", [True, False])
def test_a_stream_of_new_words_keeps_the_table_bounded_and_matches_unchanged(with_tokens: bool) -> None:
    bundle = ModelBundle.load(get_settings().models_dir)
    bounded, reference = make_claim_index(bundle), make_claim_index(bundle)
    for idx in (bounded, reference):
        idx.upsert_many(CLAIMS)
    bounded._term_table.term_limit = bounded._term_table.token_limit = 40
    words = _new_words()
    sizes = []
    for b in range(30):
        posts = [f"{POST_STARTS[(b + i) % len(POST_STARTS)]} {next(words)} {next(words)}" for i in range(10)]
        norm = bounded._normalizer.normalize_batch(posts)
        x, tokens = bundle.features.transform_tokens(norm) if with_tokens else (None, None)
        got = bounded.candidates(norm, x=x, tokens=tokens)
        want = reference.candidates(norm, x=x, tokens=tokens)
        for key in ("row", "sim", "second", "shared", "post_terms", "coverage", "cosine"):
            assert got[key].tolist() == want[key].tolist(), (b, key)
        matches = bounded.match_normalized(norm, x=x, tokens=tokens)
        assert matches == reference.match_normalized(norm, x=x, tokens=tokens)
        sizes.append(len(bounded._term_table))
    batch_terms = 10 * 9  # at most every token of a batch is a new term
    assert max(sizes) <= 40 + batch_terms
    assert bounded._term_table.compactions >= 5
    assert len(reference._term_table) > 600  # the reference kept every word: the stream did bring new ones
    assert {m.claim_id for m in bounded.match_normalized(norm, x=x, tokens=tokens) if m} >= {"c1", "c2", "c3"}


def test_many_tokens_at_once_get_the_ids_one_at_a_time_would_give() -> None:
    """New tokens of a batch are resolved together (repeats, stop words, spellings of one term, tokens already
    cached); the token cache is cleared before it would pass its limit."""
    def table() -> TermTable:
        return TermTable(lambda tok: None if tok == "yang" else tok.rstrip("2"), lambda term: float(len(term)),
                         lambda term: {"chip": 3}.get(term, -1), token_limit=6)

    toks = ["vaksin", "chip", "vaksin", "yang", "chip2", "kata", "vaksin", "baru", "lagi", "yang"]
    one_by_one, together = table(), table()
    expected = [one_by_one.of_token(t) for t in toks]
    assert expected == [0, 1, 0, NOT_A_TERM, 1, 2, 0, 3, 4, NOT_A_TERM]
    assert together.of_tokens(toks[:3]) == expected[:3]
    assert together.of_tokens(toks) == expected
    assert together.columns().tolist() == [-1, 3, -1, -1, -1]
    assert together.weights(lambda cols: np.ones(cols.shape[0])).tolist() == [6.0, 4.0, 4.0, 4.0, 4.0]
    assert len(together._tokens) <= 6
    assert together.of_tokens([f"kata{i}x" for i in range(9)]) == [5 + i for i in range(9)]
    assert len(together._tokens) == 9  # one batch's new tokens, after the cache was cleared for them
    assert together.of_token("kata3x") == 8 and together.of_token("vaksin") == 0  # (looked up again)
