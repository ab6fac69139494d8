"""Hostile-input benchmark: the cost of scoring posts built to be slow, against ordinary posts of the same length.

    python benchmarks/bench_hostile.py [--chars 20000] [--repeat 3]

Each hostile post is one long run of a short unit ("a.a.a.…", "ab1.ab1.…", "#aB#aB…", Cyrillic, emoji…), the
shapes that make a regular expression try every start position again. Every post starts with a fresh letter
pair, so the normaliser's per-token memo never helps. For each shape it prints ms per post through the whole
scoring path (`streams.pipeline.score_posts`: normaliser, features, models, claim match, issue key) and the issue
engine, next to the same for ordinary Indonesian text of the same length; then the normaliser alone, now and,
as the baseline for this release's fix, with the URL pattern of the release before (it tried every position of
"a.a.a.…" again: quadratic).
A worker scores ~1,800 posts/s, so one post that costs a second stalls its partition for that second.
"""

from __future__ import annotations

import argparse
import re
import string
import sys
import time
from itertools import product
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from streams.issues.engine import IssueEngine  # noqa: E402
from streams.pipeline import score_posts  # noqa: E402
from streams.policy import load_policy  # noqa: E402
from streams.scoring import Scorer  # noqa: E402
import importlib  # noqa: E402

normalize_module = importlib.import_module("streams.text.normalize")  # the module (the package re-exports a
# function of the same name)
from tests.issues.helpers import JsonStore  # noqa: E402

UNITS = ["a.", "ab1.", "a.c", "a.co.", "w.", "a-", "a_", "#aB", "@a ", "!?", "😡.", "а.", "a\u0301", "\u200ba",
         "ａ.", "x.co.id/", "a@b.c", "RT @a: ", "anak2 ", "&amp;"]
ORDINARY = ("Air PDAM mati lagi sejak pagi, warga Cilandak kesal karena belum ada kabar kapan kembali mengalir. ")
URL_BEFORE = re.compile(  # the pattern of the release before, for the baseline
    r"(?:https?://|www\.)\S+"
    r"|(?:[\w-]++\.)++(?:com|co\.id|go\.id|ac\.id|or\.id|id|net|org|ly|io|me|info|tv|news)\b(?:/\S*)?",
    re.IGNORECASE,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=20_000, help="post length (the contract's maximum)")
    parser.add_argument("--repeat", type=int, default=3, help="posts per shape; the median is printed")
    args = parser.parse_args()
    scorer = Scorer.load()
    fresh = ("".join(pair) for pair in product(string.ascii_lowercase, repeat=2))

    def post_of(text: str) -> dict:
        return {"id": "p", "platform": "twitter", "text": text[:args.chars], "created_at": "2026-11-27T01:00:00Z",
                "author": {"id": "u"}}

    def timed(call) -> float:
        started = time.perf_counter()
        call()
        return (time.perf_counter() - started) * 1000

    def normalised_before(text: str) -> None:
        current = normalize_module._URL_RE
        normalize_module._URL_RE = URL_BEFORE
        try:
            normalize_module.normalize(text)
        finally:
            normalize_module._URL_RE = current

    def cost(unit: str) -> list[float]:
        runs = []
        for _ in range(args.repeat):
            def text() -> str:  # a fresh start each time: the normaliser's memo must not help
                return (next(fresh) + unit * (args.chars // len(unit) + 1))[:args.chars]
            scored: list = []
            score_ms = timed(lambda: scored.extend(score_posts([post_of(text())], scorer)))
            engine = IssueEngine(load_policy(), JsonStore(), JsonStore())
            engine_ms = timed(lambda: (engine.process(scored), engine.flush(final=True)))
            now_ms = timed(lambda: normalize_module.normalize(text()))
            before_ms = timed(lambda: normalised_before(text()))
            runs.append((score_ms, engine_ms, now_ms, before_ms))
        return [sorted(column)[len(column) // 2] for column in zip(*runs)]

    print(f"hostile posts of {args.chars} characters, median of {args.repeat}, ms per post")
    print(f"  {'shape':16s} {'scoring':>9s} {'engine':>8s} {'normaliser':>11s} {'normaliser before':>18s}")
    for unit in ["ordinary text", *UNITS]:
        score_ms, engine_ms, now_ms, before_ms = cost(ORDINARY if unit == "ordinary text" else unit)
        print(f"  {unit!r:16s} {score_ms:9.1f} {engine_ms:8.1f} {now_ms:11.1f} {before_ms:18.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
