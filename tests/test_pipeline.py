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


def _message(offset: int, created_at: str, **fields) -> RawMessage:
    post = {"id": f"p{offset}", "platform": "twitter", "text": "Air PDAM mati lagi sejak pagi, warga kesal",
            "created_at": created_at, "author": {"id": f"u{offset}"}, **fields}
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


def test_a_post_that_breaks_a_model_costs_only_itself(scorer, monkeypatch):
    """The batch fails as a whole, so each post is scored alone: the others are scored, in order, and the one
    that breaks the model is dead-lettered with where it came from."""
    real = scorer.score_texts
    poison = "Air PDAM mati lagi sejak pagi, warga kesal sekali"

    def breaks_on_poison(texts):
        if poison in texts:
            raise FloatingPointError("a model broke on this text")
        return real(texts)

    monkeypatch.setattr(scorer, "score_texts", breaks_on_poison)
    messages = [_message(n, "2026-11-27T00:58:00Z", **({"text": poison} if n == 2 else {})) for n in range(4)]
    outcome = process_messages(messages, scorer, max_clock_skew_seconds=600, now=NOW)
    assert [post["id"] for post in outcome.scored] == ["p0", "p1", "p3"]
    assert all(post["scores"]["hoax"]["model"] == scorer.versions["hoax"] for post in outcome.scored)
    (letter,) = outcome.dead_letters
    assert letter.reason == "processing_failed" and letter.key == b"p2"
    assert (letter.record["topic"], letter.record["partition"], letter.record["offset"]) == ("sigap.posts", 3, 2)
    assert "a model broke on this text" in letter.record["detail"]


def test_every_message_is_counted_under_its_platform_or_unknown(scorer):
    """The consumed-posts metric counts every message: a valid post by its platform, a poison one as unknown."""
    messages = [_message(0, "2026-11-27T00:58:00Z"),
                RawMessage(b"x", b"{not json", "sigap.posts", 3, 1),
                _message(2, "2026-11-27T00:58:00Z", platform="facebook"),
                RawMessage(None, None, "sigap.posts", 3, 3)]
    outcome = process_messages(messages, scorer, max_clock_skew_seconds=600, now=NOW)
    assert outcome.platforms == ["twitter", "unknown", "facebook", "unknown"]
    assert [letter.reason for letter in outcome.dead_letters] == ["invalid_json", "empty_value"]


def test_a_scored_post_carries_the_scorers_figures_for_its_own_text(scorer):
    """Each scored post holds its own text's scores (not its neighbour's, not the text model's alone), the
    language of a post the models cannot read, and the batch's time per model."""
    texts = ["SEBARKAN!!! Minum air rebusan daun pepaya bisa sembuhkan demam berdarah dalam sehari",
             "The new bridge in the city centre was finally opened this morning after two years of work",
             "Pelayanan puskesmas hari ini cepat dan ramah, terima kasih"]
    messages = [_message(n, "2026-11-27T00:58:00Z", text=text) for n, text in enumerate(texts)]
    outcome = process_messages(messages, scorer, max_clock_skew_seconds=600, now=NOW)
    expected = scorer.score_texts(texts).items
    for post, item in zip(outcome.scored, expected, strict=True):
        hoax, sentiment = post["scores"]["hoax"], post["scores"]["sentiment"]
        assert hoax["probability"] == round(item.hoax_probability, 4)
        assert hoax["text_probability"] == round(item.hoax_text_probability, 4)
        assert (hoax["label"], sentiment["label"]) == (item.hoax_label, item.sentiment_label)
    pepaya, english, puskesmas = outcome.scored
    assert pepaya["scores"]["hoax"]["probability"] != pepaya["scores"]["hoax"]["text_probability"]  # cues, claim
    assert english["scores"]["language"]["code"] == "en" and 0.5 < english["scores"]["language"]["probability"] <= 1
    assert pepaya["scores"]["language"] is None and puskesmas["scores"]["language"] is None
    assert puskesmas["scores"]["sentiment"]["label"] == "positive"
    assert {"sentiment", "hoax", "claims"} <= set(outcome.seconds_by_model)
    assert all(seconds > 0 for seconds in outcome.seconds_by_model.values())


def test_a_valid_post_whose_scored_record_would_not_fit_a_topic_is_dead_lettered_as_too_large(scorer):
    from streams.topics import RECORD_MAX_BYTES

    # unknown fields are kept, so a valid post may be as large as the posts topic takes; its scores come on top
    big = _message(1, "2026-11-27T00:58:00Z", lampiran="x" * (RECORD_MAX_BYTES - 500))
    messages = [_message(0, "2026-11-27T00:58:00Z"), big, _message(2, "2026-11-27T00:59:00Z")]
    assert len(big.value) < RECORD_MAX_BYTES  # the post alone would fit
    outcome = process_messages(messages, scorer, max_clock_skew_seconds=600, now=NOW)
    assert [post["id"] for post in outcome.scored] == ["p0", "p2"]
    assert outcome.encoded == [orjson.dumps(post) for post in outcome.scored]
    (letter,) = outcome.dead_letters
    assert (letter.reason, letter.key, letter.record["offset"]) == ("too_large", b"p1", 1)
    assert f"{RECORD_MAX_BYTES:,}" in letter.record["detail"]
    assert outcome.source_watermarks == {3: datetime(2026, 11, 27, 0, 59, tzinfo=UTC)}
