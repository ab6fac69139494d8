"""`sigap score --input F.jsonl --output G.jsonl [--claims C.jsonl]`: offline scoring on the agents' code path.

One output line per input line, same order: a scored post, or the dead-letter record for an input that the worker
would have sent to the dead-letter topic.
"""

from __future__ import annotations

import argparse
import codecs
import sys
from itertools import islice
from pathlib import Path

from streams.cli.arguments import positive_int


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("score", help="score posts from a JSONL file, offline")
    parser.add_argument("--input", required=True, type=Path, help="posts, one JSON object per line")
    parser.add_argument("--output", required=True, type=Path, help="scored posts, one per input line")
    parser.add_argument("--claims", type=Path, help="known claims to match against (JSONL, or ClaimReview JSON)")
    parser.add_argument("--batch-size", type=positive_int, default=500)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import orjson

    from streams.cli.claims import read_claim_file
    from streams.pipeline import RawMessage, process_messages
    from streams.scoring import Scorer
    from streams.settings import get_settings

    claims = read_claim_file(args.claims, skip_invalid=True) if args.claims else []
    scorer = Scorer.load(get_settings().models_dir, claims=claims)
    source = str(args.input)
    scored = invalid = 0
    with args.input.open("rb") as src, args.output.open("wb") as out:
        # a file saved by some editors starts with a byte-order mark: not part of the first post
        numbered = enumerate((line.removeprefix(codecs.BOM_UTF8) if n == 0 else line).rstrip(b"\r\n")
                             for n, line in enumerate(src))
        while batch := list(islice(numbered, args.batch_size)):
            messages = [RawMessage(None, line, source, 0, number) for number, line in batch]
            outcome = process_messages(messages, scorer, max_clock_skew_seconds=None)  # a file has no "now"
            # process_messages keeps valid posts in order; re-interleave them with the dead letters by offset
            letters = {letter.record["offset"]: letter.record for letter in outcome.dead_letters}
            posts = iter(outcome.encoded)
            for number, _ in batch:
                out.write((orjson.dumps(letters[number]) if number in letters else next(posts)) + b"\n")
            scored += len(outcome.scored)
            invalid += len(letters)
    print(f"scored {scored} posts, {invalid} invalid lines -> {args.output}", file=sys.stderr)
    return 0
