"""The issue engine over realistic posts: memory of the held states and CPU, as the previous release and now.

    python benchmarks/bench_issue_engine.py [--hours 1] [--replays 1] [--repeat 2] [--json]

Every text of the shipped SmSA training set and hoax tweets becomes a post (seeded: 5,000 authors, three
platforms, spread evenly over ``--hours`` of event time), scored once by the shipped models with the starter
claims. The scored posts then go through the real ``IssueEngine`` and ``SplitStateStore`` in batches of 500, in a
fresh subprocess per run, in three variants:

* ``objects, full``: a dict keeping the very objects it is given, as the previous release's Faust table of
  objects did, and every window judged by computing its signals (the previous release);
* ``encoded, full``: ``EncodedValues`` over a dict of bytes, as the worker's ``issue-state`` table holds states
  now, every window's signals computed;
* ``encoded, quiet``: the same with quiet windows (fewer posts than any rule needs,
  ``fewest_posts_to_escalate``) judged without computing their signals and, in the minutes an issue's own posts
  schedule, without writing the state (the next read applies them, ``Evaluator.catch_up``), as the engine
  does now.

With ``--replays N`` the scored posts go through N times back to back, each replay ``--hours`` later in event time
with new post ids: the same subjects come back, and issues go idle and close, so the figures are those of a
steady stream rather than of its first hours.

A run reads its posts as JSON lines and decodes each batch only when it feeds it, as a worker does, so no post
object outlives its batch. Prints, per run: issues held at the end, resident memory added by the engine and its
states (``/proc/self/statm``, after a garbage collection), that growth per post, the JSON size of the held
records, the CPU time of the engine, the state records written per post (each one a changelog send in the
worker) and the bytes written to the partition's clock table (its watermark and the lists of issues scheduled for
evaluation and expiry). The outputs (escalations, issue records) and final states, as the engine reads them,
are checked to be the same in every run. Takes ~1 min (``--replays N``: N times that).
"""

from __future__ import annotations

import argparse
import csv
import gc
import hashlib
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
from process_stats import memory_mb

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SOURCES = ("data/sentiment-smsa/train.csv", "data/hoax-tweets-idnhoaxcorpus/train.csv")
START = datetime(2026, 9, 21, 0, 0, tzinfo=UTC)
BATCH = 500


class CountingDict(dict):
    """A dict that counts the JSON bytes assigned to it: what a changelog-backed table would send."""

    bytes_written = 0

    def __setitem__(self, key, value) -> None:
        self.bytes_written += len(key) + len(orjson.dumps(value))
        super().__setitem__(key, value)


def build_posts(hours: float, seed: int) -> list[dict]:
    texts = []
    for source in SOURCES:
        with (ROOT / source).open(encoding="utf-8", newline="") as handle:
            texts += [row["text"] for row in csv.DictReader(handle)]
    rng = random.Random(seed)
    rng.shuffle(texts)
    span = timedelta(hours=hours)
    return [{
        "id": f"m{i}", "platform": rng.choice(("twitter", "facebook", "news")), "text": text[:20_000],
        "created_at": (START + span * i / len(texts)).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "author": {"id": f"a{rng.randrange(5000)}", "followers": rng.randrange(10_000)},
        "url": f"https://contoh.id/p/{i}", "region": "ID-JK", "engagement": {"likes": 3, "shares": 1, "views": 100},
    } for i, text in enumerate(texts)]


def score(posts: list[dict], path: Path) -> None:
    from streams.cli.claims import read_claim_file
    from streams.pipeline import score_posts
    from streams.scoring.scorer import Scorer

    claims = read_claim_file(ROOT / "streams" / "claims" / "starter_claims.jsonl")
    scored = score_posts(posts, Scorer.load(claims=claims))
    scored.sort(key=lambda post: post["created_at"])
    path.write_bytes(b"".join(orjson.dumps(post) + b"\n" for post in scored))


VARIANTS = (("objects", "full"), ("encoded", "full"), ("encoded", "quiet"))


def replayed(line: bytes, replay: int, hours: float) -> dict:
    """A scored post as replay number ``replay`` carries it: a new id, ``replay * hours`` later."""
    post = orjson.loads(line)
    if replay:
        post["id"] = f"{post['id']}-r{replay}"
        at = datetime.fromisoformat(post["created_at"].replace("Z", "+00:00")) + timedelta(hours=hours * replay)
        post["created_at"] = at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return post


def run_one(kind: str, judging: str, path: Path, replays: int = 1, hours: float = 1.0, batch: int = BATCH) -> dict:
    """One measured run, in this (fresh) process."""
    from streams.issues.encoded import EncodedValues
    from streams.issues.engine import IssueEngine
    from streams.issues.evaluation import Evaluator
    from streams.issues.store import SplitStateStore
    from streams.policy import load_policy

    if judging == "full":
        Evaluator.too_quiet = lambda *args: False

    lines = path.read_bytes().splitlines()
    held: dict = {}
    backend = held if kind == "objects" else EncodedValues(held)
    store = SplitStateStore(backend)
    clock = CountingDict()
    engine = IssueEngine(load_policy(), store, clock)
    written = store.records_written
    gc.collect()
    before = memory_mb()[0]
    cpu = time.process_time()
    outputs = hashlib.blake2b(digest_size=16)
    escalations = 0
    for replay in range(replays):
        for i in range(0, len(lines), batch):
            out = engine.process([replayed(line, replay, hours) for line in lines[i:i + batch]])
            outputs.update(orjson.dumps([out.issue_updates, out.escalations, out.lifecycle]))
            escalations += len(out.escalations)
    cpu = time.process_time() - cpu
    written = store.records_written - written
    gc.collect()
    grown = memory_mb()[0] - before
    encoded = sum(len(v) if type(v) is bytes else len(orjson.dumps(v)) for v in held.values())
    # as the engine reads them: quiet evaluations a held encoding does not have yet applied (Evaluator.catch_up)
    states = orjson.dumps({key: engine.state(key) for key in sorted(store)}, option=orjson.OPT_SORT_KEYS)
    outputs.update(states)
    posts = len(lines) * replays
    return {"kind": kind, "judging": judging, "posts": posts, "issues": len(store), "records": len(held),
            "resident_mb": round(grown, 1),
            # a steady stream holds about the posts of its last hours: per post an hour of it
            "bytes_per_post": round(grown * 1e6 / (len(lines) / hours if replays > 1 else len(lines))),
            "json_mb": round(encoded / 1e6, 1), "cpu_s": round(cpu, 2),
            "written_per_post": round(written / posts, 2), "escalations": escalations,
            "clock_mb_written": round(clock.bytes_written / 1e6, 1),
            "results": outputs.hexdigest()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hours", type=float, default=1.0, help="event time the posts are spread over")
    ap.add_argument("--replays", type=int, default=1, help="times the posts go through, back to back")
    ap.add_argument("--batch", type=int, default=BATCH, help="posts per engine call")
    ap.add_argument("--repeat", type=int, default=2, help="runs of each kind, alternated")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--run", nargs=3, metavar=("KIND", "JUDGING", "FILE"), help=argparse.SUPPRESS)  # one run
    args = ap.parse_args(argv)
    if args.run:
        print(json.dumps(run_one(args.run[0], args.run[1], Path(args.run[2]), args.replays, args.hours, args.batch)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scored.jsonl"
        score(build_posts(args.hours, args.seed), path)
        runs = []
        for _ in range(args.repeat):
            for kind, judging in VARIANTS:
                done = subprocess.run([sys.executable, __file__, "--run", kind, judging, str(path), "--replays",
                                       str(args.replays), "--hours", str(args.hours), "--batch", str(args.batch)],
                                      check=True, capture_output=True, text=True)
                runs.append(json.loads(done.stdout))
    if len({run.pop("results") for run in runs}) != 1:
        raise SystemExit("the variants gave different escalations, issue records or states")
    span = args.hours * args.replays
    replays = f" ({args.replays} replays of {runs[0]['posts'] // args.replays:,})" if args.replays > 1 else ""
    print(f"Sigap issue engine — {runs[0]['posts']:,} posts{replays} over {span:g} h of event time, batches of "
          f"{args.batch}, {runs[0]['issues']:,} issues held at the end, {runs[0]['escalations']} escalations (the same "
          f"outputs and states in every run)")
    if args.replays > 1:
        print(f"  'per post': resident growth per post an hour of the stream "
              f"({runs[0]['posts'] // args.replays / args.hours:,.0f} posts an hour)")
    print(f"  {'states held as':<15} {'windows':<8} {'resident MB':>12} {'per post':>9} {'JSON MB':>8} {'CPU s':>7} "
          f"{'records written/post':>21} {'clock MB written':>17}")
    for run in runs:
        print(f"  {run['kind']:<15} {run['judging']:<8} {run['resident_mb']:>12.1f} {run['bytes_per_post']:>7,} B "
              f"{run['json_mb']:>8.1f} {run['cpu_s']:>7.2f} {run['written_per_post']:>21.2f} "
              f"{run['clock_mb_written']:>17.1f}")
    if args.json:
        print(json.dumps(runs, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
