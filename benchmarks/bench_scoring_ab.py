"""Scoring cost of this tree against another revision's, in one process, batch by batch.

    git worktree add /tmp/base <revision>
    python benchmarks/bench_scoring_ab.py /tmp/base [--batches 20] [--claims 10000] [--gc]

Single runs of ``bench_scoring.py`` on a shared host vary by ±15 % as the host's speed drifts; here the two
revisions' Scorers alternate batch by batch (which goes first alternates too), so both meet the same speed. The
other revision's ``streams`` package is copied to a temporary directory as ``streams_base`` (its imports rewritten)
and loads its own artifacts. The posts and claims are ``bench_scoring.py``'s; each revision scores every batch
twice: first with its per-word memos meeting many words for the first time, then with every word seen. Each also
computes the issue id of every scored post (``sigap score`` and the agent do; shown as a step, not in the total). Garbage
collection is off while measuring unless ``--gc``: two Scorers in one process would each pay for the other's objects.
"""

from __future__ import annotations

import argparse
import gc
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# (importing bench_scoring pins the thread pools to one thread, before anything loads NumPy)
from bench_scoring import ROOT, build_claims, build_posts, pin_one_core, post_record

_IMPORT_RE = re.compile(r"\b(from|import) streams\b|([\"'])streams\.")


@contextmanager
def base_revision(checkout: Path) -> Iterator[None]:
    """While the block runs, ``checkout``'s ``streams`` package imports as ``streams_base`` (this tree's as
    ``streams``)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    scratch = Path(tempfile.mkdtemp(prefix="sigap-ab-"))
    try:
        copy_as_base(checkout.resolve(), scratch)
        sys.path.insert(0, str(scratch))
        yield
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def copy_as_base(checkout: Path, into: Path) -> None:
    """``checkout``'s ``streams`` package as ``into/streams_base``, every import of ``streams`` rewritten."""
    target = into / "streams_base"
    shutil.copytree(checkout / "streams", target, ignore=shutil.ignore_patterns("__pycache__"))
    for path in target.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        path.write_text(_IMPORT_RE.sub(lambda m: f"{m[1]} streams_base" if m[1] else f"{m[2]}streams_base.", text),
                        encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("base", type=Path, help="a checkout of the revision to compare with (e.g. a git worktree)")
    ap.add_argument("--batches", type=int, default=20, help="batches per pass, shared between the two")
    ap.add_argument("--batch-size", type=int, default=500)
    ap.add_argument("--claims", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--gc", action="store_true", help="leave garbage collection on while measuring")
    args = ap.parse_args(argv)
    pin_one_core()
    with base_revision(args.base):
        from streams.issues.keys import issue_id_for as this_issue_id
        from streams.scoring import Scorer as ThisScorer
        from streams_base.issues.keys import issue_id_for as base_issue_id
        from streams_base.scoring import Scorer as BaseScorer

        scorers = {"base": BaseScorer.load(None, claims=[]), "this": ThisScorer.load(None, claims=[])}
        issue_ids = {"base": base_issue_id, "this": this_issue_id}
        claims = build_claims(args.claims, args.seed)
        for scorer in scorers.values():
            scorer.claims.upsert_many(claims)
        size = args.batch_size
        posts = build_posts((args.batches + 1) * size, args.seed)
        records = [post_record(i, text) for i, text in enumerate(posts)]
        for name, scorer in scorers.items():  # first-call costs out of the measurement
            for record, item in zip(records, scorer.score_texts(posts[:size]).items):
                issue_ids[name](record, item.normalized, item.tokens, item.claim_match)
        gc.collect()
        if not args.gc:
            gc.disable()
        n_posts = args.batches * size
        print(f"{args.batches} batches of {size} distinct posts, {len(claims)} claims, one core; base: {args.base}")
        for phase in ("first pass (words met for the first time)", "second pass (every word seen)"):
            wall = {"base": 0.0, "this": 0.0}
            parts: dict[str, dict[str, float]] = {"base": {}, "this": {}}
            for b in range(args.batches):
                batch = posts[(b + 1) * size : (b + 2) * size]
                for name in ("base", "this") if b % 2 else ("this", "base"):
                    start = time.perf_counter()
                    result = scorers[name].score_texts(batch)
                    wall[name] += time.perf_counter() - start
                    for step, seconds in result.seconds_by_model.items():
                        parts[name][step] = parts[name].get(step, 0.0) + seconds
                    start = time.perf_counter()  # the issue id each scored post carries (not in the total)
                    for record, item in zip(records[(b + 1) * size : (b + 2) * size], result.items):
                        issue_ids[name](record, item.normalized, item.tokens, item.claim_match)
                    parts[name]["issue id"] = parts[name].get("issue id", 0.0) + time.perf_counter() - start
            print(f"{phase}: us/post base {wall['base'] / n_posts * 1e6:.1f}, this {wall['this'] / n_posts * 1e6:.1f}"
                  f" ({(wall['this'] / wall['base'] - 1) * 100:+.1f} %)")
            for name in ("base", "this"):
                steps = ", ".join(f"{k} {v / n_posts * 1e6:.1f}" for k, v in parts[name].items())
                print(f"  {name}: {steps}")
    gc.enable()
    return 0


if __name__ == "__main__":
    sys.exit(main())
