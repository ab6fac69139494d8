import random
from datetime import UTC, datetime, timedelta

import pytest

from streams.issues.timeutil import EARLIEST_MS, LATEST_MS, iso

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _exact(ms: int) -> str:
    return (EPOCH + timedelta(milliseconds=ms)).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def test_iso_writes_every_millisecond_the_engine_accepts_exactly():
    draw = random.Random(7)
    times = [draw.randrange(EARLIEST_MS, LATEST_MS) for _ in range(20_000)]
    times += [EARLIEST_MS, LATEST_MS - 1, 0, 59_999, 60_000, 1_717_228_800_000, 1_717_228_859_999]
    assert [iso(ms) for ms in times] == [_exact(ms) for ms in times]
    # far from 1970 a float of seconds cannot hold the milliseconds: the old formula wrote this one as .410
    assert iso(107_484_146_960_411) == "5376-01-14T11:29:20.411Z"


@pytest.mark.parametrize("ms", [-1, -60_001])
def test_iso_writes_times_before_1970(ms):
    assert iso(ms) == _exact(ms)


def test_iso_takes_a_float_of_milliseconds():
    assert iso(1_717_228_800_123.0) == "2024-06-01T08:00:00.123Z"
