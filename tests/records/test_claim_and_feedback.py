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


@pytest.mark.parametrize("change", [{"verdict": "maybe"}, {"at": "yesterday"}, {"issue_id": ""}])
def test_invalid_feedback_is_rejected(change):
    feedback = {"issue_id": "claim-c1", "verdict": "confirmed", "by": "a", "at": "2024-05-01T09:00:00Z", **change}
    with pytest.raises(InvalidInput):
        parse_feedback(orjson.dumps(feedback))
