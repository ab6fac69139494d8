"""The options a responder team uses to follow only its escalations (`sigap tail`, `sigap report`)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("following some escalations (and what became of their issues)")
    group.add_argument("--route", action="append", metavar="ROUTE",
                       help="only escalations on this route: counter-messaging, fact-check, public-relations, "
                            "platform-report or monitoring (repeatable)")
    group.add_argument("--region", action="append", metavar="CODE",
                       help="only escalations where this province, by ISO 3166-2 code (e.g. ID-JB), holds at least "
                            "--region-share of the posts that name a region (repeatable)")
    add_region_share(group)
    group.add_argument("--min-severity", choices=["waspada", "siaga", "awas"],
                       help="only escalations from this level up")


def add_region_share(parser) -> None:
    parser.add_argument("--region-share", type=float, metavar="S",
                        help="share of the window's posts that name a region a province needs for --region "
                             "(default 0.2; 0: any post)")


def subscription(args: argparse.Namespace):
    """The Subscription the options describe; a wrong route or province code ends the command (exit 2)."""
    from streams.escalation.subscription import Subscription, SubscriptionError

    try:
        return Subscription.from_options(args.route, args.region, args.min_severity, args.region_share)
    except SubscriptionError as exc:
        raise SystemExit(f"sigap: {exc}") from None
