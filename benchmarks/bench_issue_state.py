"""Issue-state changelog volume and CPU: a hot issue stored as one record (plain) vs split into records (SplitStateStore).

    python benchmarks/bench_issue_state.py [--rate 1000] [--minutes 90] [--small-batch 4] [--small-minutes 10]
                                           [--large-batch 500] [--json]

One synthetic claim issue receives ``--rate`` posts per event-minute for ``--minutes`` minutes, through the real
``IssueEngine`` (default policy), three times on the same input: over a plain store (the whole state is one
record, as before), over ``SplitStateStore`` with a backend that keeps the very objects it is given (a Faust
memory-store table of objects: reads cost nothing, the engine mutates them in place), and over
``SplitStateStore(EncodedValues(...))`` with a backend that keeps each record's encoding, as the worker's table
does (every read decodes). Each assignment or deletion is one changelog record whose size is what Faust's JSON
codec (orjson) would send: the encoded value plus the key (a deletion: the key, a tombstone).

Two feeds:

* **small batches** (``--small-batch`` posts per batch: ~4 at 1,000 posts/min is one batch per 0.2 s, the
  worker's ``batch_within_seconds``), measured over the last ``--small-minutes`` minutes only, to keep the run
  short: they start from the state (records and clock, copied) that the large-batch feed below has reached
  after the earlier minutes, when the state has its full size (detailed minutes plus an hour of folded
  fingerprints). ``--small-minutes`` equal to ``--minutes`` measures everything, slower: the plain store
  encodes ~1.2 MB per batch;
* **batches of ``--large-batch``**, the whole run, measured.

Prints, per feed and store: records and bytes written per batch (mean, median, largest) and in total, and
the CPU time per batch of the engine plus the store (plain: one encoding of the whole state; split: digests of
the parts, encodings of the records written; encoded: the same, plus decoding the state's records at each batch's
first read and encoding the records written once more). The final state and the escalations are checked to be
the same through all three. Takes ~25 s with the defaults.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import MutableMapping
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


class ChangelogStore(MutableMapping):
    """A memory-store table: keeps the objects themselves; counts the changelog records their writes cost."""

    def __init__(self) -> None:
        self.data: dict = {}
        self.records = 0
        self.bytes = 0
        self.by_kind: dict[str, int] = {}  # bytes by kind: core (or whole state), bucket, fingerprints, tombstone

    def _count(self, kind: str, size: int) -> None:
        self.records += 1
        self.bytes += size
        self.by_kind[kind] = self.by_kind.get(kind, 0) + size

    def __getitem__(self, key):
        return self.data[key]

    def __setitem__(self, key, value) -> None:
        self.data[key] = value
        part = key.partition("\x1f")[2]
        kind = "fingerprints" if part.startswith("f") else "bucket" if part else "core"
        size = len(value) if type(value) is bytes else len(orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS))
        self._count(kind, size + len(orjson.dumps(key)))

    def __delitem__(self, key) -> None:
        del self.data[key]
        self._count("tombstone", len(orjson.dumps(key)))

    def __iter__(self):
        return iter(list(self.data))

    def __len__(self) -> int:
        return len(self.data)


KINDS = ("plain", "split", "encoded")


def build_posts(rate: int, minutes: int, seed: int) -> list[dict]:
    """``rate`` posts a minute on one claim issue, each by its own account, in created_at order."""
    from tests.issues.helpers import steady_claim_issue

    posts = steady_claim_issue(minutes, rate, seed=seed, prefix="bench", jitter=0.5)
    return sorted(posts, key=lambda p: p["created_at"])


def batches(posts: list[dict], size: int) -> list[list[dict]]:
    return [posts[i:i + size] for i in range(0, len(posts), size)]


def run(kind: str, feed: list[list[dict]], issue_id: str, start: tuple[dict, dict] | None = None,
        snapshot_after: int = -1):
    """Feed ``feed`` through an engine over a plain (``kind="plain"``) or split store, holding objects
    (``"split"``) or encodings (``"encoded"``, as the worker does), from the backend records and clock ``start``
    (copies) or from nothing; return the figures and a copy of (records, clock) taken after ``snapshot_after``
    batches."""
    from streams.issues.encoded import EncodedValues
    from streams.issues.engine import IssueEngine
    from streams.issues.store import SplitStateStore
    from streams.policy import load_policy

    backend = ChangelogStore()
    clock: dict = {}
    if start is not None:
        backend.data, clock = copy_records(start[0]), orjson.loads(orjson.dumps(start[1]))
    # a new split store: an empty cache
    store = {"plain": backend, "split": SplitStateStore(backend),
             "encoded": SplitStateStore(EncodedValues(backend))}[kind]
    engine = IssueEngine(load_policy(), store, clock)
    per_batch_records, per_batch_bytes = [], []
    cpu = 0.0
    escalations = []
    snapshot = None
    for i, batch in enumerate(feed):
        if i == snapshot_after:
            snapshot = copy_records(backend.data), orjson.loads(orjson.dumps(clock))
        records, size = backend.records, backend.bytes
        t = time.process_time()
        out = engine.process(batch)
        cpu += time.process_time() - t
        escalations.extend((s, e["id"]) for s, e in out.escalations)
        per_batch_records.append(backend.records - records)
        per_batch_bytes.append(backend.bytes - size)
    state = store[issue_id]
    n = len(feed)
    return {
        "batches": n,
        "records_total": sum(per_batch_records),
        "bytes_total": sum(per_batch_bytes),
        "records_per_batch": round(sum(per_batch_records) / n, 2),
        "bytes_per_batch": round(sum(per_batch_bytes) / n),
        "bytes_median_batch": sorted(per_batch_bytes)[n // 2],
        "bytes_largest_batch": max(per_batch_bytes),
        "cpu_ms_per_batch": round(cpu / n * 1e3, 3),
        "state_bytes": len(orjson.dumps(state)),
        "backend_records": len(backend.data),
        "bytes_by_record_kind": dict(sorted(backend.by_kind.items())),
        "_state": state,
        "_escalations": escalations,
    }, snapshot


def copy_records(records: dict) -> dict:
    """A deep copy of a backend's records (encodings are immutable, objects are copied through JSON)."""
    return {key: value if type(value) is bytes else orjson.loads(orjson.dumps(value)) for key, value in records.items()}


def compare(label: str, results: dict[str, dict]) -> dict:
    plain, split, encoded = results["plain"], results["split"], results["encoded"]
    reference = plain.pop("_state"), plain.pop("_escalations")
    for kind, other in (("split", split), ("encoded", encoded)):
        if (other.pop("_state"), other.pop("_escalations")) != reference:
            raise SystemExit(f"{label}: the {kind} store changed the engine's results")
    return {"plain": plain, "split": split, "encoded": encoded,
            "bytes_ratio": round(plain["bytes_total"] / max(1, split["bytes_total"]), 1)}


def show(label: str, figures: dict) -> None:
    print(f"  {label}")
    print(f"    {'store':<7} {'batches':>8} {'records/batch':>14} {'bytes/batch':>12} {'median':>10} "
          f"{'largest':>10} {'total MB':>10} {'records':>9} {'CPU ms/batch':>13}")
    for kind in KINDS:
        f = figures[kind]
        print(f"    {kind:<7} {f['batches']:>8} {f['records_per_batch']:>14.2f} {f['bytes_per_batch']:>12,} "
              f"{f['bytes_median_batch']:>10,} {f['bytes_largest_batch']:>10,} {f['bytes_total'] / 1e6:>10.1f} "
              f"{f['records_total']:>9,} {f['cpu_ms_per_batch']:>13.3f}")
    kinds = figures["split"]["bytes_by_record_kind"]
    print(f"    split writes {figures['bytes_ratio']}x fewer bytes (of them: "
          + ", ".join(f"{kind} {size / 1e6:.1f} MB" for kind, size in kinds.items())
          + f"); whole state at the end: {figures['split']['state_bytes'] / 1e6:.2f} MB, held in "
          f"{figures['split']['backend_records']} records")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rate", type=int, default=1000, help="posts per event-minute")
    ap.add_argument("--minutes", type=int, default=90)
    ap.add_argument("--small-batch", type=int, default=4)
    ap.add_argument("--small-minutes", type=int, default=10, help="last minutes fed (and measured) in small batches")
    ap.add_argument("--large-batch", type=int, default=500)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = ap.parse_args(argv)
    small_minutes = min(args.small_minutes, args.minutes)

    posts = build_posts(args.rate, args.minutes, args.seed)
    issue_id = posts[0]["scores"]["issue_id"]
    # The small-batch feed starts from the state the large-batch feed has reached after the same posts.
    cut = args.rate * (args.minutes - small_minutes) // args.large_batch * args.large_batch
    large, small = {}, {}
    for kind in KINDS:
        large[kind], start = run(kind, batches(posts, args.large_batch), issue_id,
                                 snapshot_after=cut // args.large_batch)
        small[kind], _ = run(kind, batches(posts[cut:], args.small_batch), issue_id, start=start if cut else None)
    figures = {
        "rate_per_minute": args.rate, "minutes": args.minutes,
        "small": {"batch": args.small_batch, "measured_minutes": round((len(posts) - cut) / args.rate, 2),
                  **compare("small", small)},
        "large": {"batch": args.large_batch, "measured_minutes": args.minutes, **compare("large", large)},
    }
    print(f"Sigap issue-state changelog benchmark — one claim issue, {args.rate} posts/min for {args.minutes} "
          f"event-minutes, default policy; bytes as Faust's JSON codec sends them (value + key)")
    show(f"batches of {args.small_batch} posts, last {figures['small']['measured_minutes']:g} minutes (from the state "
         f"the batches of {args.large_batch} reached by then)", figures["small"])
    show(f"batches of {args.large_batch} posts, all {args.minutes} minutes", figures["large"])
    if args.json:
        print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
