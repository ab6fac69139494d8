"""`sigap dlq list|redrive`: what the dead-letter topic holds, and re-sending what was dead-lettered.

``list`` reads the dead-letter topic from its oldest retained record, prints one line per record (or the
records, or only their original values, as JSON lines) and a count per reason on stderr. ``--originals`` is for
the runbook's repair path: dump the originals of one reason, fix them, and send them back with `sigap replay`.

``redrive`` re-sends the original values, unchanged and with their original keys, to the topic each came from,
each letter once: the letters of a reason it has passed over (re-sent, nothing to re-send, older than ``--since``)
are marked on the broker (:mod:`streams.cli.redrive_marks`) and left out of later redrives unless ``--again``; of
letters holding the same record, one is re-sent.
That helps when the fault was not the message's: ``processing_failed`` after a model fix, or a validation rule
that a new release relaxed. A message that is still invalid comes back to the dead-letter topic as a new record.
Only this deployment's input topics are written (and its internal issue events topic, whose records the issue
engine could not use: a bug upstream, to re-send once fixed); a tombstone (``empty_value``) has nothing to re-send.
Re-sending a post twice does not inflate an issue: the issue engine counts a post id once in its signals.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

from streams.cli.arguments import rfc3339_time
from streams.records.errors import InvalidReason


@dataclass(frozen=True)
class Letter:
    """One dead-letter record with where it sits on the dead-letter topic."""

    key: bytes | None
    record: dict
    partition: int
    offset: int


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("dlq", help="inspect the dead-letter topic and re-send what it holds")
    actions = parser.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="print the dead-letter records, oldest first, and a count per reason")
    _add_filters(listing)
    shape = listing.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="one dead-letter record per line, as published")
    shape.add_argument("--originals", action="store_true",
                       help="only the original values, one per line (input for `sigap replay` once fixed)")
    listing.set_defaults(func=run_list)
    redrive = actions.add_parser("redrive", help="re-send original values, unchanged, to the topic each came from")
    _add_filters(redrive, reason_required=True)
    redrive.add_argument("--dry-run", action="store_true", help="say what would be re-sent, send nothing")
    redrive.add_argument("--again", action="store_true",
                         help="also re-send letters an earlier redrive already re-sent (each is re-sent once "
                              "otherwise; a re-sent record that fails again is a new letter)")
    redrive.set_defaults(func=run_redrive)


def _add_filters(parser: argparse.ArgumentParser, reason_required: bool = False) -> None:
    parser.add_argument("--reason", action="append", required=reason_required, metavar="REASON",
                        choices=[reason.value for reason in InvalidReason],
                        help="only records with this `error` (repeatable): "
                             f"{', '.join(reason.value for reason in InvalidReason)}")
    parser.add_argument("--since", metavar="TIME", type=rfc3339_time,
                        help="only records dead-lettered at or after this RFC 3339 time, with its offset (their "
                             "`received_at`)")


def selected(letter: Letter, reasons: list[str] | None, since_ms: int | None) -> bool:
    from streams.issues.timeutil import parse_ms

    if reasons and letter.record.get("error") not in reasons:
        return False
    return since_ms is None or (parse_ms(letter.record.get("received_at")) or 0) >= since_ms


def letter_line(letter: Letter) -> str:
    record = letter.record
    original = str(record.get("original", ""))
    shown = original if len(original) <= 80 else original[:79] + "…"
    return (f"{record.get('received_at')} {record.get('error')} {record.get('topic')}"
            f"[{record.get('partition')}]@{record.get('offset')}: {record.get('detail')} | {shown}")


def reason_counts(letters: list[Letter]) -> str:
    from collections import Counter

    counts = Counter(str(letter.record.get("error")) for letter in letters)
    return ", ".join(f"{reason} {n}" for reason, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _read_letters(reasons: list[str] | None, since: str | None) -> tuple[list[Letter], int]:
    """(the selected letters, how many the topic holds); records that are not dead letters are named on stderr."""
    import orjson

    from streams.cli.snapshot import read_to_end
    from streams.issues.timeutil import parse_ms
    from streams.settings import get_settings
    from streams.topics import POSTS_DLQ

    since_ms = parse_ms(since) if since else None
    settings = get_settings()
    letters, held = [], 0
    for message in read_to_end(f"{settings.topic_prefix}{POSTS_DLQ}", settings):
        try:
            record = orjson.loads(message.value) if message.value is not None else None
        except orjson.JSONDecodeError:
            record = None
        if not isinstance(record, dict) or "error" not in record:
            print(f"not a dead-letter record: partition {message.partition} offset {message.offset}", file=sys.stderr)
            continue
        held += 1
        letter = Letter(message.key, record, message.partition, message.offset)
        if selected(letter, reasons, since_ms):  # only the selection is kept: the topic may hold millions
            letters.append(letter)
    letters.sort(key=lambda letter: (parse_ms(letter.record.get("received_at")) or 0, letter.partition, letter.offset))
    return letters, held


def run_list(args: argparse.Namespace) -> int:
    import orjson

    from streams.records.deadletter import original_value

    letters, held = _read_letters(args.reason, args.since)
    for letter in letters:
        if args.originals:
            value = original_value(letter.record)
            if value is None or letter.record.get("error") == "not_utf8":
                print(f"skipped (no text to show): {letter_line(letter)}", file=sys.stderr)
                continue
            print(value.decode("utf-8"))
        elif args.json:
            print(orjson.dumps(letter.record).decode())
        else:
            print(letter_line(letter))
    print(f"{len(letters)} of {held} dead-letter records" + (f": {reason_counts(letters)}" if letters else ""),
          file=sys.stderr)
    return 0


def run_redrive(args: argparse.Namespace) -> int:
    from streams.cli import clients, redrive_marks
    from streams.cli.produce import deliver
    from streams.issues.timeutil import parse_ms
    from streams.records.deadletter import is_cut, original_value
    from streams.settings import get_settings
    from streams.topics import FEEDBACK, ISSUE_EVENTS, POSTS

    settings = get_settings()
    inputs = {f"{settings.topic_prefix}{name}" for name in (POSTS, FEEDBACK, ISSUE_EVENTS)}
    every, _ = _read_letters(args.reason, None)  # the marks move over every letter of the reasons, in order
    since_ms = parse_ms(args.since) if args.since else None
    marks = redrive_marks.read(settings, args.reason)
    letters = [letter for letter in every if selected(letter, None, since_ms)]
    fresh = [letter for letter in letters if not redrive_marks.already_resent(letter, marks)]
    earlier = len(letters) - len(fresh)
    if not args.again:
        letters = fresh
    sends, sent_letters = [], []
    firsts: set[tuple[str, bytes | None, bytes]] = set()
    for letter in letters:
        value = original_value(letter.record)
        if value is None:
            print(f"skipped (a tombstone has nothing to re-send): {letter_line(letter)}", file=sys.stderr)
        elif letter.record.get("topic") not in inputs:
            print(f"skipped (not an input topic of this deployment): {letter_line(letter)}", file=sys.stderr)
        elif is_cut(letter.record):
            print("skipped (the dead letter holds only the beginning of the original; the whole is at its topic, "
                  f"partition and offset while the topic keeps it): {letter_line(letter)}", file=sys.stderr)
        elif (letter.record["topic"], letter.key, value) in firsts:
            print(f"skipped (the same record as another selected letter): {letter_line(letter)}", file=sys.stderr)
        else:
            firsts.add((letter.record["topic"], letter.key, value))
            sends.append((letter.record["topic"], letter.key, value))
            sent_letters.append(letter)
    if earlier and not args.again:
        print(f"{earlier} selected records were re-sent or passed over by an earlier redrive and are left out "
              "(--again to re-send them too)", file=sys.stderr)
    if args.dry_run:
        for topic, key, _ in sends:
            print(f"would re-send {_key_text(key)} to {topic}")
        print(f"{len(sends)} of {len(letters)} selected records would be re-sent", file=sys.stderr)
        return 0
    undelivered = deliver(clients.producer(settings, acks="all", linger_ms=20), sends) if sends else []
    # every letter of the reasons read now is passed over from here on (re-sent, nothing to re-send, or older than
    # --since), except those not delivered: they stay pending for the next run
    failed = {(sent_letters[position].partition, sent_letters[position].offset) for position, _ in undelivered}
    handled = {(letter.partition, letter.offset) for letter in every} - failed
    redrive_marks.write(settings, marks, redrive_marks.advanced(marks, every, handled))
    for position, reason in undelivered:
        topic, key, _ = sends[position]
        print(f"not re-sent: {_key_text(key)} to {topic}: {reason}", file=sys.stderr)
    print(f"re-sent {len(sends) - len(undelivered)} of {len(letters)} selected records", file=sys.stderr)
    return 1 if undelivered else 0


def _key_text(key: bytes | None) -> str:
    return "(no key)" if key is None else key.decode("utf-8", "replace")
