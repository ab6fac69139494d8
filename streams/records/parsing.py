"""Turning raw JSON into a validated record, with every problem described as an `InvalidInput`."""

from __future__ import annotations

import json
import re

import orjson
from pydantic import BaseModel, ConfigDict, ValidationError

from streams.records.errors import InvalidInput, InvalidReason


class OpenRecord(BaseModel):
    """A contract record: strict types, unknown fields allowed (they pass through untouched)."""

    model_config = ConfigDict(extra="allow", strict=True, frozen=True)


def describe_validation_error(error: ValidationError) -> tuple[InvalidReason, str]:
    first = error.errors(include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"]) or "(root)"
    reason = InvalidReason.MISSING_FIELD if first["type"] == "missing" else InvalidReason.INVALID_FIELD
    return reason, f"{where}: {first['msg']}"


def parse_object(raw: bytes | str | dict, schema: type[BaseModel]) -> dict:
    """The JSON object as received (unknown fields kept), once `schema` accepts it; else `InvalidInput`."""
    if isinstance(raw, bytes):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInput(InvalidReason.NOT_UTF8, str(exc)) from None
    if isinstance(raw, dict):
        value = raw
    else:
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise InvalidInput(InvalidReason.INVALID_JSON, str(exc)) from None
    if not isinstance(value, dict):
        raise InvalidInput(InvalidReason.NOT_AN_OBJECT, f"expected a JSON object, got {type(value).__name__}")
    if not isinstance(raw, dict) and _LONG_DIGIT_RUN.search(raw if isinstance(raw, bytes) else raw.encode()):
        _refuse_inexact_integers(json.loads(raw))
    try:
        if isinstance(raw, dict):
            schema.model_validate(value)
        else:
            schema.model_validate_json(raw)  # strict JSON validation: RFC 3339 times, no type coercion
    except ValidationError as exc:
        raise InvalidInput(*describe_validation_error(exc)) from None
    return value


# orjson reads an integer outside the 64-bit range as a float (2**64 becomes 1.8446744073709552e+19) and cannot
# write it back as an integer, so a record holding one could not be passed on unchanged: it is refused instead.
# Only a record with a number of 19 digits or more can hold one (a number: after a colon, a bracket or a comma,
# unlike the 19-digit status ids of X links, inside strings); only those are read again, exactly, to find it.
# The search costs ~4 us a post, against ~29 for the rest of parse_post (timeit, a 430-byte post).
_LONG_DIGIT_RUN = re.compile(rb"[:\[,][ \t\r\n]*-?[0-9]{19}")
_INT_MIN, _UINT_MAX = -(2**63), 2**64 - 1


def _refuse_inexact_integers(value: object, where: str = "") -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _refuse_inexact_integers(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for position, item in enumerate(value):
            _refuse_inexact_integers(item, f"{where}.{position}" if where else str(position))
    elif isinstance(value, int) and not isinstance(value, bool) and not _INT_MIN <= value <= _UINT_MAX:
        raise InvalidInput(InvalidReason.INVALID_FIELD, f"{where or '(root)'}: an integer beyond 64 bits cannot be "
                                                        "passed on unchanged (send it as a string)")
