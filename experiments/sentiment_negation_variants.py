"""Sentiment variants around negation, measured the way ``sigap train`` builds its sentiment rows.

    python experiments/sentiment_negation_variants.py [--variants shipped,mask] [--composer-seeds 20240601,1]
                                                      [--no-cv] [--posts FILE.jsonl ...]
    python experiments/sentiment_negation_variants.py --cost

Builds the sentiment rows from the texts ``sentiment_training.sentiment_texts`` chooses, as ``train_all`` does (SmSA + NusaX
train minus near-duplicates of SmSA/NusaX valid and of the negation sets, the composed public-service posts at their
weight, the shared feature space) and fits one logistic regression per variant, with the shipped ``C`` and solver
tolerance 1e-6, which reproduces the shipped figures.
Printed per variant and composer seed: macro-F1 of 3-fold CV on the natural training rows (composed rows join
every fold's training), SmSA valid, NusaX valid, every negation set (right positive / negative / neutral), how
many posts of each ``--posts`` file are labelled negative, and the negative probability of a few relief posts.

Variants (none is shipped; docs/models.md, "Sentiment and negation", gives the figures):

* ``shipped`` — the shipped recipe;
* ``vocab_composed`` — the negation block's vocabulary also fitted on the composed rows (``neg_keruh``…);
* ``mask_words`` — the words a negator governs removed from the word block of the shared features;
* ``mask`` — removed from the shared features' text altogether (word and character blocks);
* ``mask_vocab_composed`` — both of the last and the first.

Masking means a second transform of the shared features for every post with a negator, so scoring would pay it;
``--cost`` measures how much on the scoring benchmark's posts.
Takes ~40 s per variant and seed (2 cores).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from streams.models import data as D  # noqa: E402
from streams.models.features import FeatureSpace  # noqa: E402
from streams.models.fitting import TrainConfig, fit_space  # noqa: E402
from streams.models.sentiment_training import SentimentTexts, sentiment_texts  # noqa: E402
from streams.text.negation import NEGATORS, governed, negation_terms_batch  # noqa: E402
from streams.text.normalize import normalize_batch  # noqa: E402

VARIANTS = {
    "shipped": {},
    "vocab_composed": {"vocab_composed": True},
    "mask_words": {"mask": "words"},
    "mask": {"mask": "all"},
    "mask_vocab_composed": {"mask": "all", "vocab_composed": True},
}
RELIEF_PROBES = (
    "jalur pantura Pekalongan sudah tidak macet lagi",
    "jalan raya sudah tidak macet lagi",
    "Pelayanannya tidak mengecewakan sama sekali, mantap",
    "Air PDAM sudah tidak keruh lagi",
)


def without_negated(normalized: str, scope: int) -> str:
    """The text without the words a negator governs (the negators and scope breaks stay)."""
    words = normalized.split()
    if NEGATORS.isdisjoint(words):
        return normalized
    return " ".join(word for word, flag in zip(words, governed(words, scope)) if not flag)


class SentimentRows:
    """``sigap train``'s sentiment texts (``sentiment_training.sentiment_texts``) and shared feature space, built once; the
    composed posts per composer seed."""

    def __init__(self, cfg: TrainConfig):
        self.cfg = cfg
        smsa_tr, nusax_tr = D.load_rows("smsa_train"), D.load_rows("nusax_train")
        self.train_texts = normalize_batch(smsa_tr.texts + nusax_tr.texts)
        self.train_labels = smsa_tr.labels + nusax_tr.labels
        self.valid = {name: (normalize_batch(rows.texts), rows.labels)
                      for name, rows in (("smsa_valid", D.load_rows("smsa_valid")),
                                         ("nusax_valid", D.load_rows("nusax_valid")))}
        self._composed: dict[int, tuple[list[str], np.ndarray]] = {}
        chosen = self.texts_for(cfg.seed)
        news, tweets = D.load_rows("hoax_news"), D.load_rows("hoax_tweets")
        self.space = fit_space(chosen.texts + normalize_batch(news.texts) + normalize_batch(tweets.texts))
        self.texts = [t for t, near in zip(chosen.texts, chosen.near_negation) if not near]
        self.y = np.array([D.SENTIMENT_LABELS.index(label)
                           for label, near in zip(chosen.labels, chosen.near_negation) if not near])
        self.evaluation = chosen.evaluation

    def texts_for(self, composer_seed: int) -> SentimentTexts:
        chosen = sentiment_texts(self.cfg, self.train_texts, self.train_labels, self.valid, composer_seed)
        self._composed[composer_seed] = ([text for _, text in chosen.composed],
                                         np.array([D.SENTIMENT_LABELS.index(label) for label, _ in chosen.composed]))
        return chosen

    def composed(self, seed: int) -> tuple[list[str], np.ndarray]:
        """The composed posts' texts and label indices for a composer seed (chosen once per seed: ~6 s)."""
        if seed not in self._composed:
            self.texts_for(seed)
        return self._composed[seed]


def run_variant(data: SentimentRows, name: str, seed: int, tol: float, cv: bool,
                posts: dict[str, list[str]]) -> str:
    cfg, opts = data.cfg, VARIANTS[name]
    scope, mask = cfg.negation_scope, opts.get("mask")
    composed_texts, composed_y = data.composed(seed)
    vocabulary_texts = data.texts + (composed_texts if opts.get("vocab_composed") else [])
    negation = FeatureSpace.fit(negation_terms_batch(vocabulary_texts, scope), char_ns=(), bigrams=False,
                                word_weight=cfg.negation_weight)
    n_words = len(data.space.words)

    def rows(texts: list[str]) -> sp.csr_matrix:
        masked = data.space.transform([without_negated(t, scope) for t in texts]) if mask else None
        if mask == "all":
            shared = masked
        else:
            shared = data.space.transform(texts)
            if mask == "words":
                shared = sp.hstack([masked[:, :n_words], shared[:, n_words:]], format="csr")
        return sp.hstack([shared, negation.transform(negation_terms_batch(texts, scope))], format="csr")

    x, x_composed = rows(data.texts), rows(composed_texts)

    def fit(idx: np.ndarray) -> LogisticRegression:
        model = LogisticRegression(C=cfg.sentiment_c, max_iter=5000, class_weight="balanced",
                                   random_state=cfg.seed, tol=tol)
        weight = np.r_[np.ones(len(idx)), np.full(len(composed_y), cfg.sentiment_service_weight)]
        return model.fit(sp.vstack([x[idx], x_composed]).astype(np.float64), np.r_[data.y[idx], composed_y],
                         sample_weight=weight)

    figures = []
    if cv:
        oof = np.zeros(len(data.y), dtype=int)
        for train, test in StratifiedKFold(3, shuffle=True, random_state=cfg.seed).split(x, data.y):
            oof[test] = fit(train).predict(x[test])
        figures.append(f"cv3 {100 * f1_score(data.y, oof, average='macro'):.2f}")
    model = fit(np.arange(len(data.y)))
    for set_name, (texts, gold) in data.evaluation.items():
        predicted = model.predict(rows(texts))
        gold_idx = np.array([D.SENTIMENT_LABELS.index(g) for g in gold])
        figure = f"{set_name} {100 * f1_score(gold_idx, predicted, average='macro'):.2f}"
        if set_name.startswith("negation"):  # right positive / negative / neutral
            right = [int(((predicted == gold_idx) & (gold_idx == k)).sum()) for k in (2, 0, 1)]
            figure += "(" + "/".join(map(str, right)) + ")"
        figures.append(figure)
    for file_name, texts in posts.items():
        figures.append(f"{file_name}: negative {int((model.predict(rows(texts)) == 0).sum())} of {len(texts)}")
    negative = model.predict_proba(rows(normalize_batch(list(RELIEF_PROBES))))[:, 0]
    figures.append("relief probes p(negative) " + " ".join(f"{p:.2f}" for p in negative))
    return f"{name} composer seed {seed}: " + ", ".join(figures)


def scoring_benchmark():
    """``benchmarks/bench_scoring.py`` as a module: its posts, claims and one-core pinning."""
    if str(ROOT / "benchmarks") not in sys.path:
        sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_scoring

    return bench_scoring


def masking_cost(batches: int = 10, batch_size: int = 500) -> None:
    """What masking would add to scoring: the shipped Scorer on ``benchmarks/bench_scoring.py``'s posts (10,000
    claims), and after each batch the shared features' transform of its posts with a negator, masked."""
    from streams.scoring import Scorer

    bench = scoring_benchmark()

    scorer = Scorer.load(None, claims=[])
    scorer.claims.upsert_many(bench.build_claims(10_000, 0))
    posts = bench.build_posts(batch_size * (batches + 1), 0)
    scorer.score_texts(posts[:batch_size])  # first-call costs out of the measurement
    scope = scorer.bundle.negation_scope
    scoring = masked = 0.0
    negated = 0
    for k in range(1, batches + 1):
        batch = posts[k * batch_size: (k + 1) * batch_size]
        started = time.perf_counter()
        scorer.score_texts(batch)
        scored = time.perf_counter()
        normalized = scorer.normalizer.normalize_batch(batch)
        which = [t for t in normalized if not NEGATORS.isdisjoint(t.split())]
        begun = time.perf_counter()
        scorer.bundle.features.transform([without_negated(t, scope) for t in which])
        scoring += scored - started
        masked += time.perf_counter() - begun
        negated += len(which)
    n = batches * batch_size
    print(f"scoring {1e6 * scoring / n:.1f} us/post; the masked transform of the {100 * negated / n:.0f} % of posts "
          f"with a negator would add {1e6 * masked / n:.1f} us/post", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated: " + ", ".join(VARIANTS))
    parser.add_argument("--composer-seeds", default=str(TrainConfig().seed), help="comma-separated composer seeds")
    parser.add_argument("--tol", type=float, default=1e-6)
    parser.add_argument("--no-cv", action="store_true", help="skip the 3-fold CV (3x faster)")
    parser.add_argument("--posts", nargs="*", default=[], help="JSONL posts files ('text'): how many read negative")
    parser.add_argument("--cost", action="store_true", help="only measure what masking would add to scoring")
    args = parser.parse_args(argv)
    if args.cost:
        scoring_benchmark().pin_one_core()  # as the benchmark measures: one core
        masking_cost()
        return 0
    names = args.variants.split(",")
    unknown = [n for n in names if n not in VARIANTS]
    if unknown:
        parser.error(f"unknown variants: {unknown}")
    posts = {Path(f).name: normalize_batch([json.loads(line)["text"] for line in open(f, encoding="utf-8")])
             for f in args.posts}
    data = SentimentRows(TrainConfig())
    for seed in (int(s) for s in args.composer_seeds.split(",")):
        for name in names:
            started = time.perf_counter()
            line = run_variant(data, name, seed, args.tol, not args.no_cv, posts)
            print(f"{line} [{time.perf_counter() - started:.0f} s]", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
