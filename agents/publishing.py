"""Publishing with at-least-once delivery: a batch's inputs are acknowledged only after its outputs are delivered.

The producer already retries retriable faults (leader moves, timeouts) on its own. If a send still fails, the
worker exits without acknowledging the batch, so on restart the batch is read again from the committed offset:
outputs are keyed and idempotent, so a replay duplicates at most one batch and loses nothing. Raising instead
would let Faust acknowledge the batch on the way out.

Batches come from `stream.noack_take`, never `take`/`take_events`: those acknowledge a batch in a `finally`, so a
worker stopped (cancelled) while publishing would commit offsets of posts whose outputs were never sent.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Iterable

import faust
import orjson

log = logging.getLogger(__name__)

EXIT_DELIVERY_FAILED = 75  # EX_TEMPFAIL: the supervisor restarts the worker


def encode(value: dict) -> bytes:
    return orjson.dumps(value)


def key_bytes(key: str | bytes | None) -> bytes | None:
    return key.encode("utf-8") if isinstance(key, str) else key


Message = tuple[faust.TopicT, str | bytes | None, bytes | None] | tuple[faust.TopicT, str | bytes | None, bytes | None, int]


async def publish(messages: Iterable[Message]) -> None:
    """Send (topic, key, value[, partition]) messages and wait until every one is delivered."""
    pending = [await topic.send(key=key_bytes(key), value=value, partition=partition)
               for topic, key, value, partition in (_with_partition(m) for m in messages)]
    if not pending:
        return
    results = await asyncio.gather(*pending, return_exceptions=True)
    failures = [result for result in results if isinstance(result, BaseException)]
    if failures:
        log.critical("%d of %d sends failed (first: %r); exiting without acknowledging the batch",
                     len(failures), len(pending), failures[0])
        logging.shutdown()
        os._exit(EXIT_DELIVERY_FAILED)


def _with_partition(message: Message) -> tuple:
    return message if len(message) == 4 else (*message, None)


async def acknowledge(stream, events) -> None:
    """Mark a batch done once its outputs are delivered; the offsets are committed after this."""
    for event in events:
        await stream.ack(event)
