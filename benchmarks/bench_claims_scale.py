"""Claim matching as the claim set grows: the cost per post, the bulk load and the resident memory at each size.

    python benchmarks/bench_claims_scale.py [--claims 1000,10000,30000,100000] [--batches 6]

Each size runs ``bench_scoring.py`` in a process of its own (so each resident-memory figure is that size's alone):
the same distinct posts in batches of 500 on one core, against the starter claims plus synthetic ones. Beside each
size, in this process, the plain baseline on the same posts and claims: word TF-IDF of the claims and every post's
cosine with every claim (one sparse product per batch, the best taken), which finds candidates but ranks, explains
and accepts nothing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run_size(n_claims: int, batches: int, batch_size: int) -> dict:
    out = subprocess.run(
        [sys.executable, str(HERE / "bench_scoring.py"), "--no-baseline", "--json", "--claims", str(n_claims),
         "--batches", str(batches), "--batch-size", str(batch_size)],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out[out.index("\n{") + 1 :])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", default="1000,10000,30000,100000", help="claim-set sizes, comma-separated")
    ap.add_argument("--batches", type=int, default=6)
    ap.add_argument("--batch-size", type=int, default=500)
    args = ap.parse_args(argv)
    sizes = [int(n) for n in args.claims.split(",")]

    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(HERE.parent))
    import bench_scoring as bench

    bench.pin_one_core()
    print(f"Claim matching by claim-set size — {args.batches} batches of {args.batch_size} distinct posts, one core")
    print(f"  {'claims':>8}  {'bulk load':>9}  {'upsert':>8}  {'claims':>12}  {'all scoring':>12}  {'resident':>9}"
          f"  {'baseline':>12}")
    print(f"  {'':>8}  {'s':>9}  {'us':>8}  {'us/post':>12}  {'us/post':>12}  {'+MB':>9}  {'us/post':>12}")
    _, posts = bench.warmup_and_measured_posts(args.batches, args.batch_size, bench.DEFAULT_SEED)
    for n in sizes:
        fig = run_size(n, args.batches, args.batch_size)
        base = bench.baseline_claims_us_per_post(posts, bench.build_claims(n, bench.DEFAULT_SEED), args.batch_size)
        print(f"  {fig['claims_in_index']:>8}  {fig['claims_bulk_load_seconds']:>9.2f}  {fig['claim_upsert_us']:>8.1f}"
              f"  {fig['us_per_post']['claims']:>12.1f}  {fig['us_per_post_total']:>12.1f}"
              f"  {fig['rss_mb_models_claims_and_caches']:>9.0f}  {base:>12.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
