"""Dead-letter records (contract.md, "Dead-letter record").

A dead letter copies the message it stands for, so it would be larger than the message itself: JSON writes a
control character in 6 bytes, base64 takes 4 bytes for 3. What it copies is bounded instead, so the dead letter of
any message an input topic accepts fits one record (``streams.topics.RECORD_MAX_BYTES``): past
``ORIGINAL_MAX_CHARS`` the original is cut, and the record says so (``original_cut``, ``original_bytes``: the
message is still on its topic at ``topic``/``partition``/``offset`` for as long as the topic keeps it).
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from streams.records.errors import InvalidReason


def rfc3339_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


ORIGINAL_MAX_CHARS = 100_000  # characters of a UTF-8 original, or bytes of another before base64
DETAIL_MAX_CHARS = 1_000
KEY_MAX_BYTES = 1_024  # of the original key, which keys the dead letter


def dead_letter(
    raw: bytes | None, reason: InvalidReason, detail: str, *, topic: str, partition: int, offset: int
) -> dict:
    cut = False
    if raw is None:
        original = ""
    else:
        try:
            original = raw.decode("utf-8")
            if len(original) > ORIGINAL_MAX_CHARS:
                original, cut = original[:ORIGINAL_MAX_CHARS], True
        except UnicodeDecodeError:
            cut = len(raw) > ORIGINAL_MAX_CHARS
            original = base64.b64encode(raw[:ORIGINAL_MAX_CHARS]).decode("ascii")
    if len(detail) > DETAIL_MAX_CHARS:
        detail = detail[: DETAIL_MAX_CHARS - 1] + "\u2026"
    record = {
        "error": reason.value,
        "detail": detail,
        "topic": topic,
        "partition": partition,
        "offset": offset,
        "received_at": rfc3339_now(),
        "original": original,
    }
    if cut:
        record["original_cut"] = True
        record["original_bytes"] = len(raw)  # type: ignore[arg-type]
    return record


def dead_letter_key(key: bytes | None, record: dict) -> bytes | None:
    """The key a dead letter is sent with: the original key, cut to ``KEY_MAX_BYTES`` (and ``key_cut`` set in
    ``record``) when longer."""
    if key is None or len(key) <= KEY_MAX_BYTES:
        return key
    record["key_cut"] = True
    return key[:KEY_MAX_BYTES]


def is_cut(record: dict) -> bool:
    """Whether a dead letter holds only part of its message's value or key (it cannot be re-sent as it was)."""
    return bool(record.get("original_cut") or record.get("key_cut"))


def original_value(record: dict) -> bytes | None:
    """The value the dead-lettered message carried, restored from the record: ``dead_letter`` keeps it as text,
    or as base64 when it was not UTF-8 (the ``not_utf8`` reason); an empty value (a tombstone) gives None."""
    original = record.get("original")
    if record.get("error") == InvalidReason.EMPTY_VALUE or not isinstance(original, str):
        return None
    if record.get("error") == InvalidReason.NOT_UTF8:
        return base64.b64decode(original)
    return original.encode("utf-8")
