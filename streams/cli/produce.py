"""Producing from the command line: every record is either delivered or named as not delivered.

kafka-python's ``flush()`` returns once every send has completed, delivered or not: a record the broker refused
(too large for the topic, not authorised) shows only in its own future, and a producer that never looks reports
success for records that are not there. A refused record also fails the records batched with it, so a record
larger than a topic takes (``streams.topics.RECORD_MAX_BYTES``) is not sent at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from kafka.errors import KafkaError

from streams.topics import RECORD_MAX_BYTES


class Undelivered(NamedTuple):
    position: int  # what the caller numbered the record by (a line number, an index)
    reason: str


def too_large(key: bytes | None, value: bytes | None) -> str | None:
    """Why a record cannot be produced as it is, or None."""
    size = len(key or b"") + len(value or b"")
    if size > RECORD_MAX_BYTES:
        return f"{size:,} bytes, more than the {RECORD_MAX_BYTES:,} a record may have"
    return None


class Delivery:
    """``send`` records, then ``finish`` to wait for them and learn which were not delivered."""

    def __init__(self, producer: Any) -> None:
        self._producer = producer
        self._sent: list[tuple[int, Any]] = []
        self._refused: list[Undelivered] = []

    def send(self, position: int, topic: str, key: bytes | None, value: bytes | None) -> None:
        reason = too_large(key, value)
        if reason is not None:
            self._refused.append(Undelivered(position, reason))
            return
        try:
            self._sent.append((position, self._producer.send(topic, key=key, value=value)))
        except KafkaError as exc:  # refused before sending (e.g. no metadata for the topic in time)
            self._refused.append(Undelivered(position, f"{type(exc).__name__}: {exc}"))

    def finish(self) -> list[Undelivered]:
        """Wait until every record sent is delivered or has failed; the records not delivered, by position."""
        self._producer.flush()
        failed = [Undelivered(position, f"{type(future.exception).__name__}: {future.exception}")
                  for position, future in self._sent if future.failed()]
        return sorted(self._refused + failed)

    @property
    def attempted(self) -> int:
        return len(self._sent) + len(self._refused)


def deliver(producer: Any, records: Iterable[tuple[str, bytes | None, bytes | None]]) -> list[Undelivered]:
    """Send ``(topic, key, value)`` records, numbered from 0, wait for them and close the producer; the records not
    delivered."""
    delivery = Delivery(producer)
    try:
        for position, (topic, key, value) in enumerate(records):
            delivery.send(position, topic, key, value)
        return delivery.finish()
    finally:
        producer.close()
