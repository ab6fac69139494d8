"""Argument types the sub-commands share: argparse reports a bad value in one line, before any work starts."""

from __future__ import annotations

import argparse


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0, not {text}")
    return value


def rfc3339_time(text: str) -> str:
    """A time option as records write times (RFC 3339 with its offset), kept as written. A time without an offset
    was taken as UTC, so ``--since 2026-11-29T20:20 --zone WIB`` silently meant 03:20 WIB the next day."""
    from streams.records.clock import read_time

    try:
        read_time(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} {exc}") from None
    return text
