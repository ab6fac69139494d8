"""`sigap notify`: deliver the escalations a team follows, and what became of their issues, to its webhook.

Keeps running until stopped (or ``--timeout`` / ``--max``). Its position is committed to the broker under the
consumer group ``<app id>-notify-<name>`` after each event, so a restart resumes after the last event handled: at
least once, and an event id already handled (a re-emission) is not sent again, across restarts too, because the
start re-reads the topic up to that position to recall the ids and the followed issues.
"""

from __future__ import annotations

import argparse
import functools
import logging
import signal
import time

from streams.cli import follow
from streams.cli.arguments import positive_seconds

log = logging.getLogger("sigap.notify")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("notify", help="deliver escalations to a team's webhook (a chat room, or any "
                                                  "CloudEvents receiver)")
    parser.add_argument("--url", help="the webhook (default: SIGAP_NOTIFY_URL, the better place: a webhook URL "
                                      "usually holds its secret)")
    parser.add_argument("--format", choices=["cloudevents", "text"], default="cloudevents",
                        help="cloudevents: each event as it is (application/cloudevents+json); text: "
                             '{"text": "<one line in Indonesian>"}, for Slack, Mattermost, Rocket.Chat or Google '
                             "Chat incoming webhooks (default cloudevents)")
    parser.add_argument("--zone", choices=["UTC", "WIB", "WITA", "WIT"],
                        help="text format: show the event's time in this zone (default: as on the event, UTC)")
    parser.add_argument("--samples", type=int, default=0, choices=range(0, 6), metavar="N",
                        help="text format: quote up to N of the escalation's sample posts (0-5), with their links "
                             "(default 0: posts quote people, so none unless the team's room may hold them)")
    parser.add_argument("--name", default="default",
                        help="this notifier's name; its position is kept under <app id>-notify-<name>")
    parser.add_argument("--from-beginning", action="store_true",
                        help="on its first start, deliver the oldest retained events too (default: new ones only)")
    parser.add_argument("--dry-run", action="store_true",
                        help="print each request body instead of sending it, and keep no position: try the filters "
                             "and the format first (no webhook needed)")
    parser.add_argument("--timeout", type=float, help="stop after this many seconds without a new event")
    parser.add_argument("--http-timeout", type=positive_seconds, default=10.0, metavar="SECONDS",
                        help="how long to wait for the webhook's response before retrying the event (default 10; "
                             "a receiver slower than that gets the event again)")
    parser.add_argument("--max", type=int, help="stop after delivering this many events")
    parser.add_argument("--partition-check", type=float, default=60.0, metavar="SECONDS",
                        help="how often to look for partitions added to the escalations topic; a new one is "
                             "delivered from its beginning (default 60)")
    parser.add_argument("--metrics-port", type=int, metavar="PORT",
                        help="serve Prometheus metrics (sigap_notify_*) on this port's /metrics (default: none)")
    follow.add_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import prometheus_client
    from kafka import TopicPartition
    from kafka.structs import OffsetAndMetadata

    from streams.cli import clients
    from streams.cli.snapshot import assign_every_partition, read_to_end
    from streams.escalation import notify_metrics
    from streams.escalation.webhook import Notifier, post
    from streams.settings import get_settings
    from streams.topics import ESCALATIONS

    settings = get_settings()
    url = args.url or (settings.notify_url.get_secret_value() if settings.notify_url else None)
    if args.dry_run:
        url = "http://dry-run.invalid/"  # what the logs name: nothing is sent anywhere
    elif not url:
        raise SystemExit("sigap: give the webhook with SIGAP_NOTIFY_URL (or --url)")
    try:
        notifier = Notifier(url, args.format, follow.subscription(args), zone=args.zone, samples=args.samples,
                            send=_print_instead if args.dry_run else functools.partial(post,
                                                                                       timeout=args.http_timeout))
    except ValueError as exc:
        raise SystemExit(f"sigap: {exc}") from None
    topic = f"{settings.topic_prefix}{ESCALATIONS}"
    group = f"{settings.app_id}-notify-{args.name}"
    if args.metrics_port is not None:
        notify_metrics.info.labels(notifier=args.name, format=args.format).set(1)
        prometheus_client.start_http_server(args.metrics_port, registry=notify_metrics.REGISTRY)

    def done() -> bool:
        return args.max is not None and notifier.counts["delivered"] >= args.max

    signal.signal(signal.SIGTERM, _stop)  # a pod being stopped: leave as on Ctrl-C, after closing the consumer
    consumer = clients.consumer(settings, group_id=group, enable_auto_commit=False)
    try:
        assigned = assign_every_partition(consumer, topic)
        starts = _start_positions(consumer, assigned, args.from_beginning)
        if not args.dry_run:  # a partition without a commit is then one added later, and all of it is new
            consumer.commit({tp: OffsetAndMetadata(offset, "", -1) for tp, offset in starts.items()})
        notifier.recall(read_to_end(topic, settings, stops={tp.partition: starts[tp] for tp in assigned}))
        log.info("delivering %s to %s (%s)%s, group %s", topic, notifier.where, args.format,
                 f", following {notifier.subscription.describe()}" if notifier.subscription.narrows else "", group)
        last_event = next_partition_check = time.monotonic()
        while not done():
            if time.monotonic() >= next_partition_check:
                assigned = _take_added_partitions(consumer, topic, assigned)
                next_partition_check = time.monotonic() + args.partition_check
            batches = consumer.poll(timeout_ms=500)
            if not batches:
                if args.timeout is not None and time.monotonic() - last_event > args.timeout:
                    break
                continue
            last_event = time.monotonic()
            for record in (record for _, records in sorted(batches.items()) for record in records):
                if done():
                    break
                notifier.handle(record)
                if not args.dry_run:
                    position = OffsetAndMetadata(record.offset + 1, "", -1)
                    consumer.commit({TopicPartition(record.topic, record.partition): position})
    except KeyboardInterrupt:
        pass
    finally:
        consumer.close()
    log.info("%s", ", ".join(f"{what} {n}" for what, n in notifier.counts.items()))
    return 0


def _print_instead(url: str, request) -> int:
    print(request.body.decode("utf-8", "replace"), flush=True)
    return 200


def _stop(signum, frame) -> None:
    raise KeyboardInterrupt


def _start_positions(consumer, assigned: list, from_beginning: bool) -> dict:
    """Where each partition resumes: its committed offset; a partition without one resumes at its beginning if
    the group has committed before (the partition was added since), else (a first start) at its end, or its
    beginning with ``from_beginning``."""
    committed = {tp: consumer.committed(tp) for tp in assigned}
    first_start = all(offset is None for offset in committed.values())
    starts = {}
    for tp, offset in committed.items():
        if offset is not None:
            consumer.seek(tp, offset)
        elif from_beginning or not first_start:
            consumer.seek_to_beginning(tp)
        else:
            consumer.seek_to_end(tp)
        starts[tp] = consumer.position(tp)
    return starts


def _take_added_partitions(consumer, topic: str, assigned: list) -> list:
    """``assigned`` plus any partition added to ``topic`` since, each from its beginning (or its committed
    offset): every event in it came after this notifier started."""
    from kafka import TopicPartition

    consumer.topics()  # a fresh metadata request: the consumer's cached metadata may be minutes old
    known = {tp.partition for tp in assigned}
    added = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic)) if p not in known]
    if not added:
        return assigned
    consumer.assign(assigned + added)
    _start_positions(consumer, added, from_beginning=True)
    log.info("%s gained partition(s) %s: delivering them from their beginning", topic,
             ", ".join(str(tp.partition) for tp in added))
    return assigned + added
