"""How the shipped hoax parameters put the probability together: the length gate between the post and article
models, and the evidence factor."""

from __future__ import annotations

import numpy as np
import pytest

from streams.models.bundle import ModelBundle, hoax_text_parts, length_gate
from streams.settings import get_settings


@pytest.fixture(scope="module")
def hp():
    return ModelBundle.load(get_settings().models_dir).hoax


def test_the_length_gate_gives_posts_to_the_post_model_and_articles_to_the_article_model(hp) -> None:
    lengths = np.array([80.0, 200.0, hp.gate_chars, 1_500.0, 5_000.0])
    gate = length_gate(hp, lengths)
    assert gate[0] < 0.01 and gate[2] == pytest.approx(0.5) and gate[-1] > 0.99
    assert np.all(np.diff(gate) > 0)
    # the post model says hoax, the article model says valid: each text follows the model of its length
    n = lengths.size
    p, _ = hoax_text_parts(hp, np.full(n, 4.0), np.full(n, -4.0), np.zeros(n), lengths)
    assert p[0] > 0.95 and p[-1] < 0.05 and p[2] == pytest.approx(0.5)


def test_the_evidence_factor_scales_texts_with_fewer_content_words_than_the_minimum(hp) -> None:
    assert hp.min_content_words > 0
    words = np.array([0.0, 1.0, hp.min_content_words, hp.min_content_words + 5])
    n = words.size
    _, factors = hoax_text_parts(hp, np.zeros(n), np.zeros(n), np.zeros(n), np.full(n, 100.0), words)
    assert factors["evidence"].tolist() == pytest.approx([0.0, 1 / hp.min_content_words, 1.0, 1.0])
