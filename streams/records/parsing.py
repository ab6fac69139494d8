"""Turning raw JSON into a validated record, with every problem described as an `InvalidInput`."""

from __future__ import annotations

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
    try:
        if isinstance(raw, dict):
            schema.model_validate(value)
        else:
            schema.model_validate_json(raw)  # strict JSON validation: RFC 3339 times, no type coercion
    except ValidationError as exc:
        raise InvalidInput(*describe_validation_error(exc)) from None
    return value
