"""``sigap topics create``: every Sigap topic with its partitions, retention and compaction (idempotent)."""

from __future__ import annotations

import argparse
import logging

log = logging.getLogger("sigap.topics")

EXIT_FAILED = 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("topics", help="manage Sigap's Kafka topics")
    actions = parser.add_subparsers(dest="topics_command", required=True)
    create = actions.add_parser(
        "create", help="create every topic under SIGAP_TOPIC_PREFIX (existing ones are reported, not changed)")
    create.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for the broker (default 30)")
    create.set_defaults(func=create_command)


def create_command(args: argparse.Namespace) -> int:
    from streams.kafka_local import BrokerUnavailable, TopicAdminError, create_topics, wait_for_broker
    from streams.settings import get_settings

    logging.getLogger("kafka").setLevel(logging.WARNING)  # kafka-python logs every connection at INFO
    settings = get_settings()
    try:
        wait_for_broker(settings.bootstrap_servers, timeout=args.timeout, security=settings.kafka_security())
        results = create_topics(settings, timeout=args.timeout)
    except (BrokerUnavailable, TopicAdminError) as exc:
        log.error("%s", exc)
        return EXIT_FAILED
    width = max(len(result.name) for result in results)
    for result in results:
        print(result.describe(width))
    created = sum(result.created for result in results)
    print(f"{created} created, {len(results) - created} already existed "
          f"(prefix {settings.topic_prefix!r}, broker {','.join(settings.bootstrap_servers)})")
    return 0
