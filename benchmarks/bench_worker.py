"""Throughput and latency of a real `sigap worker` on the real local broker, against two baselines.

    python benchmarks/bench_worker.py [--posts 20000]

Prints, for the same posts on the same broker:
  1. baseline A: a raw aiokafka consume -> produce loop (no validation, no scoring): the transport's ceiling;
  2. baseline B: the scoring pipeline alone, in this process, no Kafka (`streams.pipeline.process_messages`);
  3. the Sigap worker (a subprocess, all agents): posts/s from the first scored post to the last, posts/s until
     the issue engine has taken every post too (its `sigap_issue_posts_total`; the scoring and issues agents share
     the worker's one event loop, so the engine can trail the scoring), and the worker's own p50/p95
     consume-to-publish latency from its `sigap_processing_seconds` histogram.
Needs a running broker (`sigap kafka start`); uses a fresh topic prefix and removes its topics afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from streams.kafka_local import create_topics, delete_topics_with_prefix  # noqa: E402
from streams.settings import Settings  # noqa: E402
from tests.support.deployment import private_deployment  # noqa: E402
from tests.support.kafka import produce_posts, read_until  # noqa: E402
from tests.support.posts import make_posts  # noqa: E402
from tests.support.worker import WorkerProcess, metric_sum  # noqa: E402


async def raw_loop(settings: Settings, n: int) -> float:
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

    source, sink = f"{settings.topic_prefix}posts", f"{settings.topic_prefix}posts.scored"
    consumer = AIOKafkaConsumer(source, bootstrap_servers=settings.bootstrap_servers, group_id=None,
                                auto_offset_reset="earliest", enable_auto_commit=False)
    producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap_servers, linger_ms=5)
    await consumer.start()
    await producer.start()
    seen, started = 0, None
    try:
        while seen < n:
            batches = await consumer.getmany(timeout_ms=1000, max_records=1000)
            started = started or time.perf_counter()
            for records in batches.values():
                for record in records:
                    await producer.send(sink, key=record.key, value=record.value)
                    seen += 1
        await producer.flush()
        return n / (time.perf_counter() - started)
    finally:
        await consumer.stop()
        await producer.stop()


def scoring_only(posts: list[dict], batch: int) -> float:
    from streams.pipeline import RawMessage, process_messages
    from streams.scoring import Scorer
    from streams.settings import get_settings

    scorer = Scorer.load(claims=None)
    messages = [RawMessage(p["id"].encode(), orjson.dumps(p), "bench", 0, i) for i, p in enumerate(posts)]
    started = time.perf_counter()
    for i in range(0, len(messages), batch):
        process_messages(messages[i:i + batch], scorer, get_settings().max_clock_skew_seconds)
    return len(messages) / (time.perf_counter() - started)


def histogram_quantile(metrics: str, name: str, q: float) -> float:
    buckets = []
    for line in metrics.splitlines():
        if line.startswith(f"{name}_bucket"):
            le = line.split('le="', 1)[1].split('"', 1)[0]
            buckets.append((float("inf") if le == "+Inf" else float(le), float(line.rsplit(" ", 1)[1])))
    total = buckets[-1][1]
    for bound, count in buckets:
        if count >= q * total:
            return bound
    return float("inf")


def issue_posts(metrics: str) -> float:
    """Posts the worker's issue engine has taken, whatever the outcome (``sigap_issue_posts_total``)."""
    return metric_sum(metrics, "sigap_issue_posts_total{")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=20000)
    args = parser.parse_args()
    posts = make_posts(args.posts, seed=7)
    with private_deployment("bench", create_topics=True) as (settings, env):
        produce_posts(settings, posts)
        raw = asyncio.run(raw_loop(settings, args.posts))
        delete_topics_with_prefix(settings, settings.topic_prefix)
        create_topics(settings)
        produce_posts(settings, posts)
        offline = scoring_only(posts, settings.batch_size)
        log = Path(os.environ.get("TMPDIR", "/tmp")) / f"{settings.app_id}.log"
        with WorkerProcess(env, log) as worker:
            worker.wait_ready()
            first = read_until(settings, "posts.scored", lambda rs: len(rs) >= 1, timeout=60)
            t0 = time.perf_counter()
            records = read_until(settings, "posts.scored", lambda rs: len(rs) >= args.posts, timeout=600)
            elapsed = time.perf_counter() - t0
            tracked = None
            while time.perf_counter() - t0 < 900:
                if issue_posts(worker.metrics()) >= args.posts:
                    tracked = time.perf_counter() - t0
                    break
                time.sleep(0.2)
            metrics = worker.metrics()
        assert first and len(records) >= args.posts, f"only {len(records)} scored"
        print(f"posts: {args.posts}, batch size {settings.batch_size}, 8 partitions, one worker, 2-core machine")
        print(f"baseline A, raw aiokafka consume->produce loop: {raw:10.0f} posts/s")
        print(f"baseline B, scoring pipeline alone (no Kafka):   {offline:10.0f} posts/s")
        print(f"sigap worker, all agents, real broker:           {args.posts / elapsed:10.0f} posts/s scored")
        if tracked is not None:
            print(f"                                                 {args.posts / tracked:10.0f} posts/s through the "
                  f"issue engine too (every post in its issue {tracked:.1f} s after the first was scored)")
        else:
            print(f"the issue engine had taken {issue_posts(metrics):.0f} of the posts after 900 s")
        print(f"worker consume-to-publish latency: p50 <= {histogram_quantile(metrics, 'sigap_processing_seconds', .5)}"
              f" s, p95 <= {histogram_quantile(metrics, 'sigap_processing_seconds', .95)} s (histogram buckets)")


if __name__ == "__main__":
    main()
