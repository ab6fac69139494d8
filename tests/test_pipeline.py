"""The scoring path's validation: a post dated ahead of the clock is poison, and never moves event time."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest

from streams.pipeline import RawMessage, process_messages
from streams.scoring import Scorer

NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return Scorer.load()


def _message(offset: int, created_at: str) -> RawMessage:
    post = {"id": f"p{offset}", "platform": "twitter", "text": "Air PDAM mati lagi sejak pagi, warga kesal",
            "created_at": created_at, "author": {"id": f"u{offset}"}}
    return RawMessage(post["id"].encode(), orjson.dumps(post), "sigap.posts", 3, offset)


def test_a_post_from_the_future_is_dead_lettered_and_does_not_advance_the_source_watermark(scorer):
    messages = [_message(0, "2026-11-27T00:58:00Z"), _message(1, "2062-11-27T00:00:00Z"),
                _message(2, "2026-11-27T01:05:00Z")]  # five minutes ahead: within the skew allowed
    outcome = process_messages(messages, scorer, max_clock_skew_seconds=600, now=NOW)
    assert [post["id"] for post in outcome.scored] == ["p0", "p2"]
    (letter,) = outcome.dead_letters
    assert letter.reason == "created_in_future" and letter.key == b"p1"
    assert (letter.record["partition"], letter.record["offset"]) == (3, 1)
    assert outcome.source_watermarks == {3: datetime(2026, 11, 27, 1, 5, tzinfo=UTC)}


def test_the_allowed_skew_is_the_setting(scorer):
    messages = [_message(0, "2026-11-27T01:05:00Z")]
    assert process_messages(messages, scorer, max_clock_skew_seconds=60, now=NOW).dead_letters
    assert not process_messages(messages, scorer, max_clock_skew_seconds=600, now=NOW).dead_letters


def test_a_lowercase_rfc_3339_time_is_scored(scorer):
    outcome = process_messages([_message(0, "2026-11-27t00:58:00z")], scorer, max_clock_skew_seconds=600, now=NOW)
    assert [post["id"] for post in outcome.scored] == ["p0"] and not outcome.dead_letters
    assert outcome.source_watermarks == {3: datetime(2026, 11, 27, 0, 58, tzinfo=UTC)}


def test_a_post_that_breaks_validation_itself_is_dead_lettered_not_raised(scorer, monkeypatch):
    import streams.pipeline as pipeline

    real = pipeline.check_not_ahead

    def breaks_on_p1(post, *args):
        if post["id"] == "p1":
            raise ValueError("a bug the post found")
        return real(post, *args)

    monkeypatch.setattr(pipeline, "check_not_ahead", breaks_on_p1)
    messages = [_message(n, "2026-11-27T00:58:00Z") for n in range(3)]
    outcome = process_messages(messages, scorer, max_clock_skew_seconds=600, now=NOW)
    assert [post["id"] for post in outcome.scored] == ["p0", "p2"]
    (letter,) = outcome.dead_letters
    assert letter.reason == "processing_failed" and "a bug the post found" in letter.record["detail"]
