"""`sigap replay`: produce posts into the posts topic, from a file or from a generated scenario.

    sigap replay posts.jsonl [--rate N]                 # every line, as fast as possible (or N posts/second)
    sigap replay --scenario demo [--seed S] [--speed X] # a scenario from the shipped data (see --list)
    sigap replay --scenario hoax-burst --output f.jsonl # write the scenario instead of producing it

File lines are sent exactly as they are (keyed by their ``id``), so invalid lines reach the dead-letter topic
like any bad input would; a line that cannot be produced at all (larger than a record may be, or refused by the
broker) is named on stderr with the reason, and the exit status is then 1. A scenario is timed to end now when
sent as fast as possible; with ``--speed X`` it starts now and is paced at X times real time by its posts'
``created_at`` (``--speed 60``: a minute a second).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from streams.cli.arguments import rfc3339_time


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("replay", help="produce posts from a file or a scenario into the posts topic",
                                   description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("file", nargs="?", type=Path, help="posts JSONL, one post per line")
    parser.add_argument("--rate", type=float, help="posts per second (default: as fast as possible)")
    parser.add_argument("--scenario", help="generate a scenario instead of reading a file (see --list)")
    parser.add_argument("--seed", type=int, default=0, help="scenario seed (default 0)")
    parser.add_argument("--speed", type=float,
                        help="pace a scenario by event time at this many times real time (default: no pacing)")
    parser.add_argument("--start", type=rfc3339_time,
                        help="scenario start time, RFC 3339 with its offset (default: so that it ends now; with "
                             "--speed, so that it ends as its last post is sent)")
    parser.add_argument("--output", type=Path, help="write the scenario's posts to this JSONL file, do not produce")
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    parser.add_argument("--topic", help="topic to produce to: a name without the prefix (posts, feedback, ...) or a "
                                        "full topic name; it must exist (default: the posts topic)")
    parser.set_defaults(func=run)


def _scenario_posts(args: argparse.Namespace) -> list[dict]:
    from streams.issues.timeutil import parse_ms
    from streams.scenarios import build_scenario, list_scenarios, scenario_minutes

    if args.scenario not in list_scenarios():
        raise SystemExit(f"unknown scenario {args.scenario!r}; known: {', '.join(list_scenarios())}")
    now = datetime.now(UTC)
    if args.start:
        start = datetime.fromtimestamp(parse_ms(args.start) / 1000, tz=UTC)
    elif args.speed:
        first_try = _whole_minute(now)
        start = first_try + _paced_shift(build_scenario(args.scenario, seed=args.seed, start=first_try), args.speed,
                                         now)
    else:
        start = now - timedelta(minutes=scenario_minutes(args.scenario) + 1)
    posts = build_scenario(args.scenario, seed=args.seed, start=_whole_minute(start))
    ahead = _paced_shift(posts, args.speed or float("inf"), now)
    if args.start and not args.output and ahead < -timedelta(minutes=1):
        raise SystemExit(f"--start {args.start}: posts would be dated up to {-ahead} after the moment they are sent, "
                         "and the workers dead-letter posts dated ahead of their clock (created_in_future); give an "
                         "earlier --start, or none (--output writes a file with any start)")
    return posts


def _whole_minute(when: datetime) -> datetime:
    return when.replace(second=0, microsecond=0)


def _paced_shift(posts: list[dict], speed: float, now: datetime) -> timedelta:
    """How far to move a scenario's posts so that, paced at ``speed`` from ``now``, none is dated after the moment
    it is sent: started now and faster than real time, its event time ran ahead of the clock, and the workers
    dead-letter posts more than SIGAP_MAX_CLOCK_SKEW_SECONDS ahead. Faster than real time the last post is dated
    when it is sent (the replay looks live); slower, the first."""
    from streams.issues.timeutil import parse_ms

    times = [parse_ms(post["created_at"]) for post in posts]
    if not times:
        return timedelta(0)
    first, last = min(times), max(times)
    # post i is sent at now + (t_i - first) / speed; the tightest post is the last one (speed >= 1) or the first
    shift = now.timestamp() * 1000 - first - max(0.0, (last - first) * (1.0 - 1.0 / speed))
    return timedelta(milliseconds=shift)


def _file_lines(path: Path) -> list[tuple[int, bytes]]:
    """The file's non-blank lines with their line numbers (from 1)."""
    from streams.cli.files import read_input

    return [(number, line) for number, line in enumerate(read_input(path).splitlines(), start=1) if line.strip()]


def _key_of(line: bytes) -> bytes | None:
    import orjson

    try:
        value = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    post_id = value.get("id") if isinstance(value, dict) else None
    return str(post_id).encode() if post_id is not None else None


def run(args: argparse.Namespace) -> int:
    import orjson

    if args.list:
        from streams.scenarios import describe_scenarios

        for name, description in describe_scenarios().items():
            print(f"{name:<18} {description}")
        return 0
    if bool(args.file) == bool(args.scenario):
        print("give either a posts file or --scenario NAME", file=sys.stderr)
        return 2
    for name in ("rate", "speed"):
        if getattr(args, name) is not None and getattr(args, name) <= 0:
            print(f"--{name} must be positive", file=sys.stderr)
            return 2

    pacing: list[float] | None = None
    if args.scenario:
        posts = _scenario_posts(args)
        if args.output:
            with args.output.open("wb") as fh:
                for post in posts:
                    fh.write(orjson.dumps(post) + b"\n")
            print(f"wrote {len(posts)} posts of scenario {args.scenario!r} (seed {args.seed}) to {args.output}")
            return 0
        lines = [orjson.dumps(post) for post in posts]
        keys = [post["id"].encode() for post in posts]
        positions = [f"post {i + 1} ({post['id']})" for i, post in enumerate(posts)]
        if args.speed:
            from streams.issues.timeutil import parse_ms

            first = parse_ms(posts[0]["created_at"]) if posts else 0
            pacing = [(parse_ms(p["created_at"]) - first) / 1000 / args.speed for p in posts]
    else:
        try:
            numbered = _file_lines(args.file)
        except OSError as exc:
            print(f"{args.file}: {exc.strerror or exc}", file=sys.stderr)
            return 2
        lines = [line for _, line in numbered]
        keys = [_key_of(line) for line in lines]
        positions = [f"line {number}" for number, _ in numbered]

    from streams.cli import clients
    from streams.cli.produce import Delivery
    from streams.cli.tail import resolve_topic
    from streams.settings import get_settings
    from streams.topics import POSTS, RECORD_MAX_BYTES

    settings = get_settings()
    topic = resolve_topic(POSTS if args.topic is None else args.topic, settings.topic_prefix)
    _refuse_sigap_s_own(settings, topic)
    _require_topic(settings, topic)  # a producer sending to a missing topic has the broker create it, as it likes
    producer = clients.producer(settings, acks="all", linger_ms=10, max_request_size=RECORD_MAX_BYTES + 64 * 1024)
    delivery = Delivery(producer)
    began = time.monotonic()
    interrupted = False
    try:
        for i, (key, value) in enumerate(zip(keys, lines, strict=True)):
            due = pacing[i] if pacing is not None else (i / args.rate if args.rate else None)
            if due is not None:
                wait = began + due - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
            delivery.send(i, topic, key, value)
    except KeyboardInterrupt:
        interrupted = True
    try:
        undelivered = delivery.finish()
    finally:
        producer.close()
    for position, reason in undelivered:
        print(f"{positions[position]}: not produced: {reason}", file=sys.stderr)
    produced = delivery.attempted - len(undelivered)
    if interrupted:
        print(f"interrupted: produced {produced} of the first {delivery.attempted} posts", file=sys.stderr)
        return 130
    elapsed = time.monotonic() - began
    what = f"scenario {args.scenario!r} (seed {args.seed})" if args.scenario else str(args.file)
    print(f"produced {produced} of {len(lines)} posts from {what} to {topic} in {elapsed:.1f}s")
    return 1 if undelivered else 0


def _require_topic(settings, topic: str) -> None:
    """Ends the command when ``topic`` does not exist (asked, as `sigap tail` does, without creating it)."""
    from streams.cli import clients
    from streams.cli.snapshot import existing_partitions

    consumer = clients.consumer(settings, group_id=None, enable_auto_commit=False)
    try:
        existing_partitions(consumer, topic)
    finally:
        consumer.close()


def _refuse_sigap_s_own(settings, topic: str) -> None:
    """Ends the command for a topic only Sigap writes (its outputs, dead letters, internal topics and changelogs):
    records replayed there would pass for Sigap's own. Inputs (posts, feedback) and other teams' topics are fine."""
    from streams.topics import FEEDBACK, POSTS, topic_specs

    own = {spec.name(settings.topic_prefix) for spec in topic_specs()} - {
        f"{settings.topic_prefix}{POSTS}", f"{settings.topic_prefix}{FEEDBACK}"}
    if not topic.strip():
        raise SystemExit("--topic: give a topic name (posts, feedback, or a full name)")
    if topic in own or topic.startswith(f"{settings.app_id}-"):
        raise SystemExit(f"--topic {topic}: a topic only Sigap writes; replay writes to posts, feedback or a topic of "
                         "your own (claims: `sigap claims load`)")
