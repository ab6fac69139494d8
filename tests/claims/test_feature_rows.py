"""The claim rows' FeatureSpace rows: each spelling transformed once, in a batch, at the first match needing it."""

from __future__ import annotations

import numpy as np
import pytest

from streams.claims.feature_rows import ClaimFeatureRows
from streams.models.bundle import ModelBundle
from streams.settings import get_settings
from streams.text.normalize import normalize_batch

CLAIMS = normalize_batch(["vaksin covid mengandung chip pelacak", "minum air hangat mencegah corona",
                          "subsidi gas 3 kg dihapus", "kod babi dalam vaksin"])


class CountingFeatures:
    """The shipped FeatureSpace, counting the texts it transforms."""

    def __init__(self, features) -> None:
        self._features = features
        self.transformed: list[str] = []

    def __getattr__(self, name):
        return getattr(self._features, name)

    def transform(self, texts):
        self.transformed.extend(texts)
        return self._features.transform(texts)


@pytest.fixture(scope="module")
def features():
    return ModelBundle.load(get_settings().models_dir).features


def expected_cosines(features, post: str, claim: str) -> tuple[float, float]:
    """The character-block and word-block cosines of two normalised texts, from their own feature rows."""
    prod = features.transform([post]).multiply(features.transform([claim]))
    n_words = len(features.words)
    char = float(prod[:, n_words:].sum()) / features.char_weight ** 2
    word = float(prod[:, :n_words].sum()) / features.word_weight ** 2
    return min(char, 1.0), min(word, 1.0)


def test_each_spelling_is_transformed_once_across_both_blocks(features) -> None:
    counting = CountingFeatures(features)
    rows = ClaimFeatureRows(counting)
    for claim in CLAIMS[:3]:
        rows.append(claim)
    posts = normalize_batch(["katanya vaksin covid ada chip", "kod babi di vaksinnya"])
    x = features.transform(posts)
    post, row = np.array([0, 0, 1]), np.array([0, 2, 1])
    rows.cosines(x, post, row, main_rows=2)  # rows 0-1 main, row 2 recent
    assert sorted(counting.transformed) == sorted(CLAIMS[:3]) and rows.transformed == 3
    rows.append(CLAIMS[3])  # an upsert: a new recent row
    char, word = rows.cosines(x, np.array([1, 1]), np.array([3, 0]), main_rows=2)
    assert counting.transformed[3:] == [CLAIMS[3]]  # only the new spelling
    for j, (p, r) in enumerate([(1, 3), (1, 0)]):
        assert np.allclose((char[j], word[j]), expected_cosines(features, posts[p], CLAIMS[r]), atol=1e-5)
    assert char[0] > char[1]  # "kod babi" shares far more character n-grams with its claim


def test_rows_kept_at_a_rebuild_keep_their_spellings_and_values(features) -> None:
    rows = ClaimFeatureRows(features)
    for claim in CLAIMS:
        rows.append(claim)
    posts = normalize_batch(["subsidi gas 3kg dicabut", "minum air hangat cegah corona"])
    x = features.transform(posts)
    rows.cosines(x, np.array([0]), np.array([0]), main_rows=4)
    rows.keep([1, 2])  # rows 0 and 3 deleted; the rebuilt index has two main rows
    assert len(rows) == 2 and [rows.spelling(0), rows.spelling(1)] == CLAIMS[1:3]
    char, word = rows.cosines(x, np.array([0, 1]), np.array([1, 0]), main_rows=2)
    for j, (p, claim) in enumerate([(0, CLAIMS[2]), (1, CLAIMS[1])]):
        assert np.allclose((char[j], word[j]), expected_cosines(features, posts[p], claim), atol=1e-5)


def test_spellings_transformed_in_chunks_give_the_same_cosines(features, monkeypatch) -> None:
    """Many spellings at once are transformed a chunk at a time (bounded working memory), and the block built from
    the chunks gives each pair the cosines of the spelling's own row."""
    import streams.claims.feature_rows as feature_rows

    monkeypatch.setattr(feature_rows, "TRANSFORM_CHUNK", 3)
    counting = CountingFeatures(features)
    rows = ClaimFeatureRows(counting)
    spellings = CLAIMS + normalize_batch(["vaksin mengandung babi", "gas melon langka", "air hangat obat covid"])
    for claim in spellings:
        rows.append(claim)
    posts = normalize_batch(["katanya vaksin covid ada chip", "gas 3 kg langka lagi"])
    x = features.transform(posts)
    post = np.array([0, 0, 1, 1, 0])
    row = np.array([0, 6, 2, 5, 4])
    char, word = rows.cosines(x, post, row, main_rows=len(spellings))
    assert sorted(counting.transformed) == sorted(spellings) and rows.transformed == len(spellings)
    for j, (p, r) in enumerate(zip(post.tolist(), row.tolist())):
        assert np.allclose((char[j], word[j]), expected_cosines(features, posts[p], spellings[r]), atol=1e-5)
    rows.keep([6, 2, 0])  # rows kept after a rebuild are still their own spellings' rows
    char, word = rows.cosines(x, np.array([0, 1, 0]), np.array([0, 1, 2]), main_rows=3)
    for j, (p, r) in enumerate([(0, 6), (1, 2), (0, 0)]):
        assert np.allclose((char[j], word[j]), expected_cosines(features, posts[p], spellings[r]), atol=1e-5)
