"""Scoring cost benchmark: µs per post for each component, in batches of 500 on one core, with 10,000 claims.

    python benchmarks/bench_scoring.py [--batches 20] [--claims 10000] [--batch-size 500] [--models-dir DIR]
                                       [--warmup-posts 500]

Prints: model load time, claim-index bulk load time and single-upsert cost, µs/post per component
(normalise, features, sentiment, hoax, claims) and in total, what the scored post's record adds on top (its issue
id and fields: ``sigap score`` and the agent build it from the scores), the resident memory of the process (and the part
added by the models), and — for comparison, on the same posts — a plain scikit-learn baseline
(TfidfVectorizer + LogisticRegression for sentiment and hoax, brute-force cosine over the claims).

Posts are distinct texts built from the shipped data (tweets, SmSA/NusaX sentences, news leads) with light
random edits, so the normaliser's memo does not see the same post twice; the 10,000 claims are the starter claims
plus synthetic claims assembled from corpus words. Thread pools are pinned to one thread (one core).

The measured posts follow ``--warmup-posts`` others (default: one batch, which takes the first-call costs out):
the figures are those of a worker just started, whose per-word memos (normaliser, claim terms) still meet many
words for the first time. ``--warmup-posts 20000`` gives those of a worker that has been running for a while.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from process_stats import memory_mb  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


DEFAULT_SEED = 7


def pin_one_core() -> None:
    try:
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    except (AttributeError, OSError):
        pass


def build_posts(n: int, seed: int) -> list[str]:
    from streams.models.data import load_rows

    rng = random.Random(seed)
    base = []
    for name in ("hoax_tweets", "smsa_valid", "nusax_valid", "smsa_train"):
        base.extend(load_rows(name).texts)
    base.extend(t[:600] for t in load_rows("hoax_news").texts)
    extras = ["!!", "bgt", "wkwk", "😡", "👍", "#info", "@user", "http://url", "sebarkan", "gak", "yg", "😂", "?"]
    posts = []
    for i in range(n):
        words = rng.choice(base).split()
        if len(words) > 3:
            j = rng.randrange(len(words))
            words[j] = words[j] + rng.choice(["", "nya", "2", "x"]) if rng.random() < 0.5 else words[j]
            words.insert(rng.randrange(len(words)), rng.choice(extras))
        words.append(f"#{i}")  # every post distinct
        posts.append(" ".join(words))
    return posts


def warmup_and_measured_posts(batches: int, batch_size: int, seed: int,
                              warmup_posts: int | None = None) -> tuple[list[str], list[str]]:
    """The posts scored before the measured ones (``warmup_posts``, default one batch) and the measured posts."""
    n_warm = batch_size if warmup_posts is None else max(warmup_posts, 1)
    posts = build_posts(batches * batch_size + n_warm, seed)
    return posts[:n_warm], posts[n_warm:]


def post_record(i: int, text: str) -> dict:
    """A post as the agent and ``sigap score`` receive it (contract.md, "Post"), around one benchmark text."""
    return {"id": f"bench-{i}", "platform": "twitter", "text": text, "created_at": "2026-11-28T10:00:00Z",
            "author": {"id": f"author-{i % 700}"}}


def build_claims(n: int, seed: int) -> list[dict]:
    from streams.claims.starter import load_starter_claims
    from streams.models.data import load_rows

    rng = random.Random(seed)
    claims = load_starter_claims()
    vocab = sorted({w for t in load_rows("hoax_news").texts for w in t.lower().split() if w.isalpha() and len(w) > 3})
    verbs = ["menyebabkan", "mengandung", "menyembuhkan", "dilarang", "berbahaya", "mencegah", "ditutup", "palsu"]
    i = 0
    while len(claims) < n:
        words = rng.sample(vocab, 2) + [rng.choice(verbs)] + rng.sample(vocab, rng.randint(1, 3))
        claims.append({"id": f"synthetic-{i}", "claim": " ".join(words), "verdict": rng.choice(["hoax", "true", "misleading"])})
        i += 1
    return claims[:n]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batches", type=int, default=20)
    ap.add_argument("--batch-size", type=int, default=500)
    ap.add_argument("--claims", type=int, default=10_000)
    ap.add_argument("--models-dir", type=Path, default=None)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--warmup-posts", type=int, default=None,
                    help="distinct posts scored before the measured ones (default: one batch)")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = ap.parse_args(argv)
    pin_one_core()

    import numpy as np  # noqa: F401 - loaded before the first RSS reading, so it is not counted as the models'

    rss0 = memory_mb()[0]
    t = time.perf_counter()
    from streams.issues.keys import issue_id_for
    from streams.models.codes import row_sort_pays
    from streams.pipeline import scored_records
    from streams.scoring import Scorer

    scorer = Scorer.load(args.models_dir, claims=[])
    load_s = time.perf_counter() - t
    rss_models = memory_mb()[0]

    claims = build_claims(args.claims, args.seed)
    t = time.perf_counter()
    scorer.claims.upsert_many(claims)
    bulk_s = time.perf_counter() - t
    t = time.perf_counter()
    for k in range(200):
        scorer.claims.upsert({"id": f"live-{k}", "claim": f"klaim baru nomor {k} tentang vaksin palsu", "verdict": "hoax"})
    upsert_us = (time.perf_counter() - t) / 200 * 1e6
    for k in range(200):
        scorer.claims.delete(f"live-{k}")

    warm, posts = warmup_and_measured_posts(args.batches, args.batch_size, args.seed, args.warmup_posts)
    n_posts, n_warm = len(posts), len(warm)
    for b in range(0, n_warm, args.batch_size):  # first-call costs (lazy tables) out of the measurement
        scorer.score_texts(warm[b : b + args.batch_size])
    gc.collect()

    totals: dict[str, float] = {}
    wall = record_s = issue_id_s = 0.0
    n_matched = 0
    for b in range(args.batches):
        batch = posts[b * args.batch_size : (b + 1) * args.batch_size]
        t = time.perf_counter()
        res = scorer.score_texts(batch)
        wall += time.perf_counter() - t
        n_matched += sum(1 for it in res.items if it.claim_match)
        records = [post_record(b * args.batch_size + i, text) for i, text in enumerate(batch)]
        t = time.perf_counter()
        scored_records(records, res, scorer.versions)
        record_s += time.perf_counter() - t
        t = time.perf_counter()  # the issue id again, alone (its word memo has now seen these posts)
        for record, item in zip(records, res.items):
            issue_id_for(record, item.normalized, item.tokens, item.claim_match)
        issue_id_s += time.perf_counter() - t
        for k, v in res.seconds_by_model.items():
            totals[k] = totals.get(k, 0.0) + v
    rss_after = memory_mb()[0]
    per_post = {k: v / n_posts * 1e6 for k, v in totals.items()}
    figures = {
        "posts": n_posts,
        "warmup_posts": n_warm,
        "batch_size": args.batch_size,
        "claims_in_index": len(scorer.claims),
        "us_per_post": {k: round(v, 1) for k, v in per_post.items()},
        "us_per_post_total": round(wall / n_posts * 1e6, 1),
        "us_per_post_scored_record": round(record_s / n_posts * 1e6, 1),
        "us_per_post_issue_id": round(issue_id_s / n_posts * 1e6, 1),
        "model_load_seconds": round(load_s, 3),
        "claims_bulk_load_seconds": round(bulk_s, 3),
        "claim_upsert_us": round(upsert_us, 1),
        "rss_mb_process": round(rss_after, 1),
        "rss_mb_models": round(rss_models - rss0, 1),
        "rss_mb_models_claims_and_caches": round(rss_after - rss0, 1),
        "posts_matching_a_claim": n_matched,
        "feature_key_sort": "per row" if row_sort_pays(args.batch_size) else "global",
    }

    print(f"Sigap scoring benchmark — {n_posts} distinct posts in batches of {args.batch_size}, one core, "
          f"{len(scorer.claims)} claims, after {n_warm} other posts")
    print(f"  model load            {load_s:8.3f} s     (target <= 3 s)")
    print(f"  claims bulk load      {bulk_s:8.3f} s     ({len(scorer.claims)} claims)")
    print(f"  claim upsert          {upsert_us:8.1f} us    (one claim, live)")
    for k in ("normalize", "features", "sentiment", "language", "hoax", "claims", "explain", "assemble"):
        if k in per_post:
            print(f"  {k:<20}  {per_post[k]:8.1f} us/post")
    print(f"  total (wall)          {figures['us_per_post_total']:8.1f} us/post  (target <= 150)")
    print(f"  scored post record    {figures['us_per_post_scored_record']:8.1f} us/post  (sigap score and the agent, "
          f"on top of the total: issue id and fields; the issue id alone, again: {figures['us_per_post_issue_id']:.1f})")
    print(f"  feature keys sorted   {figures['feature_key_sort']} (the faster here: codes.row_sort_pays)")
    print(f"  RSS: process {rss_after:.0f} MB; models +{rss_models - rss0:.0f} MB; "
          f"with {len(scorer.claims)} claims and caches +{rss_after - rss0:.0f} MB  (target <= 400 MB: the models)")

    if not args.no_baseline:
        figures["baseline"] = run_baseline(posts[: args.batch_size * min(args.batches, 4)], claims, args.batch_size)
        bl = figures["baseline"]
        print("  baseline (sklearn TfidfVectorizer word 1-2 + char_wb 2-5 + LogisticRegression x2, brute-force cosine "
              "over claims, no normaliser):")
        print(f"    sentiment+hoax      {bl['us_per_post_models']:8.1f} us/post")
        print(f"    claims              {bl['us_per_post_claims']:8.1f} us/post")
        print(f"    total               {bl['us_per_post_total']:8.1f} us/post")
    if args.json:
        print(json.dumps(figures, indent=2))
    return 0


def run_baseline(posts: list[str], claims: list[dict], batch_size: int) -> dict:
    """A straightforward scikit-learn pipeline on the same posts: the comparison point for the figures above."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from streams.models.data import load_rows

    sm = load_rows("smsa_train")
    tw = load_rows("hoax_tweets")
    wv = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    cv = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=3, sublinear_tf=True)
    corpus = sm.texts + tw.texts
    wv.fit(corpus)
    cv.fit(corpus)

    def feats(texts):
        return hstack([wv.transform(texts), cv.transform(texts)]).tocsr()

    sent = LogisticRegression(max_iter=500).fit(feats(sm.texts), sm.labels)
    hoax = LogisticRegression(max_iter=500).fit(feats(tw.texts), tw.labels)
    t_models = 0.0
    for b in range(0, len(posts), batch_size):
        batch = posts[b : b + batch_size]
        t = time.perf_counter()
        x = feats(batch)
        sent.predict_proba(x)
        hoax.predict_proba(x)
        t_models += time.perf_counter() - t
    n = len(posts)
    us_claims = baseline_claims_us_per_post(posts, claims, batch_size)
    return {
        "us_per_post_models": round(t_models / n * 1e6, 1),
        "us_per_post_claims": us_claims,
        "us_per_post_total": round(t_models / n * 1e6 + us_claims, 1),
    }


def baseline_claims_us_per_post(posts: list[str], claims: list[dict], batch_size: int) -> float:
    """The plain way to find each post's nearest claim: word TF-IDF of the claims, every post's cosine with every
    claim (one sparse product per batch), the best taken."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    claim_vec = TfidfVectorizer().fit([c["claim"] for c in claims])
    cm = claim_vec.transform([c["claim"] for c in claims])
    t_claims = 0.0
    for b in range(0, len(posts), batch_size):
        batch = posts[b : b + batch_size]
        t = time.perf_counter()
        sims = (claim_vec.transform(batch) @ cm.T).toarray()
        np.argmax(sims, axis=1)
        t_claims += time.perf_counter() - t
    return round(t_claims / len(posts) * 1e6, 1)


if __name__ == "__main__":
    sys.exit(main())
