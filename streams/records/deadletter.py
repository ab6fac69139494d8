"""Dead-letter records (contract.md, "Dead-letter record")."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from streams.records.errors import InvalidReason


def rfc3339_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def dead_letter(
    raw: bytes | None, reason: InvalidReason, detail: str, *, topic: str, partition: int, offset: int
) -> dict:
    if raw is None:
        original = ""
    else:
        try:
            original = raw.decode("utf-8")
        except UnicodeDecodeError:
            original = base64.b64encode(raw).decode("ascii")
    return {
        "error": reason.value,
        "detail": detail,
        "topic": topic,
        "partition": partition,
        "offset": offset,
        "received_at": rfc3339_now(),
        "original": original,
    }


def original_value(record: dict) -> bytes | None:
    """The value the dead-lettered message carried, restored from the record: ``dead_letter`` keeps it as text,
    or as base64 when it was not UTF-8 (the ``not_utf8`` reason); an empty value (a tombstone) gives None."""
    original = record.get("original")
    if record.get("error") == InvalidReason.EMPTY_VALUE or not isinstance(original, str):
        return None
    if record.get("error") == InvalidReason.NOT_UTF8:
        return base64.b64decode(original)
    return original.encode("utf-8")
