"""`sigap report [--since TIME] [--until TIME] [--file F] [--zone Z] [--json]`: the responders' report of a period.

Reads the escalations topic from its oldest retained event (or a JSONL file of events, such as `sigap simulate`'s
output or a saved `sigap tail --from-beginning`) and prints, in Indonesian Markdown, the issues that escalated in
the period (event time), how far, on which route, from which province, what the responders said and when they
closed, with totals and the alert precision. ``--route``, ``--region`` and ``--min-severity`` keep the issues a
team follows (``streams/escalation/subscription.py``).
"""

from __future__ import annotations

import argparse
import codecs
import sys
from pathlib import Path

from streams.cli import follow
from streams.cli.arguments import rfc3339_time


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("report", help="the escalated issues of a period, for a responders' report")
    parser.add_argument("--since", metavar="TIME", type=rfc3339_time,
                        help="from this RFC 3339 event time, with its offset (2026-11-29T08:00:00+07:00; default: "
                             "the oldest event)")
    parser.add_argument("--until", metavar="TIME", type=rfc3339_time,
                        help="up to, not including, this RFC 3339 event time, with its offset")
    parser.add_argument("--file", type=Path, help="read the events from this JSONL file instead of the topic")
    parser.add_argument("--zone", choices=["UTC", "WIB", "WITA", "WIT"], default="UTC",
                        help="time zone of the times shown (default UTC; the JSON keeps the events' own times)")
    parser.add_argument("--json", action="store_true", help="the report as one JSON object")
    follow.add_arguments(parser)
    parser.set_defaults(func=run)


def read_events(path: Path | None) -> list[dict]:
    from streams.escalation.events import decode_escalation_event

    if path is not None:
        raw = path.read_bytes().removeprefix(codecs.BOM_UTF8)
        values = [line for line in raw.splitlines() if line.strip()]
    else:
        from streams.cli.snapshot import read_to_end
        from streams.settings import get_settings
        from streams.topics import ESCALATIONS

        settings = get_settings()
        records = read_to_end(f"{settings.topic_prefix}{ESCALATIONS}", settings)
        values = [record.value for record in records if record.value is not None]
    events = [event for event in map(decode_escalation_event, values) if event is not None]
    if len(events) < len(values):
        print(f"{len(values) - len(events)} of {len(values)} records passed over: not events of the shape Sigap "
              "writes", file=sys.stderr)
    return events


def run(args: argparse.Namespace) -> int:
    import dataclasses

    import orjson

    from streams.escalation.digest import digest, render
    subscription = follow.subscription(args)
    report = digest(read_events(args.file), args.since, args.until, subscription)
    if args.json:
        report["issues"] = [dataclasses.asdict(line) for line in report["issues"]]
        print(orjson.dumps(report).decode())
    else:
        print(render(report, args.zone), end="")
    return 0
