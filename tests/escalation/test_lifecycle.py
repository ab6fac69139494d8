"""After an escalation: a responder's verdict and the issue's closing reach the escalations topic as lifecycle
CloudEvents, only for escalated issues, with ids that repeat when the same thing is emitted again."""

from __future__ import annotations

from datetime import timedelta

from streams.escalation.lifecycle import CLOSED_TYPE, REVIEWED_TYPE
from streams.issues.engine import IssueEngine
from streams.policy import load_policy
from tests.escalation.test_events import validator
from streams.issues.timeutil import iso as iso_ms
from streams.issues.timeutil import parse_ms
from tests.issues.helpers import T0, JsonStore, chatter, iso
from tests.issues.test_engine import hoax_burst


def _escalated_engine():
    engine = IssueEngine(load_policy(), JsonStore(), JsonStore())
    out = engine.process(hoax_burst(minutes=12))
    escalations = out.escalations + engine.flush().escalations
    assert escalations and not out.lifecycle
    return engine, [e for _, e in escalations]


def _feedback(issue_id: str, verdict: str, minutes: int, note: str | None = None) -> dict:
    record = {"kind": "feedback", "issue_id": issue_id, "verdict": verdict, "by": "humas-kominfo",
              "at": iso(T0 + timedelta(minutes=minutes))}
    return record | ({"note": note} if note else {})


def test_a_verdict_on_an_escalated_issue_is_announced_to_every_subscriber():
    engine, escalations = _escalated_engine()
    out = engine.process([_feedback("claim-c-autis", "confirmed", 20, note="kontra-narasi sudah terbit"),
                          _feedback("topic-never-escalated", "false_alarm", 20)])
    assert [subject for subject, _ in out.lifecycle] == ["claim-c-autis"]  # nothing for an unescalated issue
    event = out.lifecycle[0][1]
    validator("issue-lifecycle.schema.json").validate(event)
    assert event["type"] == REVIEWED_TYPE and event["subject"] == "claim-c-autis"
    assert event["time"] == iso(T0 + timedelta(minutes=20))  # the verdict's own time, not the wall clock
    data = event["data"]
    assert (data["verdict"], data["by"], data["note"], data["status"]) == (
        "confirmed", "humas-kominfo", "kontra-narasi sudah terbit", "confirmed")
    assert data["escalation_ids"] == [e["id"] for e in sorted(escalations, key=lambda e: e["data"]["level"])]
    assert data["max_level"] == max(e["data"]["level"] for e in escalations)
    again = engine.process([_feedback("claim-c-autis", "confirmed", 20, note="kontra-narasi sudah terbit")])
    assert again.lifecycle[0][1]["id"] == event["id"]  # the same verdict sent twice: consumers can de-duplicate
    other = engine.process([_feedback("claim-c-autis", "resolved", 90)])
    assert other.lifecycle[0][1]["id"] != event["id"] and other.lifecycle[0][1]["data"]["status"] == "resolved"


def test_an_escalated_issue_that_goes_idle_is_announced_closed_at_its_event_time_deadline():
    engine, escalations = _escalated_engine()
    policy = load_policy()
    # hours later, one unrelated post moves event time on: the idle issues close
    later = engine.process(chatter(1, 1, start=T0 + timedelta(hours=8), prefix="later"))
    closed = [(subject, event) for subject, event in later.lifecycle if event["type"] == CLOSED_TYPE]
    assert [subject for subject, _ in closed] == ["claim-c-autis"]  # the unescalated issues close silently
    event = closed[0][1]
    validator("issue-lifecycle.schema.json").validate(event)
    last_post = max(p["created_at"] for p in hoax_burst(minutes=12))
    data = event["data"]
    assert data["last_seen"] == last_post and data["posts"] == len(hoax_burst(minutes=12))
    assert data["idle_minutes"] in (policy.expiry.idle_minutes, policy.expiry.small_issue_idle_minutes)
    assert event["time"] == iso_ms(parse_ms(last_post) + data["idle_minutes"] * 60_000)
    assert data["escalation_ids"] == [e["id"] for e in sorted(escalations, key=lambda e: e["data"]["level"])]
    assert ("claim-c-autis", None) in later.issue_updates  # and the issue record is tombstoned


def test_the_closing_is_the_same_whatever_the_batching():
    posts = hoax_burst(minutes=12) + chatter(1, 1, start=T0 + timedelta(hours=8), prefix="later")
    runs = []
    for batch in (7, 100, len(posts)):
        engine = IssueEngine(load_policy(), JsonStore(), JsonStore())
        lifecycle = []
        for i in range(0, len(posts), batch):
            lifecycle += engine.process(posts[i:i + batch]).lifecycle
        runs.append(lifecycle)
    assert runs[0] == runs[1] == runs[2] and len(runs[0]) == 1

