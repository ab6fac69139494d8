from datetime import UTC, datetime, timedelta

import orjson
import pytest

from streams.records.errors import InvalidInput, InvalidReason
from streams.records.post import check_not_ahead, parse_post

VALID = {
    "id": "x1", "platform": "twitter", "text": "Vaksin aman kok", "created_at": "2024-05-01T08:00:00+07:00",
    "author": {"id": "u1", "followers": 10, "verified": False}, "engagement": {"likes": 2}, "extra": [1, 2],
}


def raw(**changes) -> bytes:
    post = {**VALID, **changes}
    return orjson.dumps({k: v for k, v in post.items() if v is not ...})


def test_valid_post_passes_through_unchanged_with_unknown_fields():
    assert parse_post(raw()) == VALID


@pytest.mark.parametrize(
    ("payload", "reason", "where"),
    [
        (b"\xff\xfe", InvalidReason.NOT_UTF8, ""),
        (b"{not json", InvalidReason.INVALID_JSON, ""),
        (b"[1, 2]", InvalidReason.NOT_AN_OBJECT, ""),
        (raw(text=...), InvalidReason.MISSING_FIELD, "text"),
        (raw(author={"handle": "x"}), InvalidReason.MISSING_FIELD, "author.id"),
        (raw(text=""), InvalidReason.INVALID_FIELD, "text"),
        (raw(text="a" * 20_001), InvalidReason.INVALID_FIELD, "text"),
        (raw(id="i" * 257), InvalidReason.INVALID_FIELD, "id"),
        (raw(platform="myspace"), InvalidReason.INVALID_FIELD, "platform"),
        (raw(created_at="2024-05-01 08:00"), InvalidReason.INVALID_FIELD, "created_at"),
        (raw(created_at="2024-05-01T08:00:00"), InvalidReason.INVALID_FIELD, "created_at"),
        (raw(created_at=1714550400), InvalidReason.INVALID_FIELD, "created_at"),
        (raw(id=12), InvalidReason.INVALID_FIELD, "id"),
        (raw(author={"id": "u", "followers": -1}), InvalidReason.INVALID_FIELD, "author.followers"),
        (raw(engagement={"views": "many"}), InvalidReason.INVALID_FIELD, "engagement.views"),
    ],
)
def test_invalid_posts_are_rejected_with_a_machine_readable_reason(payload, reason, where):
    with pytest.raises(InvalidInput) as caught:
        parse_post(payload)
    assert caught.value.reason is reason
    assert caught.value.detail.startswith(where)


def test_text_of_exactly_the_limit_is_accepted():
    assert len(parse_post(raw(text="a" * 20_000))["text"]) == 20_000


NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
SKEW = timedelta(minutes=10)


def _ahead(created_at: str) -> InvalidInput | None:
    try:
        check_not_ahead(parse_post(raw(created_at=created_at)), NOW, SKEW)
    except InvalidInput as exc:
        return exc
    return None


def test_a_post_from_the_past_or_within_the_clock_skew_is_accepted():
    assert _ahead("2020-01-01T00:00:00Z") is None
    assert _ahead("2026-11-27T01:10:00Z") is None  # exactly the skew allowed
    assert _ahead("2026-11-27T08:09:00+07:00") is None  # WIB, written with its offset: 01:09 UTC


def test_a_post_created_ahead_of_the_clock_is_poison_and_says_how_far():
    far = _ahead("2062-11-27T00:00:00Z")
    assert far.reason is InvalidReason.CREATED_IN_FUTURE and "13149 days ahead" in far.detail
    assert "SIGAP_MAX_CLOCK_SKEW_SECONDS" in far.detail and "WIB" not in far.detail
    assert "11 min ahead" in _ahead("2026-11-27T01:11:00Z").detail


@pytest.mark.parametrize(("local", "zone"), [("08:00", "WIB"), ("09:00", "WITA"), ("10:00", "WIT")])
def test_local_time_written_as_utc_is_named(local, zone):
    """A producer that stamps Jakarta (or Makassar, Jayapura) wall time with a "Z" is hours in the future."""
    problem = _ahead(f"2026-11-27T{local}:00Z")
    assert problem.reason is InvalidReason.CREATED_IN_FUTURE and f"local time ({zone}" in problem.detail
