"""``sigap train``: train every model from the data shipped in the repo, write versioned artifacts, print the
evaluation table."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "train",
        help="train all models from the repo's data/, write artifacts and print the evaluation",
        description=__doc__,
    )
    p.add_argument("--data-dir", type=Path, default=None, help="training data folder (default: the repo's data/)")
    p.add_argument("--models-dir", type=Path, default=None, help="where to write artifacts (default: SIGAP_MODELS_DIR)")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the fixed project seed)")
    p.add_argument("--no-write", action="store_true", help="evaluate only; do not overwrite the artifacts")
    p.add_argument("--json", action="store_true", help="print the full evaluation report as JSON")
    p.add_argument("--quick", action="store_true", help="small seeded subset (smoke test, not for shipping)")
    p.add_argument("--check", action="store_true",
                   help="train into a temporary folder and check that it reproduces the artifacts in --models-dir "
                        "(default: the shipped ones); exit status 1 if any evaluation figure differs")
    p.add_argument("--starter-claims", action="store_true",
                   help="also rewrite streams/claims/starter_claims.jsonl from the tweet set's claim column")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from streams.models.report import format_report
    from streams.models.fitting import TrainConfig
    from streams.models.train import train_all

    cfg = TrainConfig()
    if args.seed is not None:
        cfg.seed = args.seed
    cfg.quick = bool(args.quick)
    if args.check:
        if args.quick or args.no_write or args.starter_claims:
            print("sigap train: --check trains the full models; it cannot be combined with --quick, --no-write "
                  "or --starter-claims", file=sys.stderr)
            return 2
        return check(args, cfg)
    if args.starter_claims:
        from streams.claims.starter import build_starter_claims, write_starter_claims
        from streams.models.data import load_rows

        path = write_starter_claims(build_starter_claims(load_rows("hoax_tweets", args.data_dir)))
        print(f"starter claims -> {path}")
    write = not args.no_write and not args.quick
    _, report = train_all(args.data_dir, args.models_dir, cfg, write=write)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False, sort_keys=True))
    print(format_report(report))
    if write:
        print(f"versions: {report.get('versions')}")
    print(f"trained in {report['seconds']:.0f} s")
    return 0


def check(args: argparse.Namespace, cfg) -> int:
    from streams.models.reproduce import compare_artifacts
    from streams.models.report import format_report
    from streams.models.train import train_all
    from streams.settings import get_settings

    reference = args.models_dir or get_settings().models_dir
    with tempfile.TemporaryDirectory(prefix="sigap-train-check-") as scratch:
        _, report = train_all(args.data_dir, Path(scratch), cfg, write=True)
        print(format_report(report))
        result = compare_artifacts(reference, Path(scratch))
    print(f"{reference}: {result.summary()}")
    return 0 if result.reproduced else 1
