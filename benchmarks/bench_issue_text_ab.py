"""The issue grouper's text reading per post, this tree against another revision's, in one process, batch by batch.

    git worktree add /tmp/base <revision>
    python benchmarks/bench_issue_text_ab.py /tmp/base [--batches 40] [--batch-size 500]

Two steps run on every post besides the models: the scoring path gives each scored post its issue id
(``streams.issues.keys.issue_id_for``: ``sigap score`` and the agent), and the issue engine keeps its near-duplicate
band keys (``streams.issues.text.near_duplicate_bands``, for the coordination signal). Both revisions' functions
run on ``bench_scoring.py``'s posts, alternating batch by batch (which goes first alternates too) so both meet the
host's speed of the moment; each sees every batch twice: first with its per-word memos meeting many words for the
first time, then with every word seen. Prints µs per post and whether the two revisions gave the same ids and
bands. Garbage collection is off while measuring.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

from bench_scoring import build_posts, pin_one_core, post_record
from bench_scoring_ab import base_revision


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("base", type=Path, help="a checkout of the revision to compare with (e.g. a git worktree)")
    ap.add_argument("--batches", type=int, default=40)
    ap.add_argument("--batch-size", type=int, default=500)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    pin_one_core()
    with base_revision(args.base):
        from streams.issues.keys import issue_id_for as this_issue_id
        from streams.issues.text import near_duplicate_bands as this_bands
        from streams_base.issues.keys import issue_id_for as base_issue_id
        from streams_base.issues.text import near_duplicate_bands as base_bands

        steps = {"base": (base_issue_id, base_bands), "this": (this_issue_id, this_bands)}
        size = args.batch_size
        texts = build_posts((args.batches + 1) * size, args.seed)
        records = [post_record(i, text) for i, text in enumerate(texts)]
        outputs: dict[str, list] = {"base": [], "this": []}
        for name, (issue_id, bands) in steps.items():  # first-call costs (tables, patterns) out of the measurement
            for record in records[:size]:
                outputs[name].append((issue_id(record, "", [], None), bands(record["text"])))
        gc.collect()
        gc.disable()
        n_posts = args.batches * size
        print(f"{args.batches} batches of {size} distinct posts, one core; base: {args.base}")
        for phase in ("first pass (words met for the first time)", "second pass (every word seen)"):
            seconds = {(name, step): 0.0 for name in steps for step in ("issue id", "bands")}
            for b in range(1, args.batches + 1):
                batch = records[b * size : (b + 1) * size]
                for name in ("base", "this") if b % 2 else ("this", "base"):
                    issue_id, bands = steps[name]
                    start = time.perf_counter()
                    ids = [issue_id(record, "", [], None) for record in batch]
                    seconds[name, "issue id"] += time.perf_counter() - start
                    start = time.perf_counter()
                    keys = [bands(record["text"]) for record in batch]
                    seconds[name, "bands"] += time.perf_counter() - start
                    outputs[name].extend(zip(ids, keys))
            figures = {key: value / n_posts * 1e6 for key, value in seconds.items()}
            print(f"{phase}, us/post:")
            for step in ("issue id", "bands"):
                base, this = figures["base", step], figures["this", step]
                print(f"  {step:<9} base {base:6.1f}  this {this:6.1f}  ({(this / base - 1) * 100:+.1f} %)")
        print("same issue ids and bands in both revisions:", outputs["base"] == outputs["this"])
    gc.enable()
    return 0


if __name__ == "__main__":
    sys.exit(main())
