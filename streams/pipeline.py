"""The scoring path shared by the Faust agent, `sigap score` and `sigap simulate`.

One function turns a batch of valid posts into scored posts (contract.md, "Scored post"), so offline scoring and
the live worker cannot drift apart.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import orjson

from streams.issues.keys import issue_id_for
from streams.records.deadletter import dead_letter, dead_letter_key, rfc3339_now
from streams.records.errors import InvalidInput, InvalidReason
from streams.records.clock import check_not_ahead
from streams.records.post import created_at, parse_post
from streams.topics import RECORD_MAX_BYTES

if TYPE_CHECKING:
    from streams.scoring import BatchScores, Scorer

log = logging.getLogger(__name__)


def score_posts(posts: Sequence[dict], scorer: Scorer) -> list[dict]:
    """Return the scored posts, in input order."""
    return score_posts_timed(posts, scorer)[0]


def score_posts_timed(posts: Sequence[dict], scorer: Scorer) -> tuple[list[dict], BatchScores]:
    """Return the scored posts (input order) and the batch's per-model timings."""
    batch = scorer.score_texts([post["text"] for post in posts])
    return scored_records(posts, batch, scorer.versions), batch


def scored_records(posts: Sequence[dict], batch: BatchScores, versions: dict[str, str]) -> list[dict]:
    """The scored posts (contract.md, "Scored post") of ``posts`` from their scores, in input order."""
    processed_at = rfc3339_now()
    scored = []
    for post, item in zip(posts, batch.items, strict=True):
        scored.append({
            **post,
            "scores": {
                "hoax": {
                    "probability": round(float(item.hoax_probability), 4),
                    "label": item.hoax_label,
                    "model": versions["hoax"],
                    "text_probability": round(float(item.hoax_text_probability), 4),
                    "factors": item.hoax_factors,
                    "cues": item.hoax_cues,
                    "terms": item.hoax_terms,
                },
                "sentiment": {
                    "label": item.sentiment_label,
                    "probabilities": {k: round(float(v), 4) for k, v in item.sentiment_probabilities.items()},
                    "model": versions["sentiment"],
                    "terms": item.sentiment_terms,
                },
                "claim_match": item.claim_match,
                "language": item.other_language.as_dict() if item.other_language is not None else None,
                "issue_id": issue_id_for(post, item.normalized, item.tokens, item.claim_match),
                "processed_at": processed_at,
            },
        })
    return scored


@dataclass(frozen=True)
class RawMessage:
    """One consumed record, with where it came from (every dead letter and log line names it)."""

    key: bytes | None
    value: bytes | None
    topic: str
    partition: int
    offset: int

    @classmethod
    def of(cls, message) -> RawMessage:
        """From a consumed message that carries these five (a Faust or aiokafka message)."""
        return cls(message.key, message.value, message.topic, message.partition, message.offset)


@dataclass
class DeadLetter:
    key: bytes | None
    record: dict

    @property
    def reason(self) -> str:
        return self.record["error"]


@dataclass
class BatchOutcome:
    scored: list[dict] = field(default_factory=list)
    encoded: list[bytes] = field(default_factory=list)  # each scored post's JSON, as it is published
    dead_letters: list[DeadLetter] = field(default_factory=list)
    platforms: list[str] = field(default_factory=list)
    seconds_by_model: dict[str, float] = field(default_factory=dict)
    # newest created_at of the valid posts of each source partition in the batch (event-time progress)
    source_watermarks: dict[int, datetime] = field(default_factory=dict)


def dead_letter_for(message: RawMessage, error: Exception) -> DeadLetter:
    """The dead letter of ``message``: ``error`` is the ``InvalidInput`` it was found to be, or anything else handling
    it raised (a bug the record found, so ``processing_failed``, logged with its traceback)."""
    if not isinstance(error, InvalidInput):
        log.error("handling a record failed topic=%s partition=%d offset=%d", message.topic, message.partition,
                  message.offset, exc_info=error)
    error = InvalidInput.of(error)
    log.warning("dead-letter %s topic=%s partition=%d offset=%d: %s",
                error.reason.value, message.topic, message.partition, message.offset, error.detail)
    record = dead_letter(message.value, error.reason, error.detail,
                         topic=message.topic, partition=message.partition, offset=message.offset)
    return DeadLetter(dead_letter_key(message.key, record), record)


def process_messages(messages: Sequence[RawMessage], scorer: Scorer, max_clock_skew_seconds: float | None,
                     now: datetime | None = None) -> BatchOutcome:
    """Validate and score one batch. Poison inputs become dead letters; valid posts are never dropped. A post
    created more than ``max_clock_skew_seconds`` after ``now`` (default: the wall clock) is poison too, unless
    it is None: offline scoring of a file, where no watermark follows and the file may be dated anywhere.

    If scoring the whole batch fails, each post is scored alone, so one post that breaks a model costs only itself.
    """
    outcome = BatchOutcome()
    valid: list[tuple[RawMessage, dict]] = []
    now = now or datetime.now(UTC)
    for message in messages:
        try:
            if message.value is None:
                raise InvalidInput.empty()
            post = parse_post(message.value)
            if max_clock_skew_seconds is not None:
                check_not_ahead(post, "created_at", now, max_clock_skew_seconds)
            event_time = created_at(post)
        except Exception as exc:  # noqa: BLE001 - whatever a record breaks in validation, the record is poison
            outcome.platforms.append("unknown")
            outcome.dead_letters.append(dead_letter_for(message, exc))
            continue
        outcome.platforms.append(post["platform"])
        valid.append((message, post))
        newest = outcome.source_watermarks.get(message.partition)
        if newest is None or event_time > newest:
            outcome.source_watermarks[message.partition] = event_time
    if not valid:
        return outcome
    try:
        scored, batch = score_posts_timed([post for _, post in valid], scorer)
        outcome.seconds_by_model = dict(batch.seconds_by_model)
        _keep_deliverable(outcome, [message for message, _ in valid], scored)
        return outcome
    except Exception:  # noqa: BLE001 - isolate the post that breaks scoring, below
        log.exception("scoring a batch of %d failed; scoring its posts one by one", len(valid))
    for message, post in valid:
        try:
            _keep_deliverable(outcome, [message], score_posts([post], scorer))
        except Exception as exc:  # noqa: BLE001 - a post that breaks a model is poison, not a worker fault
            outcome.dead_letters.append(dead_letter_for(message, exc))
    return outcome


def _keep_deliverable(outcome: BatchOutcome, messages: Sequence[RawMessage], scored: Sequence[dict]) -> None:
    """Add the scored posts to ``outcome`` with their encodings, and dead-letter any too large to publish: a valid
    post may carry unknown fields up to what the posts topic takes, and its scores come on top."""
    for message, post in zip(messages, scored, strict=True):
        value = orjson.dumps(post)
        size = len(value) + len(str(post["id"]).encode())
        if size > RECORD_MAX_BYTES:
            error = InvalidInput(InvalidReason.TOO_LARGE, f"the scored post would be {size:,} bytes, more than "
                                                          f"the {RECORD_MAX_BYTES:,} a record of the output topics "
                                                          "may have")
            outcome.dead_letters.append(dead_letter_for(message, error))
            continue
        outcome.scored.append(post)
        outcome.encoded.append(value)
