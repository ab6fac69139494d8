"""``sigap kafka start|stop|status``: the local single-node Kafka broker for development and tests."""

from __future__ import annotations

import argparse
import logging

log = logging.getLogger("sigap.kafka")

EXIT_FAILED = 1
EXIT_NOT_RUNNING = 3


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "kafka", help="run a local single-node Apache Kafka broker (KRaft) on 127.0.0.1:9092",
        description="A real Kafka broker from Maven Central jars, with data under SIGAP_DATA_DIR/kafka. "
                    "Ports: SIGAP_KAFKA_PORT (9092) and SIGAP_KAFKA_CONTROLLER_PORT (9093).")
    actions = parser.add_subparsers(dest="kafka_command", required=True)

    start = actions.add_parser("start", help="start the broker (idempotent) and wait until it answers")
    start.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the broker (default 60)")
    start.set_defaults(func=start_command)

    stop = actions.add_parser("stop", help="stop the broker (SIGTERM, SIGKILL after --timeout)")
    stop.add_argument("--timeout", type=float, default=30.0, help="seconds before SIGKILL (default 30)")
    stop.set_defaults(func=stop_command)

    status = actions.add_parser("status", help="is the broker running and answering? (exit code 3 if not running)")
    status.set_defaults(func=status_command)


def start_command(args: argparse.Namespace) -> int:
    from streams.kafka_local import LocalKafkaConfig, LocalKafkaError, start_broker
    from streams.settings import get_settings

    _quiet_kafka_client()
    config = LocalKafkaConfig.from_settings()
    if config.bootstrap not in get_settings().bootstrap_servers:
        log.warning("SIGAP_BROKER (%s) does not point at the local broker's listener %s",
                    get_settings().broker, config.bootstrap)
    try:
        result = start_broker(config, timeout=args.timeout)
    except LocalKafkaError as exc:
        log.error("Kafka did not start: %s", exc)
        return EXIT_FAILED
    if result.already_running:
        print(f"Kafka is already running on {result.bootstrap} (pid {result.pid})")
    else:
        print(f"Kafka {config.kafka_version} started on {result.bootstrap} (pid {result.pid}) "
              f"in {result.seconds:.1f} s; data in {config.home}")
    return 0


def stop_command(args: argparse.Namespace) -> int:
    from streams.kafka_local import LocalKafkaConfig, stop_broker

    config = LocalKafkaConfig.from_settings()
    result = stop_broker(config, timeout=args.timeout)
    if result is None:
        print(f"Kafka is not running (data dir {config.home})")
    else:
        how = "killed after the SIGTERM timeout" if result.killed else "stopped"
        print(f"Kafka (pid {result.pid}) {how}")
    return 0


def status_command(args: argparse.Namespace) -> int:
    from streams.kafka_local import broker_status

    _quiet_kafka_client()
    status = broker_status()
    print(status.describe())
    return 0 if status.running else EXIT_NOT_RUNNING


def _quiet_kafka_client() -> None:
    logging.getLogger("kafka").setLevel(logging.WARNING)  # kafka-python logs every connection at INFO
