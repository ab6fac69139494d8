"""`sigap tail [TOPIC]`: print events from a topic (default: escalations) as they arrive."""

from __future__ import annotations

import argparse
import sys
import time

from streams.cli import follow


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("tail", help="print events from a topic as they arrive")
    parser.add_argument("topic", nargs="?", default="escalations",
                        help="topic name without the prefix (escalations, posts.scored, issues, posts.dlq, ...) "
                             "or a full topic name")
    parser.add_argument("--from-beginning", action="store_true", help="start at the oldest retained event")
    parser.add_argument("--max", type=int, help="stop after this many events")
    parser.add_argument("--timeout", type=float, help="stop after this many seconds without a new event")
    parser.add_argument("--summary", action="store_true", help="one human-readable line per event")
    parser.add_argument("--zone", choices=["UTC", "WIB", "WITA", "WIT"],
                        help="with --summary: escalation times in this zone (default: as on the event, UTC)")
    follow.add_arguments(parser)
    parser.set_defaults(func=run)


def resolve_topic(name: str, prefix: str) -> str:
    from streams.topics import topic_specs

    suffixes = {spec.suffix for spec in topic_specs()}
    return f"{prefix}{name}" if name in suffixes else name


def summarize(value: dict, zone: str | None = None) -> str:
    from streams.escalation.lines import event_line

    line = event_line(value, zone)
    if line is not None:
        return line
    if "scores" in value:
        scores = value["scores"]
        match = scores.get("claim_match") or {}
        cues = scores["hoax"].get("cues") or []
        language = scores.get("language") or {}
        return (f"{value.get('created_at')} {value.get('id')} hoax={scores['hoax']['probability']:.2f} "
                f"sentimen={scores['sentiment']['label']} isu={scores.get('issue_id')}"
                + (f" klaim={match.get('claim_id')}" if match else "") + (f" ciri={','.join(cues)}" if cues else "")
                + (f" bahasa={language.get('code')}" if language else "")
                + f" | {value.get('text', '')[:80]}")
    if "error" in value and "original" in value:
        return f"{value.get('received_at')} DLQ {value['error']}: {value.get('detail')}"
    import orjson

    return orjson.dumps(value).decode()  # (an issue record, a verdict, a post: no summary of their own)


def run(args: argparse.Namespace) -> int:
    import orjson

    from streams.cli import clients
    from streams.cli.snapshot import existing_partitions
    from streams.escalation.events import decode_event
    from streams.settings import get_settings

    settings = get_settings()
    topic = resolve_topic(args.topic, settings.topic_prefix)
    subscription = follow.subscription(args)
    if subscription.narrows and topic != resolve_topic("escalations", settings.topic_prefix):
        raise SystemExit("sigap: --route, --region and --min-severity follow the escalations topic only")
    # not subscribed when made: a subscription to a missing topic had the broker create it (1 partition, the
    # broker's retention) and then waited on it forever
    consumer = clients.consumer(settings, group_id=None, enable_auto_commit=False,
                                auto_offset_reset="earliest" if args.from_beginning else "latest")
    try:
        existing_partitions(consumer, topic)  # a missing topic ends the command, as in `sigap issues`
        consumer.subscribe([topic])  # followed by subscription: a partition added while tailing is printed too
        print(f"tailing {topic} (Ctrl-C to stop)", file=sys.stderr)
        seen = 0
        last_event = time.monotonic()
        while args.max is None or seen < args.max:
            batches = consumer.poll(timeout_ms=500)
            records = [record for records in batches.values() for record in records]
            if not records:
                if args.timeout is not None and time.monotonic() - last_event > args.timeout:
                    break
                continue
            last_event = time.monotonic()
            for record in records:
                value = decode_event(record.value) if subscription.narrows or args.summary else None  # parsed once
                if subscription.narrows and not subscription.follows(value or {}):
                    continue
                seen += 1
                if record.value is None:
                    print(orjson.dumps({"key": (record.key or b"").decode(), "tombstone": True}).decode())
                elif args.summary and value is not None:
                    print(summarize(value, args.zone), flush=True)
                else:  # as it is; also a summary's fallback for what is not a JSON object
                    print(record.value.decode("utf-8", "replace"), flush=True)
                if args.max is not None and seen >= args.max:
                    break
    except KeyboardInterrupt:
        pass
    finally:
        consumer.close()
    return 0
