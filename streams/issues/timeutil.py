"""Event-time helpers: RFC 3339 <-> epoch milliseconds, minute and hour indices."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

from streams.records.clock import EARLIEST
from streams.records.errors import InvalidInput, InvalidReason

MINUTE_MS = 60_000
HOUR_MS = 3_600_000
DAY_MS = 86_400_000


def parse_ms(value: object) -> int | None:
    """Epoch milliseconds of an RFC 3339 timestamp (a naive one is taken as UTC); None if unparseable."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, str) and value:
        try:
            dt = datetime.fromisoformat(value.strip().replace("z", "Z"))
        except ValueError:
            return None
    else:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return int(dt.timestamp() * 1000)


# The times a record may carry into the engine: the scoring path refuses posts before 1990 (streams.records.clock)
# and after the clock allows, but `sigap score` (no clock) and `sigap simulate` pass anything, and windows and
# deadlines computed from a time near year 1 or 9999 leave the dates Python can write.
EARLIEST_MS = int(EARLIEST.timestamp() * 1000)
LATEST_MS = int(datetime(9000, 1, 1, tzinfo=UTC).timestamp() * 1000)


def in_range(ms: int) -> bool:
    return EARLIEST_MS <= ms < LATEST_MS


def check_time_range(field_name: str, ms: int) -> None:
    """Refuse a record whose ``field_name`` is outside the times the engine can work with."""
    if not in_range(ms):
        raise InvalidInput(InvalidReason.INVALID_FIELD, f"{field_name} is outside 1990-01-01 .. 9000-01-01")


def iso(ms: int) -> str:
    """RFC 3339 UTC with millisecond precision, e.g. ``2024-06-01T08:00:00.000Z``."""
    if type(ms) is not int:
        return datetime.fromtimestamp(ms / 1000, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    minute, rest = divmod(ms, MINUTE_MS)
    return f"{_minute_text(minute)}:{rest // 1000:02d}.{rest % 1000:03d}Z"


@lru_cache(maxsize=4096)
def _minute_text(minute: int) -> str:
    """``YYYY-MM-DDTHH:MM`` of a minute: the engine writes times of the same few minutes over and over, and
    ``datetime`` takes ~4 µs to write one."""
    return datetime.fromtimestamp(minute * 60, tz=UTC).isoformat(timespec="minutes")[:16]


def minute_of(ms: int) -> int:
    return ms // MINUTE_MS


def hour_of(ms: int) -> int:
    return ms // HOUR_MS
