"""Scoring a long stream of posts that keep bringing new words: does the process stay the same size and speed?

    python benchmarks/bench_new_words.py [--batches 400] [--new-words 10]

A worker runs for months and its posts bring names, numbers and typos it has never seen. Each post here is three
words of a known claim plus ``--new-words`` random words never seen before, scored in batches of 500 with the
starter claims indexed. Every 50 batches it prints the posts so far, the claim index's term-table size and
compactions, the process's resident memory (MB) and the time of the last batch.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from process_stats import memory_mb

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batches", type=int, default=400)
    ap.add_argument("--new-words", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)

    from streams.scoring import Scorer

    scorer = Scorer.load()
    rng = random.Random(args.seed)
    letters = "abcdefghijklmnoprstuwy"

    def new_word() -> str:
        return "".join(rng.choice(letters) for _ in range(rng.randint(5, 9)))

    print(f"{'posts':>8} {'terms':>8} {'compactions':>11} {'RSS MB':>7} {'batch ms':>8}")
    for b in range(1, args.batches + 1):
        batch = [" ".join(["vaksin", "covid", "menyebabkan"] + [new_word() for _ in range(args.new_words)])
                 for _ in range(500)]
        t = time.perf_counter()
        scorer.score_texts(batch)
        elapsed = time.perf_counter() - t
        if b % 50 == 0:
            table = scorer.claims._term_table
            print(f"{b * 500:>8} {len(table):>8} {table.compactions:>11} {memory_mb()[0]:>7.0f} {elapsed * 1e3:>8.0f}",
                  flush=True)


if __name__ == "__main__":
    main()
