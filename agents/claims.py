"""The scorer of this worker, and the claims it matches against.

Every worker needs every known claim, so the claims topic is followed without a consumer group: all partitions,
from the beginning, for as long as the worker runs. Scoring waits until the claims that existed at start-up are
loaded, so a known hoax is matched from the first post.
"""

from __future__ import annotations

import asyncio
import logging

from aiokafka import AIOKafkaConsumer, TopicPartition

from streams import metrics
from streams.app import app, settings, topics
from streams.records.claim import parse_claim
from streams.records.errors import InvalidInput

log = logging.getLogger(__name__)

_scorer = None
_scorer_ready = asyncio.Event()


async def ready_scorer():
    """The loaded scorer, once models and the start-up claims are in memory."""
    await _scorer_ready.wait()
    return _scorer


def _load_scorer():
    from streams.scoring import Scorer

    scorer = Scorer.load(settings.models_dir, claims=[])
    for model, version in scorer.versions.items():
        metrics.model_info.labels(model=model, version=version).set(1)
    return scorer


def _apply(scorer, key: bytes | None, value: bytes | None, partition: int, offset: int) -> None:
    claims_topic = topics.claims.get_topic_name()
    if value is None:
        if key is not None:
            scorer.claims.delete(key.decode("utf-8", "replace"))
        return
    try:
        claim = parse_claim(value)
    except InvalidInput as exc:
        # Every worker reads the whole claims topic, so a dead letter here would be written once per worker:
        # invalid claims are counted and logged instead (`sigap claims load` validates before publishing).
        metrics.claims_invalid.labels(reason=exc.reason.value).inc()
        log.warning("ignoring invalid claim topic=%s partition=%d offset=%d: %s",
                    claims_topic, partition, offset, exc)
        return
    scorer.claims.upsert(claim)


async def _wait_for_assignment(consumer: AIOKafkaConsumer, scorer, topic: str) -> set[TopicPartition]:
    # Without a consumer group, a subscription is assigned every partition once the topic's metadata arrives.
    while not consumer.assignment():
        await _drain(consumer, scorer, timeout_ms=500)
        if not consumer.assignment():
            log.warning("claims topic %s not found yet; run `sigap topics create`", topic)
            await asyncio.sleep(2.0)
    return consumer.assignment()


@app.task
async def follow_claims() -> None:
    global _scorer
    scorer = await asyncio.get_running_loop().run_in_executor(None, _load_scorer)
    topic = topics.claims.get_topic_name()
    consumer = AIOKafkaConsumer(
        topic,
        **settings.kafka_client_options(),
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        client_id=f"{settings.app_id}-claims-follower",
    )
    await consumer.start()
    try:
        assigned = await _wait_for_assignment(consumer, scorer, topic)
        end_offsets = await consumer.end_offsets(list(assigned))
        while not all([await consumer.position(tp) >= end for tp, end in end_offsets.items()]):
            await _drain(consumer, scorer, timeout_ms=500)
        _scorer = scorer
        _scorer_ready.set()
        metrics.claims_known.set(len(scorer.claims))
        log.info("scorer ready: models %s, %d known claims", scorer.versions, len(scorer.claims))
        while True:
            await _drain(consumer, scorer, timeout_ms=1000)
    finally:
        await consumer.stop()


async def _drain(consumer: AIOKafkaConsumer, scorer, timeout_ms: int) -> None:
    batches = await consumer.getmany(timeout_ms=timeout_ms, max_records=5000)
    for tp, records in batches.items():
        for record in records:
            _apply(scorer, record.key, record.value, tp.partition, record.offset)
    if batches:
        metrics.claims_known.set(len(scorer.claims))


def scorer_is_ready() -> bool:
    return _scorer_ready.is_set()
