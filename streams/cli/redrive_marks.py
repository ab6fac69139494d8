"""Which dead letters an earlier `sigap dlq redrive` already re-sent, kept on the broker.

A re-sent record that fails again comes back to the dead-letter topic as a new letter, and the old letter stays
there until retention removes it. Without a record of what was re-sent, every redrive re-sent every letter of its
reason again: the dead-letter topic doubled at each run, and a post that was accepted the second time was scored
again at every later run.

Per reason, a mark per partition of the dead-letter topic: every letter of that reason below it was re-sent (or had
nothing to re-send), except the letters it lists as pending (a run could not deliver them: the next run tries them
again, and only them). Marks are the committed offsets of the consumer group ``<app id>-dlq-redrive-<reason>``, the
pending letters their commit metadata, so they live where the letters do, and ``kafka-consumer-groups.sh`` shows and
resets them. A run moves each mark past every letter it read. Stopping the mark at an undelivered letter instead
made every later letter go again at every run while that one kept failing (a record the topic refuses).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from streams.cli.dlq import Letter
    from streams.settings import Settings


class Mark(NamedTuple):
    offset: int  # every letter below it was handled ...
    pending: frozenset[int] = frozenset()  # ... but these, which a run could not deliver


Marks = dict[tuple[str, int], Mark]  # (reason, dead-letter partition) -> its mark
# the broker keeps up to offset.metadata.max.bytes (4096 by default) of commit metadata
PENDING_MAX_CHARS = 3500
PENDING_PREFIX = "pending:"


def group_of(app_id: str, reason: str) -> str:
    return f"{app_id}-dlq-redrive-{reason}"


def already_resent(letter: Letter, marks: Marks) -> bool:
    mark = marks.get((str(letter.record.get("error")), letter.partition))
    return mark is not None and letter.offset < mark.offset and letter.offset not in mark.pending


def advanced(marks: Marks, letters: Iterable[Letter], handled: set[tuple[int, int]]) -> Marks:
    """The marks moved past every letter read (``letters``, of the run's reasons), with those not ``handled`` (their
    (partition, offset)) pending. Letters retention removed drop out of the pending ones."""
    offsets: dict[tuple[str, int], list[int]] = defaultdict(list)
    for letter in letters:
        offsets[(str(letter.record.get("error")), letter.partition)].append(letter.offset)
    moved = dict(marks)
    for key, found in offsets.items():
        before = marks.get(key, Mark(0))
        current = [offset for offset in sorted(found) if offset >= before.offset or offset in before.pending]
        pending = [offset for offset in current if (key[1], offset) not in handled]
        mark = Mark(max(before.offset, max(found) + 1), frozenset(pending))
        if len(_metadata(mark)) > PENDING_MAX_CHARS:  # too many to list: the mark stops at the first one not listed
            listed, chars = [], len(PENDING_PREFIX) - 1  # (the first offset has no comma before it)
            for offset in pending:
                chars += len(str(offset)) + 1
                if chars > PENDING_MAX_CHARS:
                    mark = Mark(offset, frozenset(listed))
                    break
                listed.append(offset)
        if mark != before:
            moved[key] = mark
    return moved


def _metadata(mark: Mark) -> str:
    return PENDING_PREFIX + ",".join(map(str, sorted(mark.pending))) if mark.pending else ""


def _pending(metadata: str | None) -> frozenset[int]:
    if not metadata or not metadata.startswith(PENDING_PREFIX):
        return frozenset()
    listed = metadata[len(PENDING_PREFIX):].split(",")
    return frozenset(int(part) for part in listed if part.isascii() and part.isdigit())


def read(settings: Settings, reasons: Iterable[str]) -> Marks:
    """The marks of ``reasons``; a mark past its partition's end (the topic was deleted and made again) counts as
    none."""
    marks: Marks = {}
    for reason in reasons:
        with _group_consumer(settings, reason) as (consumer, partitions):
            ends = consumer.end_offsets(partitions)
            for tp in partitions:
                committed = consumer.committed(tp, metadata=True)
                if committed is not None and committed.offset <= ends[tp]:
                    marks[(reason, tp.partition)] = Mark(committed.offset, _pending(committed.metadata))
    return marks


def write(settings: Settings, before: Marks, after: Marks) -> None:
    """Commit the marks that moved."""
    from kafka import TopicPartition
    from kafka.structs import OffsetAndMetadata

    from streams.topics import POSTS_DLQ

    moved: dict[str, dict[Any, Any]] = defaultdict(dict)
    for (reason, partition), mark in after.items():
        if before.get((reason, partition)) != mark:
            topic = f"{settings.topic_prefix}{POSTS_DLQ}"
            moved[reason][TopicPartition(topic, partition)] = OffsetAndMetadata(mark.offset, _metadata(mark), -1)
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
