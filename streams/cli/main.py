"""The ``sigap`` console script: one sub-command module per concept, each with ``register(subparsers)``.

A sub-command module adds its parser and sets ``func`` (a callable taking the parsed args and returning an exit
code). Heavy imports (Faust, scikit-learn) stay inside the handlers so ``sigap --help`` is instant.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

COMMAND_MODULES = [
    "streams.cli.kafka",
    "streams.cli.topics",
    "streams.cli.worker",
    "streams.cli.train",
    "streams.cli.score",
    "streams.cli.claims",
    "streams.cli.issues",
    "streams.cli.dlq",
    "streams.cli.report",
    "streams.cli.replay",
    "streams.cli.tail",
    "streams.cli.simulate",
    "streams.cli.demo",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sigap", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue  # a command not built yet
            raise
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("kafka").setLevel(logging.WARNING)  # kafka-python logs every connection at INFO
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
