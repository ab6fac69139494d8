"""`sigap worker [--web-port N]`: one Faust worker running every agent."""

from __future__ import annotations

import argparse
import os


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("worker", help="run one Faust worker (all agents)")
    parser.add_argument("--web-port", type=int, help="port of /health and /metrics (default SIGAP_WEB_PORT or 6066)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.web_port is not None:
        os.environ["SIGAP_WEB_PORT"] = str(args.web_port)  # settings are read when the app is imported
    from faust import Worker

    from streams.app import app, settings
    from streams.log_flood import limit_client_retry_logs

    limit_client_retry_logs()
    Worker(app, loglevel=settings.log_level, redirect_stdouts=False).execute_from_commandline()
    return 0
