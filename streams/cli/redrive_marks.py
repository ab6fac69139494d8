"""Which dead letters an earlier `sigap dlq redrive` already re-sent, kept on the broker.

A re-sent record that fails again comes back to the dead-letter topic as a new letter, and the old letter stays
there until retention removes it. Without a record of what was re-sent, every redrive re-sent every letter of its
reason again: the dead-letter topic doubled at each run, and a post that was accepted the second time was scored
again at every later run.

Per reason, a mark per partition of the dead-letter topic: every letter of that reason below it was re-sent (or had
nothing to re-send). Marks are committed offsets of the consumer group ``<app id>-dlq-redrive-<reason>``, so they
live where the letters do, and ``kafka-consumer-groups.sh`` shows and resets them. A run moves the marks over the
letters it passed over, in offset order, and stops before a letter it could not deliver, which keeps its place.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from streams.cli.dlq import Letter
    from streams.settings import Settings

Marks = dict[tuple[str, int], int]  # (reason, dead-letter partition) -> offset below which all are re-sent


def group_of(app_id: str, reason: str) -> str:
    return f"{app_id}-dlq-redrive-{reason}"


def already_resent(letter: Letter, marks: Marks) -> bool:
    return letter.offset < marks.get((str(letter.record.get("error")), letter.partition), 0)


def advanced(marks: Marks, letters: Iterable[Letter], handled: set[tuple[int, int]]) -> Marks:
    """The marks moved past the letters this run handled (``handled``: their (partition, offset)), each as far as
    an unbroken run of handled letters of its reason reaches."""
    offsets: dict[tuple[str, int], list[int]] = defaultdict(list)
    for letter in letters:
        offsets[(str(letter.record.get("error")), letter.partition)].append(letter.offset)
    moved = dict(marks)
    for key, found in offsets.items():
        mark = marks.get(key, 0)
        for offset in sorted(found):
            if offset < mark:
                continue
            if (key[1], offset) not in handled:
                break
            mark = offset + 1
        if mark != marks.get(key, 0):
            moved[key] = mark
    return moved


def read(settings: Settings, reasons: Iterable[str]) -> Marks:
    """The marks of ``reasons``; a mark past its partition's end (the topic was deleted and made again) counts as
    none."""
    marks: Marks = {}
    for reason in reasons:
        with _group_consumer(settings, reason) as (consumer, partitions):
            ends = consumer.end_offsets(partitions)
            for tp in partitions:
                committed = consumer.committed(tp)
                if committed is not None and committed <= ends[tp]:
                    marks[(reason, tp.partition)] = committed
    return marks


def write(settings: Settings, before: Marks, after: Marks) -> None:
    """Commit the marks that moved."""
    from kafka import TopicPartition
    from kafka.structs import OffsetAndMetadata

    from streams.topics import POSTS_DLQ

    moved: dict[str, dict[Any, Any]] = defaultdict(dict)
    for (reason, partition), offset in after.items():
        if before.get((reason, partition)) != offset:
            topic = f"{settings.topic_prefix}{POSTS_DLQ}"
            moved[reason][TopicPartition(topic, partition)] = OffsetAndMetadata(offset, "", -1)
    for reason, offsets in moved.items():
        with _group_consumer(settings, reason) as (consumer, _):
            consumer.commit(offsets)


@contextmanager
def _group_consumer(settings: Settings, reason: str) -> Iterator[tuple[Any, list[Any]]]:
    """A consumer of the reason's group, assigned every partition of the dead-letter topic."""
    from streams.cli import clients
    from streams.cli.snapshot import assign_every_partition
    from streams.topics import POSTS_DLQ

    consumer = clients.consumer(settings, group_id=group_of(settings.app_id, reason), enable_auto_commit=False)
    try:
        yield consumer, assign_every_partition(consumer, f"{settings.topic_prefix}{POSTS_DLQ}")
    finally:
        consumer.close()
