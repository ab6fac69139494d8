import base64

from streams.records.deadletter import dead_letter, original_value
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


def test_the_original_value_is_restored_exactly_from_either_form():
    text = dead_letter('{"teks": "banjir"}'.encode(), InvalidReason.MISSING_FIELD, "id", topic="t", partition=0,
                       offset=0)
    binary = dead_letter(b"\xff\xfe\x00 x", InvalidReason.NOT_UTF8, "bad bytes", topic="t", partition=0, offset=1)
    # a UTF-8 value that happens to look like base64 stays text: only not_utf8 records hold base64
    base64_looking = dead_letter(b"QUJD", InvalidReason.INVALID_JSON, "not json", topic="t", partition=0, offset=2)
    assert original_value(text) == '{"teks": "banjir"}'.encode()
    assert original_value(binary) == b"\xff\xfe\x00 x"
    assert original_value(base64_looking) == b"QUJD"


def test_a_tombstone_has_no_original_value():
    record = dead_letter(None, InvalidReason.EMPTY_VALUE, "no value", topic="t", partition=0, offset=0)
    assert record["original"] == ""
    assert original_value(record) is None


def test_the_dead_letter_schema_names_every_reason():
    import json
    import re
    from pathlib import Path

    from streams.records.errors import InvalidReason

    schema = json.loads((Path(__file__).parents[2] / "schemas" / "dead-letter.schema.json").read_text())
    named = re.findall(r"[a-z0-9_]+", schema["properties"]["error"]["description"].split(":", 1)[1])
    assert named == [reason.value for reason in InvalidReason]


def test_a_dead_letter_copies_at_most_its_bound_of_the_original_and_says_it_cut_it():
    import orjson

    from streams.records.deadletter import ORIGINAL_MAX_CHARS, dead_letter_key, is_cut
    from streams.topics import RECORD_MAX_BYTES

    # each the worst case of its kind for the record's size: a control character is written in 6 bytes of JSON,
    # base64 takes 4 bytes for 3
    controls = ("\x01" * 1_000_000).encode()
    binary = b"\xff" * 1_000_000
    for raw, reason in ((controls, InvalidReason.INVALID_JSON), (binary, InvalidReason.NOT_UTF8)):
        record = dead_letter(raw, reason, "x" * 50_000, topic="t" * 249, partition=0, offset=0)
        key = dead_letter_key(b"k" * 1_000_000, record)
        assert len(orjson.dumps(record)) + len(key) <= RECORD_MAX_BYTES
        assert record["original_cut"] is True and record["original_bytes"] == 1_000_000 and record["key_cut"] is True
        assert is_cut(record)
    assert original_value(dead_letter(controls, InvalidReason.INVALID_JSON, "", topic="t", partition=0,
                                      offset=0)) == controls[:ORIGINAL_MAX_CHARS]
    assert base64.b64decode(dead_letter(binary, InvalidReason.NOT_UTF8, "", topic="t", partition=0,
                                        offset=0)["original"]) == binary[:ORIGINAL_MAX_CHARS]


def test_a_dead_letter_within_the_bounds_is_whole_and_not_marked():
    from streams.records.deadletter import ORIGINAL_MAX_CHARS, dead_letter_key, is_cut

    text = "é" * ORIGINAL_MAX_CHARS  # characters, not bytes: 200,000 bytes of UTF-8, kept whole
    record = dead_letter(text.encode(), InvalidReason.INVALID_JSON, "d", topic="t", partition=0, offset=0)
    assert dead_letter_key(b"k" * 1024, record) == b"k" * 1024
    assert record["original"] == text and not is_cut(record)
    assert not {"original_cut", "original_bytes", "key_cut"} & set(record)
