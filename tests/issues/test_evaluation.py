"""Judging a minute: the policy's hold delays an escalation while its conditions hold, but never longer than
``hold.max_minutes``."""

from __future__ import annotations

from datetime import timedelta

from streams.issues.timeutil import MINUTE_MS, parse_ms
from tests.issues.helpers import T0, run_engines, scored_post
from tests.issues.test_quiet_windows import policy_with, rule


def steady_issue(minutes: int, per_minute: int) -> list[dict]:
    return [scored_post(m * per_minute + i, "jalan rusak di sela parah", T0 + timedelta(minutes=m, seconds=10 * i))
            for m in range(minutes) for i in range(per_minute)]


def escalation_minutes(hold: dict | None) -> list[int]:
    escalations, _ = run_engines(steady_issue(20, 4), policy=policy_with([rule(volume={"gte": 3})], hold=hold))
    return [parse_ms(event["time"]) // MINUTE_MS for _, event in escalations]


def test_the_hold_delays_an_escalation_by_at_most_its_max_minutes_while_its_conditions_hold():
    [unheld] = escalation_minutes(None)
    for max_minutes in (1, 3, 6):
        [held] = escalation_minutes({"max_minutes": max_minutes, "when": {"volume": {"gte": 3}}})
        assert held - unheld == max_minutes  # the conditions still hold then: the hold ends anyway


def test_a_hold_whose_conditions_never_hold_delays_nothing():
    [unheld] = escalation_minutes(None)
    assert escalation_minutes({"max_minutes": 3, "when": {"volume": {"gte": 500}}}) == [unheld]
