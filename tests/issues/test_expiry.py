"""Idle issues close within one 5-minute slot of their event-time deadline, and issues a previous release
scheduled in hour slots still close."""

from __future__ import annotations

from datetime import timedelta

from streams.issues.engine import EXPIRY, LEGACY_EXPIRY, IssueEngine
from streams.issues.timeutil import HOUR_MS, MINUTE_MS, parse_ms
from streams.policy import load_policy
from tests.issues.helpers import T0, JsonStore, chatter, scored_post

SMALL_IDLE_MINUTES = load_policy().expiry.small_issue_idle_minutes


def _lone_posts(at_minute: int) -> list[dict]:
    """Two one-post issues on subjects nothing else mentions."""
    texts = ("gorong-gorong jebol di kelurahan sukamaju", "lampu lalu lintas mati di simpang lima")
    return [scored_post(900 + i, text, T0 + timedelta(minutes=at_minute, seconds=10 * i), prefix="lone")
            for i, text in enumerate(texts)]


def _clock_keys(clock: JsonStore, prefix: str) -> list[str]:
    return [key for key in clock.data if key.startswith(prefix) and key[len(prefix):].isdigit()]


def _run_until(engine: IssueEngine, until_minute: int, start_minute: int) -> int:
    """Chatter from ``start_minute`` to ``until_minute`` (event time after T0), one batch a minute; returns the
    posts' expired-issue count."""
    expired = 0
    for minute in range(start_minute, until_minute):
        expired += engine.process(chatter(1, 2, start=T0 + timedelta(minutes=minute), prefix=f"c{minute}")).expired
    return expired


def test_an_idle_issue_closes_within_one_slot_of_its_deadline_not_at_the_end_of_its_hour():
    store, clock = JsonStore(), JsonStore()
    engine = IssueEngine(load_policy(), store, clock)
    lone = _lone_posts(at_minute=10)  # T0 is on the hour: the deadline is 11 minutes past the next hour
    engine.process(lone)
    ids = [post["scores"]["issue_id"] for post in lone]
    assert all(engine.state(issue_id) is not None for issue_id in ids)
    deadline_ms = parse_ms(lone[-1]["created_at"]) + SMALL_IDLE_MINUTES * MINUTE_MS
    slot_end_ms = (deadline_ms // EXPIRY.unit_ms + 1) * EXPIRY.unit_ms
    _run_until(engine, 11 + SMALL_IDLE_MINUTES - 2, start_minute=11)
    assert (engine.watermark_minute + 1) * MINUTE_MS < deadline_ms
    assert all(engine.state(issue_id) is not None for issue_id in ids)  # not before its deadline
    minute = 11 + SMALL_IDLE_MINUTES - 2
    while (engine.watermark_minute + 1) * MINUTE_MS < slot_end_ms:
        _run_until(engine, minute + 1, start_minute=minute)
        minute += 1
    assert all(engine.state(issue_id) is None for issue_id in ids)
    assert slot_end_ms - deadline_ms <= EXPIRY.unit_ms
    # the previous release's hour slots would have held them until the end of the hour after their deadline
    assert (deadline_ms // HOUR_MS + 1) * HOUR_MS - slot_end_ms >= 40 * MINUTE_MS
    done_ms = (engine.watermark_minute + 1) * MINUTE_MS
    assert not [key for key in _clock_keys(clock, EXPIRY.list_prefix)
                if (int(key[len(EXPIRY.list_prefix):]) + 1) * EXPIRY.unit_ms <= done_ms]  # no scheduling residue


def _as_previous_release(store: JsonStore, clock: JsonStore) -> None:
    """Rewrite the states and clock as the release with hour slots wrote them: ``xh`` in each state, ``xs`` in
    the clock, ids listed under ``x<hour>``."""
    for key in list(store):
        state = store[key]
        slot = state.pop(EXPIRY.state_field, None)
        state[LEGACY_EXPIRY.state_field] = None if slot is None else slot * EXPIRY.unit_ms // HOUR_MS
        store[key] = state
    record = clock["clock"]
    hours: dict[int, set[str]] = {}
    for slot in record.pop(EXPIRY.clock_field):
        key = f"{EXPIRY.list_prefix}{slot}"
        hours.setdefault(slot * EXPIRY.unit_ms // HOUR_MS, set()).update(clock[key])
        del clock[key]
    for hour, ids in hours.items():
        clock[f"{LEGACY_EXPIRY.list_prefix}{hour}"] = sorted(ids)
    record[LEGACY_EXPIRY.clock_field] = sorted(hours)
    clock["clock"] = record


def test_issues_a_previous_release_listed_in_hour_slots_still_close_and_are_not_closed_early():
    store, clock = JsonStore(), JsonStore()
    engine = IssueEngine(load_policy(), store, clock)
    lone = _lone_posts(at_minute=10)
    engine.process(lone + chatter(3, 2, start=T0 + timedelta(minutes=11), prefix="early"))
    _as_previous_release(store, clock)
    assert _clock_keys(clock, LEGACY_EXPIRY.list_prefix) and not _clock_keys(clock, EXPIRY.list_prefix)
    kept, left = (post["scores"]["issue_id"] for post in lone)
    # a post on one of them 56 minutes later: its deadline moves past the end of its hour slot
    follow_up = scored_post(950, lone[0]["text"], T0 + timedelta(minutes=66), prefix="lone")
    assert follow_up["scores"]["issue_id"] == kept
    engine = IssueEngine(load_policy(), store, clock)  # the new release takes the partition over
    _run_until(engine, 66, start_minute=14)
    engine.process([follow_up])
    assert store[kept].get(LEGACY_EXPIRY.state_field) is None and store[kept][EXPIRY.state_field] is not None
    end_of_hour_slot = (parse_ms(lone[-1]["created_at"]) + SMALL_IDLE_MINUTES * MINUTE_MS) // HOUR_MS + 1
    minute = 66
    while (engine.watermark_minute + 1) * MINUTE_MS < end_of_hour_slot * HOUR_MS + 2 * MINUTE_MS:
        _run_until(engine, minute + 1, start_minute=minute)
        minute += 1
    assert engine.state(left) is None  # closed from its hour slot
    assert engine.state(kept) is not None  # listed there too, but its new deadline is later
    assert clock["clock"][LEGACY_EXPIRY.clock_field] == [] and not _clock_keys(clock, LEGACY_EXPIRY.list_prefix)
    later = engine.process([scored_post(99999, "kabar pagi dari pasar", T0 + timedelta(hours=8))])
    assert later.expired >= 1 and engine.state(kept) is None
    assert engine.active_issues == len(store) == 1
