"""The ``sigap`` console script: one sub-command module per concept, each with ``register(subparsers)``.

A sub-command module adds its parser and sets ``func`` (a callable taking the parsed args and returning an exit
code). Heavy imports (Faust, scikit-learn) stay inside the handlers so ``sigap --help`` is instant.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from streams.kafka_local.connection_faults import ConnectionFault

log = logging.getLogger("sigap")
EXIT_BROKER = 1  # the broker could not be reached or refused access
EXIT_SETTINGS = 78  # EX_CONFIG: a SIGAP_* variable holds a value Sigap cannot use
EXIT_NO_INPUT = 66  # EX_NOINPUT: a file named on the command line cannot be read
EXIT_BROKEN_PIPE = 141  # as a shell reports a command ended by SIGPIPE
EXIT_INTERRUPTED = 130  # ... and by SIGINT

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
    "streams.cli.notify",
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


def _not_cancelled_at_close(record: logging.LogRecord) -> bool:
    """kafka-python logs ``ERROR Metadata refresh: failed Cancelled`` when a command closes its client while a
    metadata request is in flight (seen on 1 run in 5 of `sigap report`): its request was cancelled, nothing
    failed, and the command's output is whole. Every other metadata error is still logged."""
    from kafka.errors import Cancelled

    return not (record.msg == "Metadata refresh: failed %s" and isinstance(record.args, tuple)
                and len(record.args) == 1 and isinstance(record.args[0], Cancelled))


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("kafka").setLevel(logging.WARNING)  # kafka-python logs every connection at INFO
    logging.getLogger("kafka.cluster").addFilter(_not_cancelled_at_close)
    args = build_parser().parse_args(argv)
    from kafka import errors as kafka_errors
    from pydantic import ValidationError

    from streams.cli.terminal import SafeOutput
    from streams.kafka_local.connection_faults import watch_connections
    from streams.kafka_local.errors import BrokerUnavailable
    from streams.settings import get_settings, settings_problems

    try:
        get_settings()  # every command reads them; a bad value is named here, once, not in a traceback
    except ValidationError as exc:
        for line in settings_problems(exc):
            log.error("%s", line)
        return EXIT_SETTINGS
    stdout = sys.stdout
    if args.command != "worker":  # Faust owns the worker's console, and it prints no one's text
        sys.stdout = SafeOutput(stdout)
    with watch_connections(verbose=os.environ.get("SIGAP_LOG_LEVEL", "").upper() == "DEBUG") as faults:
        try:
            return int(args.func(args) or 0)
        except kafka_errors.KafkaTimeoutError as exc:
            if "bootstrap" not in str(exc):
                raise
            log.error("%s", _unreachable(faults.fault))
        except BrokerUnavailable as exc:  # streams.cli.clients: a cause no retry fixes, or nothing answered
            log.error("%s", exc)
        except kafka_errors.AuthorizationError as exc:
            log.error("the broker refused access (%s): the user in SIGAP_BROKER_USERNAME needs ACLs for Sigap's "
                      "topics and consumer groups", type(exc).__name__)
        except KeyboardInterrupt:  # (a command that handles Ctrl-C itself can get a second one while it stops)
            return EXIT_INTERRUPTED
        except BrokenPipeError:  # the reader went away (`sigap issues --json | head`): stop quietly, as `cat` does
            os.dup2(os.open(os.devnull, os.O_WRONLY), stdout.fileno())  # (so the flush at exit cannot fail again)
            return EXIT_BROKEN_PIPE
        except OSError as exc:
            if exc.filename is None:  # (a socket's error, not a file's)
                raise
            log.error("cannot use %s: %s", exc.filename, exc.strerror or exc)
            return EXIT_NO_INPUT
        finally:
            sys.stdout = stdout
    return EXIT_BROKER


def _unreachable(fault: ConnectionFault | None) -> str:
    from streams.kafka_local.connection_faults import unreachable_message
    from streams.settings import get_settings

    settings = get_settings()
    return unreachable_message(", ".join(settings.bootstrap_servers), settings.security_protocol, fault)


if __name__ == "__main__":
    sys.exit(main())
