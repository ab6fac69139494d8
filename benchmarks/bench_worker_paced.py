"""A real `sigap worker` fed at a steady, live-like rate: its CPU and issue-state changelog writes per post.

    python benchmarks/bench_worker_paced.py [--posts 24000] [--rate 200] [--speed 20]

`bench_worker.py` replays a backlog: the worker takes batches of 500 and the watermark jumps many minutes at
once. A live stream arrives a little at a time instead, so the issue engine judges each minute in a batch of its
own, and per-batch and per-evaluation costs show. Here posts (the shipped SmSA and tweet texts, seeded, 5,000
authors) are produced at ``--rate`` posts/s, their ``created_at`` advancing ``--speed`` times faster than the wall
clock and ending at about now (so none is ahead of the worker's clock), on a fresh topic prefix of the running
broker (`sigap kafka start`). Prints, once the issue engine has taken every post (`sigap_issue_posts_total`), the
worker process's CPU time per post and the issue-state records it wrote per post
(`sigap_issue_state_written_records_total`, each one a changelog send), its resident memory at the end and at its
peak with the issues it holds, and what it wrote to its issue-clock table's changelog. The texts come round again
with new ids (13,175 of them), so with a high ``--speed`` the stream spans hours of event time, its subjects recur
and idle issues close: ``--posts 60000 --speed 120`` is ten hours of a steady stream. Those texts alone are mostly
the same 9,500 issues again every 66 s; a real stream keeps bringing new subjects, which ``--new-subjects 0.6``
imitates (60 % of the posts carry a hashtag of their own, so each opens an issue nothing else joins; the texts'
first hour gives 8,479 issues for 13,175 posts). To compare two releases, run it in a checkout of each,
alternately.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from process_stats import cpu_seconds, memory_mb  # noqa: E402
from streams.settings import Settings  # noqa: E402
from tests.support.deployment import private_deployment  # noqa: E402
from tests.support.worker import WorkerProcess, metric_sum  # noqa: E402

SOURCES = ("data/sentiment-smsa/train.csv", "data/hoax-tweets-idnhoaxcorpus/train.csv")


def topic_records(settings: Settings, suffix: str) -> int:
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=settings.bootstrap_servers)
    try:
        topic = f"{settings.topic_prefix}{suffix}"
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        return sum(consumer.end_offsets(partitions).values())
    finally:
        consumer.close()


def letters(n: int) -> str:
    """``n`` in base 26 written with a-z: a word of its own for every post."""
    word = ""
    while True:
        n, digit = divmod(n, 26)
        word = "abcdefghijklmnopqrstuvwxyz"[digit] + word
        if not n:
            return word


def changelog_size(settings: Settings, table: str) -> tuple[int, int]:
    """Records and bytes (keys and values) of a table's changelog: what the worker wrote to it."""
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=settings.bootstrap_servers, enable_auto_commit=False)
    try:
        topic = f"{settings.app_id}-{table}-changelog"
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        end = consumer.end_offsets(partitions)
        records = size = 0
        while any(consumer.position(tp) < end[tp] for tp in partitions):
            for batch in consumer.poll(timeout_ms=1000).values():
                records += len(batch)
                size += sum(len(m.key or b"") + len(m.value or b"") for m in batch)
        return records, size
    finally:
        consumer.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=24000)
    parser.add_argument("--rate", type=float, default=200.0, help="posts produced per second of wall time")
    parser.add_argument("--speed", type=float, default=20.0, help="seconds of event time per second of wall time")
    parser.add_argument("--new-subjects", type=float, default=0.0,
                        help="share of posts given a hashtag of their own, so each opens an issue nothing else joins")
    args = parser.parse_args()
    from kafka import KafkaProducer

    texts: list[str] = []
    for source in SOURCES:
        with (ROOT / source).open(encoding="utf-8", newline="") as handle:
            texts += [row["text"][:20_000] for row in csv.DictReader(handle)]
    rng = random.Random(1)
    rng.shuffle(texts)
    subject_rng = random.Random(2)
    with private_deployment("paced", create_topics=True) as (settings, env):
        log = Path(os.environ.get("TMPDIR", "/tmp")) / f"{settings.app_id}.log"
        with WorkerProcess(env, log) as worker:
            worker.wait_ready()
            producer = KafkaProducer(bootstrap_servers=settings.bootstrap_servers, linger_ms=5)
            duration = args.posts / args.rate
            started, cpu_before = time.monotonic(), cpu_seconds(worker.process.pid)
            event_start = datetime.now(UTC) - timedelta(seconds=duration * args.speed)
            for i in range(args.posts):
                pause = started + i / args.rate - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                created = event_start + timedelta(seconds=(time.monotonic() - started) * args.speed)
                post = {"id": f"q{i}", "platform": rng.choice(("twitter", "facebook", "news")),
                        "text": (f"#kabar{letters(i)} " if subject_rng.random() < args.new_subjects else "")
                                + texts[i % len(texts)],
                        "created_at": created.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                        "author": {"id": f"a{rng.randrange(5000)}", "followers": rng.randrange(10_000)}}
                producer.send(f"{settings.topic_prefix}posts", key=post["id"].encode(), value=orjson.dumps(post))
            producer.flush()
            producer.close()
            while (metric_sum(worker.metrics(), "sigap_issue_posts_total{") < args.posts
                   and time.monotonic() - started < duration + 300):
                time.sleep(0.5)
            metrics = worker.metrics()
            used = cpu_seconds(worker.process.pid) - cpu_before
            resident, peak = memory_mb(worker.process.pid)
        events = topic_records(settings, "issues.events")
        clock_records, clock_bytes = changelog_size(settings, "issue-clock")
        tracked = metric_sum(metrics, "sigap_issue_posts_total{")
        written = metric_sum(metrics, "sigap_issue_state_written_records_total")
        print(f"{args.posts:,} posts at {args.rate:g}/s, event time x{args.speed:g}, one worker "
              f"({tracked:,.0f} taken by the issue engine, {time.monotonic() - started:.0f} s)")
        print(f"  worker CPU:                  {used:8.1f} s = {1e6 * used / args.posts:,.0f} µs per post")
        print(f"  issue-state records written: {written:8,.0f}   = {written / args.posts:.2f} per post, "
              f"{metric_sum(metrics, 'sigap_issue_state_written_bytes_total') / 1e6:,.1f} MB")
        print(f"  issue-clock changelog:       {clock_records:8,.0f}   = {clock_records / args.posts:.2f} per post, "
              f"{clock_bytes / 1e6:,.1f} MB (watermarks, lists of issues to judge and to expire)")
        batches = metric_sum(metrics, "sigap_batch_size_posts_count")
        print(f"  scoring batches:             {batches:8,.0f}   = {args.posts / max(batches, 1):.0f} posts each "
              f"on average")
        print(f"  issue events records:        {events:8,.0f}   = {events / args.posts:.2f} per post (posts, "
              f"watermarks, ticks)")
        print(f"  worker resident memory:      {resident:8,.0f} MB at the end, {peak:,.0f} MB at its peak, "
              f"{metric_sum(metrics, 'sigap_issues_active'):,.0f} issues held")


if __name__ == "__main__":
    main()
