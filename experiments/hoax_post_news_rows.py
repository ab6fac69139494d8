"""Does the post (short-text) hoax model gain from the news articles as extra rows of a small weight?

    python experiments/hoax_post_news_rows.py [--weights 0,0.1,0.3,1] [--splits reported,1,2] [--tol 1e-8]
                                              [--pipeline]

Part 1, the post model alone: tweets in 5 folds grouped by topic (``reported``: ``sigap train``'s own
``GroupKFold``; a number: ``GroupKFold(shuffle=True)`` with that seed, so the choice can be made on splits other
than the reported one). Each fold's model is fitted by ``fitting.fit_post_model``, as ``train_all`` fits it (the fold's
feature space, chain-message cues and their weight floors) on the fold's tweets plus every news article at the given
weight, and its held-out tweets are labelled by the sign of its decision. Prints macro-F1 per weight and split.

Part 2 (``--pipeline``): ``train_all(write=False)`` with ``TrainConfig.short_news_weight`` at each weight, i.e.
the reported figure (Platt scaling, the article model blended in by length, relevance and evidence factors),
with the post model alone on the same out-of-fold decisions. ~4 min per weight.

Result and decision: docs/models.md, "Hoax tweets".
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from experiments.hoax_data import load_hoax_corpus  # noqa: E402
from streams.models.fitting import TrainConfig, fit_post_model  # noqa: E402
from streams.models.train import train_all  # noqa: E402


def post_model_alone(weights: list[float], splits: list[str], cfg: TrainConfig) -> None:
    data = load_hoax_corpus(cfg)
    y_tw = data.y_tweets
    for split in splits:
        folds = (GroupKFold(cfg.folds) if split == "reported"
                 else GroupKFold(cfg.folds, shuffle=True, random_state=int(split)))
        decisions = {w: np.zeros(len(y_tw)) for w in weights}
        started = time.perf_counter()
        for train, test in folds.split(data.tweets, y_tw, data.groups):
            space = data.space(train, range(data.y_news.size))
            x_tw = data.tweet_rows(space, np.arange(y_tw.size))
            x_news = data.news_rows(space, np.arange(data.y_news.size))
            for w in weights:
                model = fit_post_model(replace(cfg, short_news_weight=w), x_tw[train], y_tw[train], x_news, data.y_news,
                                       space.n_features)
                decisions[w][test] = model.decision_function(x_tw[test])
        figures = ", ".join(f"{w:g}: {100 * f1_score(y_tw, (decisions[w] > 0).astype(int), average='macro'):.2f}"
                            for w in weights)
        print(f"post model alone, split {split}, news weight -> macro-F1: {figures} "
              f"[{time.perf_counter() - started:.0f} s]", flush=True)


def pipeline(weights: list[float], cfg: TrainConfig) -> None:
    for w in weights:
        _, report = train_all(write=False, config=replace(cfg, short_news_weight=w, keep_oof=True))
        oof = report["_oof"]
        alone = 100 * f1_score(oof["y_tweets"], (oof["tweets"][:, 0] > 0).astype(int), average="macro")
        hoax = report["hoax"]
        print(f"sigap train, news weight {w:g}: tweets on unseen topics {hoax['tweets_unseen_topics']['macro_f1']}"
              f" (post model alone {alone:.2f}), news {hoax['news_heldout']['macro_f1']}, ordinary posts flagged "
              f"{hoax['ordinary_posts_flagged_hoax']} %", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", default="0,0.1,0.2,0.3,0.5,1")
    parser.add_argument("--splits", default="reported,1,2")
    parser.add_argument("--tol", type=float, default=TrainConfig().tol)
    parser.add_argument("--pipeline", action="store_true", help="also run sigap train's pipeline per weight")
    args = parser.parse_args(argv)
    weights = [float(w) for w in args.weights.split(",")]
    cfg = TrainConfig(tol=args.tol)
    post_model_alone(weights, args.splits.split(","), cfg)
    if args.pipeline:
        pipeline(weights, cfg)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
