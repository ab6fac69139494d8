"""Errors as data: a poison input is described by a bounded, machine-readable reason, never by a crash.

`InvalidInput` is a poison message: retrying cannot help, so it goes to the dead-letter topic. Anything else raised
while processing is treated as a fault of Sigap itself (see the agents), not of the input.
"""

from __future__ import annotations

from enum import StrEnum


class InvalidReason(StrEnum):
    """The `error` field of dead-letter records and the `reason` label of `sigap_posts_invalid_total`."""

    EMPTY_VALUE = "empty_value"
    NOT_UTF8 = "not_utf8"
    INVALID_JSON = "invalid_json"
    NOT_AN_OBJECT = "not_an_object"
    MISSING_FIELD = "missing_field"
    INVALID_FIELD = "invalid_field"
    CREATED_IN_FUTURE = "created_in_future"  # created_at ahead of the worker's clock by more than the skew allowed
    PROCESSING_FAILED = "processing_failed"
    TOO_LARGE = "too_large"  # a valid post whose scored record would be larger than a topic takes


class InvalidInput(ValueError):
    def __init__(self, reason: InvalidReason, detail: str) -> None:
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail

    @classmethod
    def empty(cls) -> InvalidInput:
        return cls(InvalidReason.EMPTY_VALUE, "the record has no value (a tombstone)")

    @classmethod
    def of(cls, exc: Exception) -> InvalidInput:
        """What a record is dead-lettered as when handling it raised ``exc``: a bug the record found is
        ``processing_failed``, since retrying it would fail the same way."""
        if isinstance(exc, InvalidInput):
            return exc
        return cls(InvalidReason.PROCESSING_FAILED, f"{type(exc).__name__}: {exc}")
