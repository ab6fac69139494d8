"""Responder feedback: validated, then forwarded to the issue events topic so the issue's owner applies it in order."""

from __future__ import annotations

from datetime import UTC, datetime

from agents.publishing import acknowledge, encode, publish
from streams import metrics
from streams.app import app, settings, topics
from streams.pipeline import RawMessage, dead_letter_for
from streams.records.clock import check_not_ahead
from streams.records.errors import InvalidInput
from streams.records.feedback import parse_feedback


@app.agent(topics.feedback)
async def forward_feedback(stream):
    async for events in stream.noack_take(500, within=0.5):
        outputs = []
        now = datetime.now(UTC)
        for event in events:
            message = event.message
            try:
                if message.value is None:
                    raise InvalidInput.empty()
                feedback = parse_feedback(message.value)
                check_not_ahead(feedback, "at", now, settings.max_clock_skew_seconds)
            except Exception as exc:  # noqa: BLE001 - whatever a record breaks in validation, the record is poison
                letter = dead_letter_for(RawMessage.of(message), exc)
                metrics.posts_invalid.labels(reason=letter.reason).inc()
                outputs.append((topics.dlq, letter.key, encode(letter.record)))
                continue
            outputs.append((topics.issue_events, feedback["issue_id"], encode(feedback)))
        await publish(outputs)
        await acknowledge(stream, events)
