"""Read what a compacted topic holds now: every partition from the beginning to its current end, the latest
value per key, tombstoned keys dropped. This is what a consumer starting now would rebuild its table from."""

from __future__ import annotations

import time


def read_compacted(topic: str, bootstrap_servers: list[str], timeout_seconds: float = 30.0) -> dict[str, bytes]:
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=None, enable_auto_commit=False)
    try:
        partitions = consumer.partitions_for_topic(topic)
        if not partitions:
            raise SystemExit(f"topic {topic} not found; run `sigap topics create`")
        assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(assigned)
        consumer.seek_to_beginning(*assigned)
        ends = consumer.end_offsets(assigned)
        latest: dict[str, bytes] = {}
        deadline = time.monotonic() + timeout_seconds
        while any(consumer.position(tp) < ends[tp] for tp in assigned):
            if time.monotonic() > deadline:
                raise SystemExit(f"timed out reading {topic}")
            for records in consumer.poll(timeout_ms=500).values():
                for record in records:
                    key = (record.key or b"").decode("utf-8", "replace")
                    if record.value is None:
                        latest.pop(key, None)
                    else:
                        latest[key] = record.value
        return latest
    finally:
        consumer.close()
