"""Posts in, scored posts out: validate, score in batches, publish; poison inputs go to the dead-letter topic.

Each scored post is published twice: to the public scored topic keyed by post id, and to the internal issue
events topic keyed by issue id, which repartitions posts so that one worker owns each issue. After a batch, every
issue events partition also gets one watermark record with a mark per source partition of the batch ("source s
has sent every post created up to t"): the issue engine judges a minute once every source has passed it, so
escalations do not depend on how the partitions interleave, however fast a stream is replayed.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from agents.claims import ready_scorer
from agents.publishing import acknowledge, encode, publish
from streams import metrics
from streams.app import app, settings, topics
from streams.issues.watermark import watermark_record
from streams.pipeline import BatchOutcome, RawMessage, process_messages
from streams.records.post import created_at

log = logging.getLogger(__name__)
ISSUE_PARTITIONS = settings.posts_partitions  # topics.ISSUE_EVENTS is created with as many as the posts topic


def _outputs(outcome: BatchOutcome):
    for post, value in zip(outcome.scored, outcome.encoded, strict=True):
        yield topics.scored, post["id"], value
        yield topics.issue_events, post["scores"]["issue_id"], value
    for letter in outcome.dead_letters:
        yield topics.dlq, letter.key, encode(letter.record)
    if outcome.source_watermarks:
        mark = encode(watermark_record(outcome.source_watermarks))
        for partition in range(ISSUE_PARTITIONS):
            yield topics.issue_events, None, mark, partition


def _observe(outcome: BatchOutcome, received: list[float]) -> None:
    for platform in outcome.platforms:
        metrics.posts_consumed.labels(platform=metrics.platform_label(platform)).inc()
    for letter in outcome.dead_letters:
        metrics.posts_invalid.labels(reason=letter.reason).inc()
    for model, seconds in outcome.seconds_by_model.items():
        metrics.model_inference_seconds.labels(model=model).observe(seconds)
    metrics.posts_scored.inc(len(outcome.scored))
    metrics.count_labels(outcome.scored)
    metrics.batch_size.observe(len(received))
    now_wall = datetime.now(UTC)
    for post in outcome.scored:
        metrics.event_lag_seconds.observe(max(0.0, (now_wall - created_at(post)).total_seconds()))
    now = time.monotonic()
    for t0 in received:
        metrics.processing_seconds.observe(now - t0)


@app.agent(topics.posts)
async def score_posts(stream):
    scorer = await ready_scorer()
    async for events in stream.noack_take(settings.batch_size, within=settings.batch_within_seconds):
        batch_start = time.monotonic()
        messages = [RawMessage.of(e.message) for e in events]
        outcome = process_messages(messages, scorer, settings.max_clock_skew_seconds)
        await publish(_outputs(outcome))
        await acknowledge(stream, events)
        _observe(outcome, [e.message.time_in or batch_start for e in events])
