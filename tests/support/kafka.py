"""Real-broker helpers for integration tests: produce, and read a topic until a condition holds."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import orjson
from kafka import KafkaConsumer, KafkaProducer

from streams.settings import Settings


def produce(settings: Settings, suffix: str, items: Iterable[tuple[bytes | None, bytes | None]]) -> int:
    """Send the records and wait until each is delivered (raises if one was not)."""
    producer = KafkaProducer(bootstrap_servers=settings.bootstrap_servers, acks="all", linger_ms=10)
    sent = [producer.send(f"{settings.topic_prefix}{suffix}", key=key, value=value) for key, value in items]
    producer.flush()
    producer.close()
    for future in sent:
        future.get(timeout=0)
    return len(sent)


def produce_posts(settings: Settings, posts: Iterable[dict]) -> int:
    return produce(settings, "posts", ((p["id"].encode(), orjson.dumps(p)) for p in posts))


def read_until(
    settings: Settings, suffix: str, done: Callable[[list], bool], timeout: float = 120.0
) -> list:
    """All records of a topic from the beginning, read until `done(records)` or the timeout (then returned as is)."""
    consumer = KafkaConsumer(
        f"{settings.topic_prefix}{suffix}",
        bootstrap_servers=settings.bootstrap_servers,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    records: list = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and not done(records):
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend(batch)
    finally:
        consumer.close()
    return records


def values(records: list) -> list[dict]:
    return [orjson.loads(record.value) for record in records if record.value is not None]


def read_all(settings: Settings, suffix: str, timeout: float = 30.0) -> list:
    """Every record of a topic up to its end offsets at the time of the call."""
    from kafka import TopicPartition

    topic = f"{settings.topic_prefix}{suffix}"
    consumer = KafkaConsumer(bootstrap_servers=settings.bootstrap_servers, group_id=None, enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        end = consumer.end_offsets(partitions)
        records: list = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and any(consumer.position(tp) < end[tp] for tp in partitions):
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend(batch)
        return records
    finally:
        consumer.close()


def group_offsets(settings: Settings, suffix: str) -> dict:
    """The worker group's committed offset and the log's end offset, per partition of a topic."""
    from kafka import TopicPartition

    topic = f"{settings.topic_prefix}{suffix}"
    consumer = KafkaConsumer(bootstrap_servers=settings.bootstrap_servers, group_id=settings.app_id,
                             enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic))]
        end = consumer.end_offsets(partitions)
        return {tp: (consumer.committed(tp), end[tp]) for tp in partitions}
    finally:
        consumer.close()


def group_caught_up(settings: Settings, suffixes: Iterable[str] = ("posts", "issues.events")) -> bool:
    """Whether the worker group has committed every record of these topics, in this order. A worker commits a
    record only once the outputs of its batch are delivered, so outputs read after this returns True include
    everything these records cause (the posts' events are in `issues.events` before the posts are committed)."""
    return all((committed or 0) == end for suffix in suffixes  # None: nothing committed, fine for an empty one
               for committed, end in group_offsets(settings, suffix).values())


def produce_compressed(settings: Settings, suffix: str, items: Iterable[tuple[bytes | None, bytes]],
                       codec: str) -> None:
    """Records sent as a producer that compresses its batches with ``codec`` (gzip, snappy, lz4, zstd) sends them,
    every delivery checked."""
    import asyncio

    from aiokafka import AIOKafkaProducer

    async def send() -> None:
        producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap_servers, compression_type=codec,
                                    linger_ms=50)
        await producer.start()
        try:
            deliveries = [await producer.send(f"{settings.topic_prefix}{suffix}", value, key=key)
                          for key, value in items]
            await asyncio.gather(*deliveries)
        finally:
            await producer.stop()

    asyncio.run(send())
