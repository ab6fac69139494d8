"""Times a record cannot hold, and reading the times it holds.

Every time a record holds is read by ``parse_time``, and the schema accepts a time only if ``parse_time`` reads it
(``EventTime``): Pydantic alone also takes lowercase ``t``/``z`` (RFC 3339 allows them) and strings of digits (as
Unix times), which the code reading the accepted records then failed on.

Before 1990 (``EventTime``, checked with the schema): no online post is that old, so such a time is a zero or
default date (1970-01-01, 0001-01-01), and the issue engine's windows would reach before year 1.

Later than the clock (``check_not_ahead``): event time cannot run ahead of the wall clock, and the issue engine
trusts it: a post dated in the future would move its partition's watermark to that date, so every open issue
there closed as idle and every later post arrived late; a verdict dated in the future would keep its issue open
until then."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BeforeValidator

from streams.records.errors import InvalidInput, InvalidReason

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)


# RFC 3339 date-time (section 5.6, what JSON Schema's "date-time" format checks; ``T``/``Z`` in either case), at
# most nanoseconds. A post passes on unchanged, so a time a consumer's schema check refuses must not get in: the
# forms accepted before (a space for the ``T``, no seconds, an offset without its colon) were published on
# scored posts and refused by the shipped schemas. At most nanoseconds: the stamp is copied into records as it was
# written, and a fraction of a megabyte of digits made them too large to publish.
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})")


def parse_time(stamp: str) -> datetime:
    """A time the schema accepted (``EventTime``)."""
    return datetime.fromisoformat(stamp.upper())


def read_time(value: object) -> datetime:
    """An RFC 3339 date-time as records and command-line options must write it; ValueError otherwise."""
    if not isinstance(value, str) or not _RFC3339.fullmatch(value):
        raise ValueError("must be an RFC 3339 time with its offset, e.g. 2026-11-27T08:00:00Z or "
                         "2026-11-27T15:00:00+07:00")
    return parse_time(value)



def _not_before_1990(value: datetime) -> datetime:
    if value < EARLIEST:
        raise ValueError("is before 1990: no online post is that old (a zero or default date?)")
    return value


EventTime = Annotated[AwareDatetime, BeforeValidator(read_time), AfterValidator(_not_before_1990)]
# Any other time a record holds (an account's creation): RFC 3339 as above, never a number read as a Unix time.
RecordTime = Annotated[AwareDatetime, BeforeValidator(read_time)]

# Indonesia's zones: a producer that writes local time with a "Z" puts its records this many hours in the future
_LOCAL_ZONES = {7: "WIB", 8: "WITA", 9: "WIT"}


def check_not_ahead(record: dict, field: str, now: datetime, max_ahead_seconds: float) -> None:
    """Raise `InvalidInput` (created_in_future) when the record's RFC 3339 time ``field``, already validated, is
    more than ``max_ahead_seconds`` after ``now``."""
    stamp = record[field]
    ahead = parse_time(stamp) - now
    max_ahead = timedelta(seconds=max_ahead_seconds)
    if ahead <= max_ahead:
        return
    hours = ahead.total_seconds() / 3600
    zone = _LOCAL_ZONES.get(round(hours)) if abs(hours - round(hours)) < 0.25 else None
    hint = f": local time ({zone}, UTC+{round(hours)}) written as UTC?" if zone else ""
    raise InvalidInput(InvalidReason.CREATED_IN_FUTURE,
                       f"{field} {stamp} is {_duration(ahead)} ahead of this worker's clock "
                       f"(at most {_duration(max_ahead)} allowed, SIGAP_MAX_CLOCK_SKEW_SECONDS){hint}")


def _duration(span: timedelta) -> str:
    seconds = span.total_seconds()
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.0f} days"
