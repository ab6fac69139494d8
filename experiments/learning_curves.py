"""How the hoax models' held-out figures grow with their training data: are the missed targets data-limited?

    python experiments/learning_curves.py [--tasks tweets,news] [--fractions 0.25,0.5,0.75,1] [--draws 3]

``tweets``: the post model alone, fitted as ``sigap train`` fits it (``fitting.fit_post_model``: tweets only, the
chain-message cues and their weight floors), on ``sigap train``'s grouped 5-fold split of the tweets. In each fold
the model learns from a random fraction of the fold's training *topics* (every tweet of each topic drawn), and the
fold's feature space is fitted on what it learns from plus the ordinary sentences and the news articles, as in
``train_all``. Scored: macro-F1 of every held-out tweet (decision > 0), i.e. on topics the model never saw.

``news``: the article model alone (the logistic regression ``train_all`` fits on the news rows), on its stratified
5-fold split; in each fold it learns from a random fraction of the fold's training articles. With
``--tweet-weights``, the article model is then fitted on all its training articles plus every tweet as a row of each
given weight: the only other labelled hoax text in the repo.

At fraction 1 both reproduce the models' own out-of-fold figures (no draw). Printed per task and fraction: the mean
macro-F1 over the draws and its range; then the gain over the curve's last doubling of the data and, were every
further doubling to gain as much, how many times today's training data the task's target would take. Learning curves
flatten, so that multiple is a lower bound: it says whether more of the same data is worth collecting, not how much.
Takes ~10 min with the defaults (2 cores).

Result: docs/models.md, "Learning curves".
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold, StratifiedKFold

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from experiments.hoax_data import load_hoax_corpus  # noqa: E402
from streams.models.fitting import TrainConfig, fit_lr, fit_post_model  # noqa: E402
from streams.models.hoax_training import HoaxCorpus  # noqa: E402

TARGETS = {"tweets": 73.0, "news": 85.0}  # the macro-F1 targets


def drawn_topics(train: np.ndarray, groups: np.ndarray, fraction: float, rng: np.random.Generator) -> np.ndarray:
    """The training tweets of a random ``fraction`` of the topics among ``train`` (at least one topic)."""
    topics = np.unique(groups[train])
    chosen = rng.choice(topics, max(1, round(fraction * topics.size)), replace=False)
    return train[np.isin(groups[train], chosen)]


def drawn_rows(train: np.ndarray, fraction: float, rng: np.random.Generator) -> np.ndarray:
    return np.sort(rng.choice(train, max(2, round(fraction * train.size)), replace=False))


def tweets_f1(data: HoaxCorpus, cfg: TrainConfig, fraction: float, draw: int) -> tuple[float, float]:
    """(macro-F1 on the held-out topics, mean training tweets per fold) for one fraction and draw."""
    decision = np.zeros(data.y_tweets.size)
    sizes = []
    for fold, (train, test) in enumerate(GroupKFold(cfg.folds).split(data.tweets, data.y_tweets, data.groups)):
        if fraction < 1:
            train = drawn_topics(train, data.groups, fraction, np.random.default_rng([draw, fold]))
        sizes.append(train.size)
        space = data.space(train, range(data.y_news.size))
        x_train, x_test = data.tweet_rows(space, train), data.tweet_rows(space, test)
        # tweets only, as shipped (TrainConfig.short_news_weight 0): no news rows
        model = fit_post_model(cfg, x_train, data.y_tweets[train], x_train[:0], data.y_tweets[:0], space.n_features)
        decision[test] = model.decision_function(x_test)
    return 100 * f1_score(data.y_tweets, (decision > 0).astype(int), average="macro"), float(np.mean(sizes))


def news_f1(data: HoaxCorpus, cfg: TrainConfig, fraction: float, draw: int,
            tweet_weight: float = 0.0) -> tuple[float, float]:
    """(macro-F1 on the held-out articles, mean training articles per fold) for one fraction and draw; with
    ``tweet_weight``, every tweet is an extra training row of that weight."""
    decision = np.zeros(data.y_news.size)
    sizes = []
    folds = StratifiedKFold(cfg.folds, shuffle=True, random_state=cfg.seed)
    for fold, (train, test) in enumerate(folds.split(data.news, data.y_news)):
        if fraction < 1:
            train = drawn_rows(train, fraction, np.random.default_rng([draw, fold]))
        sizes.append(train.size)
        space = data.space(range(data.y_tweets.size), train)
        x_train, x_test = data.news_rows(space, train), data.news_rows(space, test)
        if tweet_weight > 0:
            x_tweets = data.tweet_rows(space, np.arange(data.y_tweets.size))
            weight = np.r_[np.ones(train.size), np.full(data.y_tweets.size, tweet_weight)]
            model = fit_lr(cfg.hoax_long_c, cfg, sp.vstack([x_train, x_tweets]),
                            np.r_[data.y_news[train], data.y_tweets], weight)
        else:
            model = fit_lr(cfg.hoax_long_c, cfg, x_train, data.y_news[train])
        decision[test] = model.decision_function(x_test)
    return 100 * f1_score(data.y_news, (decision > 0).astype(int), average="macro"), float(np.mean(sizes))


def trend(fractions: list[float], means: list[float], target: float) -> str:
    """The gain over the curve's last doubling (from the largest fraction at most half the largest, to the largest),
    and the data multiple at which the target would be reached if every further doubling gained as much."""
    top = fractions[-1]
    lower = [f for f in fractions if f <= top / 2]
    if not lower:
        return "no fraction at or below half the largest: no trend"
    start = lower[-1]
    slope = (means[-1] - means[fractions.index(start)]) / math.log2(top / start)
    line = f"{slope:+.2f} points per doubling over the last (fraction {start:g} -> {top:g})"
    if means[-1] >= target:
        return line + f"; already at {means[-1]:.1f}"
    if slope <= 0:
        return line + "; at that pace the target is never reached"
    return line + f"; at that pace the target {target:g} at ~{2 ** ((target - means[-1]) / slope):.1f}x the data"


def run(task: str, data: HoaxCorpus, cfg: TrainConfig, fractions: list[float], draws: int) -> None:
    measure = tweets_f1 if task == "tweets" else news_f1
    unit = "topics' tweets" if task == "tweets" else "articles"
    means = []
    for fraction in fractions:
        started = time.perf_counter()
        runs = [measure(data, cfg, fraction, draw) for draw in range(draws if fraction < 1 else 1)]
        f1s = [f1 for f1, _ in runs]
        means.append(float(np.mean(f1s)))
        spread = f" [{min(f1s):.2f}-{max(f1s):.2f}]" if len(f1s) > 1 else ""
        print(f"{task}: fraction {fraction:g} ({runs[0][1]:.0f} training {unit} per fold): macro-F1 "
              f"{means[-1]:.2f}{spread} over {len(f1s)} draw(s) [{time.perf_counter() - started:.0f} s]", flush=True)
    if len(fractions) > 1:
        print(f"{task}: {trend(fractions, means, TARGETS[task])}", flush=True)


def fractions_arg(text: str) -> list[float]:
    values = sorted(float(v) for v in text.split(","))
    if not values or values[0] <= 0 or values[-1] > 1 or any(math.isnan(v) for v in values):
        raise argparse.ArgumentTypeError("fractions must lie in (0, 1]")
    return values


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default="tweets,news")
    parser.add_argument("--fractions", type=fractions_arg, default=fractions_arg("0.25,0.5,0.75,1"))
    parser.add_argument("--draws", type=int, default=3, help="random draws per fraction below 1")
    parser.add_argument("--tol", type=float, default=TrainConfig().tol)
    parser.add_argument("--tweet-weights", type=lambda text: [float(w) for w in text.split(",")], default=[],
                        help="then the article model on all of its data plus every tweet at each of these weights")
    args = parser.parse_args(argv)
    tasks = args.tasks.split(",")
    unknown = sorted(set(tasks) - set(TARGETS))
    if unknown:
        parser.error(f"unknown task(s): {', '.join(unknown)} (known: {', '.join(TARGETS)})")
    cfg = TrainConfig(tol=args.tol)
    data = load_hoax_corpus(cfg)
    for task in tasks:
        run(task, data, cfg, args.fractions, args.draws)
    for weight in args.tweet_weights:
        f1, _ = news_f1(data, cfg, 1.0, 0, tweet_weight=weight)
        print(f"news, every tweet also an article-model row of weight {weight:g}: macro-F1 {f1:.2f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
