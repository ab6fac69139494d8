import base64

from streams.records.deadletter import dead_letter
from streams.records.errors import InvalidReason


def test_dead_letter_keeps_utf8_originals_as_text():
    record = dead_letter(b'{"id": 1}', InvalidReason.INVALID_FIELD, "id: not a string",
                         topic="sigap.posts", partition=3, offset=42)
    assert record["original"] == '{"id": 1}'
    assert (record["error"], record["topic"], record["partition"], record["offset"]) == (
        "invalid_field", "sigap.posts", 3, 42)
    assert record["received_at"].endswith("Z")


def test_dead_letter_base64_encodes_binary_originals():
    payload = b"\x00\xff\xfe binary"
    record = dead_letter(payload, InvalidReason.NOT_UTF8, "bad bytes", topic="t", partition=0, offset=0)
    assert base64.b64decode(record["original"]) == payload
