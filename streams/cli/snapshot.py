"""Read a topic as it stands now: every partition from the beginning to its current end.

``read_to_end`` returns every retained record (what `sigap dlq` inspects); ``read_compacted`` keeps the latest
value per key and drops tombstoned keys, which is what a consumer starting now would rebuild its table from.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from streams.settings import Settings


def read_to_end(topic: str, settings: Settings, timeout_seconds: float = 30.0,
                stops: dict[int, int] | None = None) -> list[Any]:
    """kafka-python ``ConsumerRecord``s of every partition in offset order, partitions in number order; with
    ``stops`` (partition -> offset), only the records before those offsets."""
    from streams.cli import clients

    consumer = clients.consumer(settings, group_id=None, enable_auto_commit=False)
    try:
        assigned = assign_every_partition(consumer, topic)
        consumer.seek_to_beginning(*assigned)
        ends = consumer.end_offsets(assigned)
        if stops is not None:
            ends = {tp: min(end, stops.get(tp.partition, end)) for tp, end in ends.items()}
        by_partition: dict[int, list[Any]] = {tp.partition: [] for tp in assigned}
        deadline = time.monotonic() + timeout_seconds
        while any(consumer.position(tp) < ends[tp] for tp in assigned):
            if time.monotonic() > deadline:
                raise SystemExit(f"timed out reading {topic}")
            for tp, records in consumer.poll(timeout_ms=500).items():
                by_partition[tp.partition].extend(r for r in records if r.offset < ends[tp])
        return [record for p in sorted(by_partition) for record in by_partition[p]]
    finally:
        consumer.close()


def existing_partitions(consumer: Any, topic: str) -> set[int]:
    """The partitions of ``topic``; ends the command when the topic does not exist (asked, not subscribed to: a
    subscription to a missing topic has the broker create it, with its defaults)."""
    partitions = consumer.partitions_for_topic(topic)
    if not partitions:
        raise SystemExit(f"topic {topic} not found; run `sigap topics create`")
    return partitions


def assign_every_partition(consumer: Any, topic: str) -> list[Any]:
    """Assign a kafka-python consumer every partition of ``topic``, in number order; ends the command when the
    topic does not exist."""
    from kafka import TopicPartition

    assigned = [TopicPartition(topic, p) for p in sorted(existing_partitions(consumer, topic))]
    consumer.assign(assigned)
    return assigned


def read_compacted(topic: str, settings: Settings, timeout_seconds: float = 30.0) -> dict[str, bytes]:
    latest: dict[str, bytes] = {}
    for record in read_to_end(topic, settings, timeout_seconds):
        key = (record.key or b"").decode("utf-8", "replace")
        if record.value is None:
            latest.pop(key, None)
        else:
            latest[key] = record.value
    return latest
