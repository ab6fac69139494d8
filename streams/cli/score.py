"""`sigap score --input F.jsonl --output G.jsonl [--claims C.jsonl]`: offline scoring on the agents' code path.

One output line per input line, same order: a scored post, or the dead-letter record for an input that the worker
would have sent to the dead-letter topic. Posts are matched against the shipped starter claims, or with ``--claims``
against that file's claims only, as `sigap simulate` matches them (so its output piped into `sigap simulate` gives
the same escalations as the raw file). ``-`` reads stdin or writes stdout.
"""

from __future__ import annotations

import argparse
import codecs
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any

from streams.cli.arguments import positive_int


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("score", help="score posts from a JSONL file, offline")
    parser.add_argument("--input", required=True, type=Path, help="posts, one JSON object per line ('-': stdin)")
    parser.add_argument("--output", required=True, type=Path,
                        help="scored posts, one per input line ('-': stdout); not the input file")
    parser.add_argument("--claims", type=Path, help="known claims to match against (JSONL, or ClaimReview JSON; "
                                                    "default: the shipped starter claims, as `sigap simulate`)")
    parser.add_argument("--batch-size", type=positive_int, default=500)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import orjson

    from streams.cli.claims import read_claim_file
    from streams.pipeline import RawMessage, process_messages
    from streams.scoring import Scorer
    from streams.settings import get_settings

    if str(args.input) != "-" and str(args.output) != "-" and args.output.exists() and args.input.exists() \
            and args.output.samefile(args.input):
        raise SystemExit(f"sigap score: --output {args.output} is the input file: it would be emptied before it is "
                         "read; write elsewhere")
    claims = read_claim_file(args.claims, skip_invalid=True) if args.claims else None  # None: the starter claims
    scorer = Scorer.load(get_settings().models_dir, claims=claims)
    source = "stdin" if str(args.input) == "-" else str(args.input)
    scored = invalid = 0
    with _opened(args.input, "rb", sys.stdin) as src, _opened(args.output, "wb", sys.stdout) as out:
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
    where = "stdout" if str(args.output) == "-" else args.output
    print(f"scored {scored} posts, {invalid} invalid lines -> {where}", file=sys.stderr)
    return 0


@contextmanager
def _opened(path: Path, mode: str, standard: Any) -> Iterator[Any]:
    """The file, or for ``-`` the standard stream's bytes (left open)."""
    if str(path) == "-":
        yield standard.buffer
        standard.buffer.flush()
        return
    with path.open(mode) as handle:
        yield handle
