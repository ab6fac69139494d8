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

    from streams.models.artifacts import ModelsMissingError, UntrustedArtifactError, check_artifacts
    from streams.policy.loader import PolicyError, load_policy
    from streams.settings import get_settings

    try:  # the issue agent would fail to import without it, and the worker would run on, detecting nothing
        load_policy(get_settings().policy_path)
    except PolicyError as exc:
        raise SystemExit(f"sigap worker: not started, the escalation policy (SIGAP_POLICY_PATH) is unusable: {exc}") \
            from None
    try:  # (the scorer loads them once the worker runs: the same error then came amid ~190 lines of start-up log)
        check_artifacts(get_settings().models_dir)
    except (ModelsMissingError, UntrustedArtifactError) as exc:
        raise SystemExit(f"sigap worker: not started: {exc}") from None
    from streams.app import app, settings
    from streams.kafka_local import wait_for_broker
    from streams.log_flood import limit_client_retry_logs

    # as every other command: a broker that does not answer yet is waited for, and one that cannot be reached ends
    # the command with the cause and the setting to check (BrokerUnavailable, streams.cli.main), where Faust would
    # give up within seconds with a traceback
    wait_for_broker(settings.bootstrap_servers, timeout=settings.broker_wait_seconds,
                    security=settings.kafka_security())
    limit_client_retry_logs()
    Worker(app, loglevel=settings.log_level, redirect_stdouts=False).execute_from_commandline()
    return 0
