"""`sigap issues` and `sigap feedback`: what responders see of the issues, and what they tell Sigap back.

``issues`` reads the compacted issues topic (the latest state of every issue) and prints the escalated ones,
highest level first. ``feedback`` publishes a responder's verdict on an issue to the feedback topic, keyed by
issue id: a false alarm stops further escalation of that issue, and every verdict is counted
(``sigap_feedback_total``), so alert precision can be graphed.
"""

from __future__ import annotations

import argparse
import sys

from streams.cli import follow


def register(subparsers: argparse._SubParsersAction) -> None:
    issues = subparsers.add_parser("issues", help="the escalated issues, highest level first")
    issues.add_argument("--all", action="store_true", help="every issue the topic holds, escalated or not")
    issues.add_argument("--json", action="store_true", help="one issue record per line, as published")
    issues.add_argument("--region", action="append", metavar="CODE",
                        help="only issues where this province, by ISO 3166-2 code (e.g. ID-JT), holds at least "
                             "--region-share of the latest window's posts that name a region (repeatable)")
    follow.add_region_share(issues)
    issues.add_argument("--zone", choices=["UTC", "WIB", "WITA", "WIT"],
                        help="the last post's time in this zone (default: as on the record, UTC)")
    issues.set_defaults(func=run_issues)
    feedback = subparsers.add_parser("feedback", help="a responder's verdict on an escalated issue")
    feedback.add_argument("issue_id", help="as `sigap issues` and the escalation's subject show it")
    # checked with the worker's own parser when sent (importing it here would slow `sigap --help`)
    feedback.add_argument("verdict", help="confirmed, false_alarm or resolved")
    feedback.add_argument("--by", required=True, help="who gives the verdict (a name or a team)")
    feedback.add_argument("--note", help="free text kept with the feedback record")
    feedback.add_argument("--at", help="when the verdict was given, RFC 3339 (default: now); for a replayed stream, "
                                       "a time near its posts'")
    feedback.set_defaults(func=run_feedback)


def issue_line(issue: dict, zone: str | None = None) -> str:
    from streams.escalation.lines import local_time, verdict_words
    from streams.issues.places import concentrated_in

    level = (issue.get("severity") or "normal").upper()
    top = (issue.get("max_severity") or "normal").upper()
    claims = "; ".join(str(c.get("claim", ""))[:60] for c in issue.get("matched_claims") or []
                       if c.get("claim") != issue.get("label"))
    place = concentrated_in((issue.get("spread") or {}).get("regions") or {})
    last = (issue.get("feedback") or {}).get("last") or {}
    reviewed = (f" | ditinjau: {verdict_words(last.get('verdict'))} oleh {last.get('by')}" if last.get("verdict")
                else "")
    last_seen = issue.get("last_seen")
    if zone is not None and (shown := local_time(last_seen, zone)) is not None:
        last_seen = f"{shown} {zone}"
    return (f"{level:<7} (puncak {top:<7}) {issue.get('posts', 0):>6} post  {issue.get('label')}  "
            f"[{issue.get('issue_id')}] terakhir {last_seen}"
            + reviewed + (f" | wilayah: {place}" if place else "") + (f" | klaim: {claims}" if claims else ""))


def _issue(value: bytes) -> dict | None:
    import orjson

    from streams.escalation.shape import usable_issue

    try:
        issue = orjson.loads(value)
    except orjson.JSONDecodeError:
        return None
    return issue if usable_issue(issue) else None


def run_issues(args: argparse.Namespace) -> int:
    import orjson

    from streams.cli.snapshot import read_compacted
    from streams.escalation.subscription import (
        SubscriptionError,
        names_province,
        province_codes,
        region_share,
    )
    from streams.settings import get_settings
    from streams.topics import ISSUES

    try:
        regions = province_codes(args.region)  # checked before reading the topic
        share = region_share(args.region_share)
    except SubscriptionError as exc:
        raise SystemExit(f"sigap: {exc}") from None
    settings = get_settings()
    values = list(read_compacted(f"{settings.topic_prefix}{ISSUES}", settings).values())
    issues = [issue for issue in map(_issue, values) if issue is not None]
    if len(issues) < len(values):
        print(f"{len(values) - len(issues)} of {len(values)} records passed over: not issue records of the shape "
              "Sigap writes", file=sys.stderr)
    shown = [i for i in issues if (args.all or int(i.get("max_level") or 0) >= 2)
             and names_province((i.get("spread") or {}).get("regions"), regions, share)]
    shown.sort(key=lambda i: i.get("last_seen") or "", reverse=True)  # most recent first within a level
    shown.sort(key=lambda i: (-int(i.get("level") or 0), -int(i.get("max_level") or 0)))
    for issue in shown:
        print(orjson.dumps(issue).decode() if args.json else issue_line(issue, args.zone))
    print(f"{len(shown)} dari {len(issues)} isu", file=sys.stderr)
    return 0


def run_feedback(args: argparse.Namespace) -> int:
    import orjson

    from datetime import UTC, datetime

    from streams.cli import clients
    from streams.cli.produce import deliver
    from streams.records.clock import check_not_ahead
    from streams.records.deadletter import rfc3339_now
    from streams.records.errors import InvalidInput
    from streams.records.feedback import parse_feedback
    from streams.settings import get_settings
    from streams.topics import FEEDBACK

    record = {"issue_id": args.issue_id, "verdict": args.verdict, "by": args.by, "at": args.at or rfc3339_now()}
    if args.note:
        record["note"] = args.note
    value = orjson.dumps(record)
    settings = get_settings()
    try:  # the worker would dead-letter what does not parse, or a time ahead of its clock
        check_not_ahead(parse_feedback(value), "at", datetime.now(UTC), settings.max_clock_skew_seconds)
    except InvalidInput as exc:
        print(f"not sent: {exc}", file=sys.stderr)
        return 2
    topic = f"{settings.topic_prefix}{FEEDBACK}"
    undelivered = deliver(clients.producer(settings, acks="all"), [(topic, args.issue_id.encode(), value)])
    if undelivered:
        print(f"not published: {undelivered[0].reason}", file=sys.stderr)
        return 1
    print(f"{args.verdict} for {args.issue_id} published to {topic}")
    _warn_if_unknown(args.issue_id, settings)
    return 0


def _warn_if_unknown(issue_id: str, settings) -> None:
    """A verdict for an issue no worker holds is kept for an hour and then dropped, so a mistyped id (``topic-krll``)
    would be lost without a word: say so when the issues topic holds no such issue (it may also be an issue
    created moments ago, whose record is not out yet)."""
    from streams.cli.snapshot import read_compacted
    from streams.topics import ISSUES

    if issue_id in read_compacted(f"{settings.topic_prefix}{ISSUES}", settings):
        return
    print(f"note: the issues topic holds no issue {issue_id}; check the id with `sigap issues --all` (a verdict for "
          "an issue no worker holds is kept for an hour, then dropped)", file=sys.stderr)
