"""95 % bootstrap intervals for the evaluation figures of ``sigap train``.

Each interval is a percentile bootstrap over the evaluated items, or over whole groups when the split is grouped
(the tweets' topic groups): a figure on unseen topics depends on which topics happened to be drawn, and resampling
single tweets would hide that. The resampling is seeded, so a re-run prints the same intervals.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

RESAMPLES = 1000


def resample_weights(n: int, *, groups: np.ndarray | None, seed: int, resamples: int = RESAMPLES) -> np.ndarray:
    """(resamples, n) multiplicities: how often each item is drawn in each bootstrap sample."""
    rng = np.random.default_rng(seed)
    if groups is None:
        return rng.multinomial(n, np.full(n, 1.0 / n), size=resamples).astype(np.float64)
    _, index = np.unique(np.asarray(groups), return_inverse=True)
    g = int(index.max()) + 1
    drawn = rng.multinomial(g, np.full(g, 1.0 / g), size=resamples).astype(np.float64)
    return drawn[:, index]


def interval(statistic: Callable[[np.ndarray], np.ndarray], weights: np.ndarray, level: float = 0.95) -> list[float]:
    """The central ``level`` interval of ``statistic`` (weights (R, n) -> values (R,)), in percent, 2 decimals."""
    values = 100 * statistic(weights)
    lo, hi = np.quantile(values, [(1 - level) / 2, (1 + level) / 2])
    return [round(float(lo), 2), round(float(hi), 2)]


def weighted_macro_f1(y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str]):
    """A statistic for ``interval``: macro-F1 (zero when a class has no support and no prediction, as
    scikit-learn's ``zero_division=0``) of each row of weights."""
    t = np.asarray(y_true, dtype=object)
    p = np.asarray(y_pred, dtype=object)
    masks = [((t == c).astype(np.float64), (p == c).astype(np.float64)) for c in labels]

    def statistic(w: np.ndarray) -> np.ndarray:
        scores = []
        for true_c, pred_c in masks:
            tp = w @ (true_c * pred_c)
            denominator = w @ true_c + w @ pred_c  # 2tp + fp + fn
            scores.append(np.divide(2 * tp, denominator, out=np.zeros_like(tp), where=denominator > 0))
        return np.mean(scores, axis=0)

    return statistic


def weighted_share(hits: np.ndarray):
    """A statistic for ``interval``: the weighted share of True in ``hits``."""
    h = np.asarray(hits, dtype=np.float64)
    return lambda w: (w @ h) / w.sum(axis=1)


def macro_f1_ci(y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str], *, seed: int,
                groups: np.ndarray | None = None) -> list[float]:
    weights = resample_weights(len(y_true), groups=groups, seed=seed)
    return interval(weighted_macro_f1(y_true, y_pred, labels), weights)


def share_ci(hits: np.ndarray, *, seed: int, groups: np.ndarray | None = None) -> list[float]:
    return interval(weighted_share(hits), resample_weights(len(hits), groups=groups, seed=seed))
