"""`/health` and `/metrics` on the worker's web port, and the consumer-lag gauge behind `/metrics`."""

from __future__ import annotations

import orjson
from prometheus_client import CONTENT_TYPE_LATEST

from agents.claims import scorer_is_ready
from streams import metrics
from streams.app import app, settings, topics

_LAG_TOPICS = {topics.posts.get_topic_name(), topics.issue_events.get_topic_name()}


@app.page("/health")
async def health(web, request):
    body = {
        "status": "ok",
        "app_id": settings.app_id,
        "scorer_ready": scorer_is_ready(),
        "assigned_partitions": len(app.consumer.assignment()) if app.consumer else 0,
    }
    return web.bytes(orjson.dumps(body), headers={"Content-Type": "application/json"})


@app.page("/metrics")
async def prometheus_metrics(web, request):
    return web.bytes(metrics.exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST})


@app.timer(interval=5.0)
async def measure_consumer_lag() -> None:
    consumer = app.consumer
    assigned = {tp for tp in consumer.assignment() if tp.topic in _LAG_TOPICS}
    metrics.consumer_lag.clear()
    for tp in assigned:
        highwater = consumer.highwater(tp)
        read = consumer._read_offset.get(tp)  # Faust keeps no public accessor for the last read offset
        if highwater is None:
            continue
        position = 0 if read is None else read + 1
        metrics.consumer_lag.labels(topic=tp.topic, partition=str(tp.partition)).set(max(0, highwater - position))
