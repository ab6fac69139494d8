"""`/health`, `/ready` and `/metrics` on the worker's web port, and the consumer-lag gauge behind `/metrics`.

`/health` answers 200 while the event loop runs (liveness). `/ready` answers 200 only once the models and the
start-up claims are loaded, 503 before: a rolling update must not replace the next worker while this one cannot
score yet. A worker without partitions (more workers than partitions) is ready: it is a standby.
"""

from __future__ import annotations

import orjson
from faust.exceptions import ConsumerNotStarted
from prometheus_client import CONTENT_TYPE_LATEST

from agents.claims import scorer_is_ready
from streams import metrics
from streams.app import app, settings, topics

_LAG_TOPICS = {topics.posts.get_topic_name(), topics.feedback.get_topic_name(), topics.issue_events.get_topic_name()}


def _state(status: str) -> dict:
    return {
        "status": status,
        "app_id": settings.app_id,
        "scorer_ready": scorer_is_ready(),
        "assigned_partitions": _assigned_partitions(),
    }


def _assigned_partitions() -> int:
    try:
        return len(app.consumer.assignment())
    except ConsumerNotStarted:  # the web server answers before the consumer thread has started
        return 0


def _json(web, body: dict, status: int = 200):
    return web.bytes(orjson.dumps(body), status=status, headers={"Content-Type": "application/json"})


@app.page("/health")
async def health(web, request):
    return _json(web, _state("ok"))


@app.page("/ready")
async def ready(web, request):
    if scorer_is_ready():
        return _json(web, _state("ready"))
    return _json(web, _state("starting"), status=503)


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
