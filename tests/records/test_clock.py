"""Times a record cannot hold: ahead of the worker's clock by more than the skew allowed."""

from datetime import UTC, datetime

import orjson
import pytest

from streams.records.clock import check_not_ahead
from streams.records.errors import InvalidInput, InvalidReason
from streams.records.feedback import parse_feedback
from streams.records.post import created_at, parse_post
from tests.records.test_post import raw


NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
SKEW = 600.0


def _ahead(created_at: str) -> InvalidInput | None:
    try:
        check_not_ahead(parse_post(raw(created_at=created_at)), "created_at", NOW, SKEW)
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


def test_how_far_ahead_is_said_in_seconds_then_minutes_hours_and_days():
    def detail(stamp: str) -> str:
        with pytest.raises(InvalidInput) as problem:
            check_not_ahead(parse_post(raw(created_at=stamp)), "created_at", NOW, 30)
        return problem.value.detail

    assert "is 90 s ahead of this worker's clock (at most 30 s allowed" in detail("2026-11-27T01:01:30Z")
    assert "is 2 min ahead" in detail("2026-11-27T01:02:00Z")
    assert "is 3.5 h ahead" in detail("2026-11-27T04:30:00Z")
    assert "is 2 days ahead" in detail("2026-11-29T01:00:00Z")


@pytest.mark.parametrize("stamp", ["2026-11-27T08:30:00Z", "2026-11-27T04:00:00Z"])
def test_no_time_zone_is_named_when_the_lead_is_not_a_zones_whole_hours(stamp):
    """7.5 hours ahead is no Indonesian zone's offset, nor is 3 hours: only the lead is said."""
    problem = _ahead(stamp)
    assert problem.reason is InvalidReason.CREATED_IN_FUTURE and "local time" not in problem.detail


@pytest.mark.parametrize(("local", "zone"), [("08:00", "WIB"), ("09:00", "WITA"), ("10:00", "WIT")])
def test_local_time_written_as_utc_is_named(local, zone):
    """A producer that stamps Jakarta (or Makassar, Jayapura) wall time with a "Z" is hours in the future."""
    problem = _ahead(f"2026-11-27T{local}:00Z")
    assert problem.reason is InvalidReason.CREATED_IN_FUTURE and f"local time ({zone}" in problem.detail


def test_a_verdict_dated_ahead_of_the_clock_is_poison_too():
    """A feedback time in the future would keep its issue open until then."""
    feedback = parse_feedback(orjson.dumps({"issue_id": "topic-pdam", "verdict": "confirmed", "by": "humas",
                                            "at": "2027-01-01T00:00:00Z"}))
    with pytest.raises(InvalidInput, match="^created_in_future: at 2027-01-01T00:00:00Z is 35 days ahead"):
        check_not_ahead(feedback, "at", NOW, SKEW)


def test_the_earliest_time_a_post_or_verdict_may_hold_is_1990():
    assert parse_post(raw(created_at="1990-01-01T00:00:00Z"))["created_at"] == "1990-01-01T00:00:00Z"
    with pytest.raises(InvalidInput, match="^invalid_field: at: .*before 1990"):
        parse_feedback(orjson.dumps({"issue_id": "topic-pdam", "verdict": "confirmed", "by": "humas",
                                     "at": "1970-01-01T00:00:00Z"}))


@pytest.mark.parametrize(("stamp", "utc"), [
    ("2026-11-27t00:30:00z", "2026-11-27T00:30:00"),        # RFC 3339 allows lowercase t and z
    ("2026-11-27T07:30:00+07:00", "2026-11-27T00:30:00"),
    ("2026-11-27T00:30:00.123456789Z", "2026-11-27T00:30:00.123456"),
])
def test_every_time_the_schema_accepts_is_read_by_the_code_that_uses_it(stamp, utc):
    from jsonschema import FormatChecker

    assert FormatChecker().conforms(stamp, "date-time")  # what a consumer's check of the published post accepts
    post = parse_post(raw(created_at=stamp))
    assert created_at(post).astimezone(UTC).replace(tzinfo=None).isoformat() == utc
    check_not_ahead(post, "created_at", NOW, SKEW)
    feedback = parse_feedback(orjson.dumps({"issue_id": "i", "verdict": "confirmed", "by": "humas", "at": stamp}))
    check_not_ahead(feedback, "at", NOW, SKEW)


@pytest.mark.parametrize("stamp", ["1795000000", "2026-11-27T11Z", "2026-11-27T11:00:00 +07:00",
                                   "2026-11-27T11:00:00", "2026-11-27T11:00:00Z\n", "",
                                   # accepted before, published unchanged on scored posts, and refused there by
                                   # the schemas' "date-time" (RFC 3339 section 5.6): a space for the T, no
                                   # seconds, an offset without its colon
                                   "2026-11-27 07:30:00+07:00", "2026-11-27T07:30Z", "2026-11-27T07:30:00+0700",
                                   # a verdict's time was copied as written into its issue's record: 100,000
                                   # digits of a second made the record too large to publish
                                   "2026-11-27T11:00:00.1234567891Z", "2026-11-27T11:00:00." + "1" * 100_000 + "Z"])
def test_times_that_are_not_rfc_3339_are_invalid_fields(stamp):
    with pytest.raises(InvalidInput) as problem:
        parse_post(raw(created_at=stamp))
    assert problem.value.reason is InvalidReason.INVALID_FIELD and "RFC 3339" in problem.value.detail


@pytest.mark.parametrize("stamp", ["1577836800", "2020-01-01T10:00Z", "2020-01-01 10:00:00Z"])
def test_an_accounts_creation_time_is_rfc_3339_too(stamp):
    """`author.created_at` passes on unchanged like the rest of the post; a number is not read as a Unix time."""
    with pytest.raises(InvalidInput, match="^invalid_field: author.created_at"):
        parse_post(raw(author={"id": "u1", "created_at": stamp}))
    assert parse_post(raw(author={"id": "u1", "created_at": "1985-01-01T00:00:00Z"}))  # no 1990 floor for accounts
