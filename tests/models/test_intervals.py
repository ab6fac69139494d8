"""Bootstrap intervals: they contain the figure, shrink with more data, and widen when items come in groups."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import f1_score

from streams.models.intervals import interval, resample_weights, weighted_macro_f1, weighted_share


def test_unit_weights_give_scikit_learns_macro_f1():
    rng = np.random.default_rng(0)
    labels = ["negative", "neutral", "positive"]
    y_true = list(rng.choice(labels, 300))
    y_pred = [t if rng.random() < 0.7 else rng.choice(labels) for t in y_true]
    expected = f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)
    assert weighted_macro_f1(y_true, y_pred, labels)(np.ones((1, 300)))[0] == pytest.approx(expected)


def test_the_interval_holds_the_figure_and_narrows_with_more_items():
    rng = np.random.default_rng(1)
    widths = []
    for n in (200, 5000):
        hits = rng.random(n) < 0.8
        lo, hi = interval(weighted_share(hits), resample_weights(n, groups=None, seed=3))
        assert lo <= 100 * hits.mean() <= hi
        widths.append(hi - lo)
    assert widths[1] < widths[0] / 3


def test_grouped_resampling_is_wider_when_groups_differ():
    # 40 topics of 50 items: half the topics easy, half hard; resampling topics must show that spread
    groups = np.repeat(np.arange(40), 50)
    hits = np.where(groups % 2 == 0, np.arange(2000) % 10 < 9, np.arange(2000) % 10 < 5)
    items = interval(weighted_share(hits), resample_weights(2000, groups=None, seed=5))
    topics = interval(weighted_share(hits), resample_weights(2000, groups=groups, seed=5))
    assert topics[1] - topics[0] > 2 * (items[1] - items[0])


def test_the_same_seed_gives_the_same_interval():
    hits = np.arange(500) % 3 == 0
    assert interval(weighted_share(hits), resample_weights(500, groups=None, seed=9)) == interval(
        weighted_share(hits), resample_weights(500, groups=None, seed=9))
