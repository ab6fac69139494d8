import orjson
import pytest

from streams.records.claim import parse_claim
from streams.records.errors import InvalidInput, InvalidReason
from streams.records.feedback import parse_feedback


def test_claim_requires_id_claim_and_verdict():
    claim = {"id": "c1", "claim": "Minum air kelapa menyembuhkan COVID-19", "verdict": "hoax", "source": "x"}
    assert parse_claim(orjson.dumps(claim)) == claim
    with pytest.raises(InvalidInput) as caught:
        parse_claim(orjson.dumps({"id": "c1", "claim": "..."}))
    assert caught.value.reason is InvalidReason.MISSING_FIELD


def test_feedback_becomes_an_issue_event():
    feedback = {"issue_id": "claim-c1", "verdict": "false_alarm", "by": "humas@kominfo", "at": "2024-05-01T09:00:00Z"}
    assert parse_feedback(orjson.dumps(feedback)) == {**feedback, "kind": "feedback"}


def test_a_feedback_s_issue_event_keeps_only_what_the_engine_reads_and_a_bounded_note():
    """Other fields may fill what the feedback topic takes; forwarded as they were, the issue event did not fit a
    record, and the worker stopped on it for good (see streams.topics.RECORD_MAX_BYTES)."""
    feedback = {"issue_id": "claim-c1", "verdict": "confirmed", "by": "humas", "at": "2024-05-01T09:00:00Z",
                "note": "sudah diklarifikasi", "lampiran": "x" * 1_000_000}
    event = parse_feedback(orjson.dumps(feedback))
    assert event == {**{k: v for k, v in feedback.items() if k != "lampiran"}, "kind": "feedback"}
    with pytest.raises(InvalidInput, match="note"):
        parse_feedback(orjson.dumps({**feedback, "note": "x" * 2_001}))


@pytest.mark.parametrize("change", [{"verdict": "maybe"}, {"at": "yesterday"}, {"issue_id": ""}])
def test_invalid_feedback_is_rejected(change):
    feedback = {"issue_id": "claim-c1", "verdict": "confirmed", "by": "a", "at": "2024-05-01T09:00:00Z", **change}
    with pytest.raises(InvalidInput):
        parse_feedback(orjson.dumps(feedback))


@pytest.mark.parametrize("field", ["id", "claim", "verdict", "clarification", "url", "source"])
def test_a_claim_field_longer_than_its_limit_is_invalid_to_the_topic_s_readers_and_to_the_index(field):
    """A matched claim's text, verdict, clarification and url are copied into scored posts, issue records and
    escalations: a claim of most of a megabyte would make them too large to publish."""
    from streams.claims import InvalidClaimError, validate_claim
    from streams.records.claim import FIELD_MAX_CHARS

    fine = {"id": "c1", "claim": "Jus daun pepaya menyembuhkan DBD", "verdict": "hoax", "clarification": "Tidak benar",
            "url": "https://cekfakta.id/1", "source": "cekfakta"}
    at_limit = {**fine, field: "a" * FIELD_MAX_CHARS[field]}
    assert parse_claim(at_limit) == at_limit and validate_claim(at_limit)[field] == at_limit[field]
    over = {**fine, field: "a" * (FIELD_MAX_CHARS[field] + 1)}
    with pytest.raises(InvalidInput) as exc:
        parse_claim(over)
    assert exc.value.reason == InvalidReason.INVALID_FIELD and field in exc.value.detail
    with pytest.raises(InvalidClaimError, match=field):
        validate_claim(over)


def test_the_claim_schema_states_the_limits_sigap_applies():
    import json
    from pathlib import Path

    from streams.records.claim import FIELD_MAX_CHARS

    schema = json.loads((Path(__file__).parents[2] / "schemas" / "claim.schema.json").read_text())
    assert {name: spec.get("maxLength") for name, spec in schema["properties"].items()} == FIELD_MAX_CHARS
