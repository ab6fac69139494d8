"""Idle issues close within one 5-minute slot of their event-time deadline, and issues a previous release
scheduled in hour slots still close."""

from __future__ import annotations

from datetime import timedelta

import pytest

from streams.issues.engine import IssueEngine
from streams.issues.expiry import EXPIRY, LEGACY_EXPIRY
from streams.issues.idlists import COUNTS_FIELD, IdLists
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
    """The keys of the lists under ``prefix``: ``<prefix><slot>`` or, a chunk of one, ``<prefix><slot>.<n>``."""
    return [key for key in clock.data if key.startswith(prefix) and _slot(key, prefix) is not None]


def _slot(key: str, prefix: str) -> int | None:
    slot = key[len(prefix):].split(".")[0]
    return int(slot) if slot.isdigit() else None


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
                if (_slot(key, EXPIRY.list_prefix) + 1) * EXPIRY.unit_ms <= done_ms]  # no scheduling residue


def _as_previous_release(store: JsonStore, clock: JsonStore) -> None:
    """Rewrite the states and clock as the release with hour slots wrote them: ``xh`` in each state, ``xs`` in
    the clock, ids listed under ``x<hour>``."""
    for key in list(store):
        state = store[key]
        slot = state.pop(EXPIRY.state_field, None)
        state[LEGACY_EXPIRY.state_field] = None if slot is None else slot * EXPIRY.unit_ms // HOUR_MS
        store[key] = state
    record = clock["clock"]
    whole = IdLists(clock, record, chunked=False)  # that release wrote every list whole
    for key in list(record[COUNTS_FIELD]):
        ids = set(whole.ids(key))
        whole.take(key)
        whole.add(key, ids)
    whole.commit()
    del record[COUNTS_FIELD]
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


def _resurfacing_stream() -> tuple[list[dict], list[dict], list[dict]]:
    """A debunked hoax escalates, goes idle past its expiry, and comes back 9 minutes after its deadline: the
    first burst, chatter that moves event time past the deadline's slot, and the second burst."""
    from tests.issues.test_engine import hoax_burst

    first = hoax_burst(minutes=5, prefix="first")  # it reaches siaga in its last minutes
    idle = load_policy().expiry.idle_minutes
    deadline_ms = parse_ms(max(post["created_at"] for post in first)) + idle * MINUTE_MS
    back = T0 + timedelta(milliseconds=deadline_ms - parse_ms(first[0]["created_at"])) + timedelta(minutes=9)
    between = []
    for minute in range(12, idle + 12, 20):  # the issue gets no post; event time moves on
        between += chatter(1, 1, start=T0 + timedelta(minutes=minute), prefix=f"m{minute}")
    return first + between, chatter(1, 3, start=back - timedelta(minutes=2), prefix="edge"), \
        hoax_burst(minutes=12, start=back, prefix="again")


@pytest.mark.parametrize("quiet_between", [False, True], ids=["chatter-between", "nothing-between"])
def test_a_hoax_coming_back_after_its_issue_expired_escalates_the_same_whatever_the_batching(quiet_between):
    """Whether the watermark passes the old issue's expiry slot before the returning posts are read or in the same
    batch, they start a new incarnation of the issue (and it escalates again), never revive the old one. With
    nothing at all between, the old issue's last minutes are still waiting for late posts when the hoax comes back:
    they are judged first, the same as when a flush judged them before."""
    before, edge, again = _resurfacing_stream()
    if quiet_between:
        before = [post for post in before if post["id"].startswith("first")]
    runs = []
    for together in (False, True):
        engine = IssueEngine(load_policy(), JsonStore(), JsonStore())
        escalations, lifecycle = [], []
        batches = [before, edge + again] if together else [before, edge, again]
        if quiet_between and not together:
            batches.insert(1, "flush")
        for records in batches:
            out = engine.flush(final=True) if records == "flush" else engine.process(records)
            escalations += out.escalations
            lifecycle += out.lifecycle
        out = engine.flush(final=True)
        escalations += out.escalations
        runs.append((sorted((s, e["id"], e["data"]["level"]) for s, e in escalations),
                     sorted((s, e["id"], repr(sorted(e["data"].items()))) for s, e in lifecycle)))
    separate, together = runs
    assert [level for s, _, level in separate[0] if s == "claim-c-autis"].count(3) == 2  # siaga again
    assert together == separate


def test_a_post_long_after_feedback_on_an_issue_without_posts_starts_it_afresh():
    """Feedback on an issue the partition does not hold is remembered for the small-issue expiry; a post after that
    opens the issue afresh (it is counted, not dropped)."""
    engine = IssueEngine(load_policy(), JsonStore(), JsonStore())
    post = _lone_posts(at_minute=SMALL_IDLE_MINUTES + 30)[0]
    issue_id = post["scores"]["issue_id"]
    feedback = {"kind": "feedback", "issue_id": issue_id, "verdict": "false_alarm", "by": "humas",
                "at": _lone_posts(at_minute=0)[0]["created_at"]}
    assert engine.process([feedback]).invalid == 0
    out = engine.process([post])
    assert (out.posts, out.invalid, out.expired) == (1, 0, 1)
    state = engine.state(issue_id)
    assert state["n"] == 1 and state["status"] == "active"


def test_issues_whose_posts_all_came_before_the_first_judged_minute_still_expire():
    """A partition's first batches come before it judges any minute (its watermark has not passed one yet): the
    expiry of their issues is listed all the same, or they would be held until another post."""
    store, clock = JsonStore(), JsonStore()
    engine = IssueEngine(load_policy(), store, clock, expected_sources=1)  # judged as far as the source's marks
    lone = _lone_posts(at_minute=0)
    engine.process(lone)
    assert engine.watermark_minute is None  # nothing judged yet
    assert _clock_keys(clock, EXPIRY.list_prefix)
    post = scored_post(99999, "kabar pagi dari pasar", T0 + timedelta(hours=8))
    later = engine.process([post, {"kind": "watermark", "source": "0", "time": post["created_at"]}])
    assert later.expired == len(lone) and all(engine.state(post["scores"]["issue_id"]) is None for post in lone)


def _straddling_posts() -> tuple[list[dict], dict, dict]:
    """A one-post issue, then two posts on it: one 20 s before its idle deadline (it extends the issue), one 20 s
    after; and chatter 5 minutes after the deadline, which moves the watermark past it."""
    first = _lone_posts(at_minute=10)[:1]
    deadline = T0 + timedelta(minutes=10 + SMALL_IDLE_MINUTES)
    before = scored_post(951, first[0]["text"], deadline - timedelta(seconds=20), prefix="lone")
    after = scored_post(952, first[0]["text"], deadline + timedelta(seconds=20), prefix="lone")
    assert before["scores"]["issue_id"] == after["scores"]["issue_id"] == first[0]["scores"]["issue_id"]
    return first, before, after


def _settle(batches: list[list[dict]]) -> tuple:
    """Run the batches, then chatter that moves the watermark past the deadline; the issue's state and what the
    engine reported."""
    first, _, _ = _straddling_posts()
    issue_id = first[0]["scores"]["issue_id"]
    engine = IssueEngine(load_policy(), JsonStore(), JsonStore())
    posts = expired = 0
    lifecycle = []
    later = chatter(2, 2, start=T0 + timedelta(minutes=10 + SMALL_IDLE_MINUTES + 5), prefix="later")
    for batch in batches + [later]:
        out = engine.process(batch)
        posts, expired, lifecycle = posts + out.posts, expired + out.expired, lifecycle + out.lifecycle
    state = engine.state(issue_id)
    return (state["n"], state["first_ms"], state["last_ms"], "held" in state), posts, expired, lifecycle


def test_which_incarnation_a_post_after_the_idle_deadline_joins_does_not_depend_on_arrival_order():
    """The post after the deadline belongs to the issue the post before the deadline extended, whichever of the two
    is read first: read first, it is held until the deadline's minute is judged, and released when the other
    extends the issue. (Before held posts, read first it closed the issue and the other joined the new one.)"""
    first, before, after = _straddling_posts()
    runs = {order: _settle(batches) for order, batches in {
        "in order": [first, [before], [after]],
        "after first": [first, [after], [before]],
        "together": [first, [after, before]],
    }.items()}
    assert runs["in order"] == runs["after first"] == runs["together"]
    (n, first_ms, last_ms, holding), posts, expired, _ = runs["in order"]
    assert (n, first_ms, last_ms, holding) == (3, parse_ms(first[0]["created_at"]), parse_ms(after["created_at"]),
                                               False)
    assert expired == 0 and posts == 3 + 4


def test_a_held_post_starts_the_issue_afresh_once_no_post_before_the_deadline_can_come():
    first, _, after = _straddling_posts()
    store = JsonStore()
    engine = IssueEngine(load_policy(), store, JsonStore())
    engine.process(first)
    out = engine.process([after])
    assert out.posts == 0 and out.expired == 0 and [r["id"] for r in store[after["scores"]["issue_id"]]["held"]] == \
        [after["id"]]  # held: the deadline's minute is not judged yet
    assert engine.process([after]).duplicates == 1  # redelivered while held: held once
    runs = [_settle([first, [after]]), _settle([first + [after]])]
    for (n, first_ms, last_ms, holding), posts, expired, _ in runs:
        assert (n, first_ms, last_ms, holding) == (1, parse_ms(after["created_at"]), parse_ms(after["created_at"]),
                                                   False)
        assert expired == 1 and posts == 2 + 4


def test_settling_a_held_post_does_not_teach_the_watermark_to_wait_longer():
    """The watermark waits longer while posts recently came later than the allowed lateness; a post released after
    being held is counted long after newer posts, but it arrived in time, so it is no such evidence."""
    from streams.issues.watermark import load_clock

    first, _, after = _straddling_posts()
    clock = JsonStore()
    engine = IssueEngine(load_policy(), JsonStore(), clock)
    for batch in (first, [after], chatter(2, 2, start=T0 + timedelta(minutes=10 + SMALL_IDLE_MINUTES + 5),
                                          prefix="later")):
        engine.process(batch)
    assert engine.state(after["scores"]["issue_id"])["first_ms"] == parse_ms(after["created_at"])  # settled
    assert load_clock(clock)["lat"] == {}


def test_a_burst_after_the_deadline_held_back_by_a_lagging_source_keeps_the_state_small():
    """A source lagging before the deadline would have every post of a burst held (and the state rewritten with all
    of them at each batch): past MAX_HELD_POSTS the issue is settled at once, and every post still counts."""
    from streams.issues.engine import MAX_HELD_POSTS

    first, _, after = _straddling_posts()
    issue_id = after["scores"]["issue_id"]
    store = JsonStore()
    engine = IssueEngine(load_policy(), store, JsonStore(), expected_sources=1)
    engine.process(first + [{"kind": "watermark", "source": "0", "time": first[0]["created_at"]}])
    start = parse_ms_to_datetime(after)
    burst = [scored_post(1000 + i, after["text"], start + timedelta(seconds=i), prefix="burst")
             for i in range(2 * MAX_HELD_POSTS)]
    largest = 0
    for i in range(0, len(burst), 10):
        engine.process(burst[i:i + 10])
        largest = max(largest, len(store[issue_id].get("held", ())))
    assert MAX_HELD_POSTS - 10 < largest <= MAX_HELD_POSTS  # (read after each batch of 10)
    engine.process([{"kind": "watermark", "source": "0", "time": burst[-1]["created_at"]}])
    state = engine.state(issue_id)
    assert (state["n"], state["first_ms"], "held" in state) == (len(burst), parse_ms(burst[0]["created_at"]), False)


def test_the_end_of_the_input_settles_held_posts():
    first, _, after = _straddling_posts()
    engine = IssueEngine(load_policy(), JsonStore(), JsonStore())
    engine.process(first)
    engine.process([after])
    out = engine.flush(final=True)
    assert (out.posts, out.expired) == (1, 1)
    state = engine.state(after["scores"]["issue_id"])
    assert state["n"] == 1 and "held" not in state and state["eval"] is not None  # counted and judged


def test_without_held_posts_a_post_after_the_deadline_closes_the_issue_on_arrival_as_earlier_releases_did():
    """SIGAP_HOLD_POSTS=false, for a rolling upgrade from a release that would not read held posts; held posts
    already in a state are still settled."""
    first, _, after = _straddling_posts()
    issue_id = after["scores"]["issue_id"]
    store, clock = JsonStore(), JsonStore()
    holding = IssueEngine(load_policy(), store, clock)
    holding.process(first)
    holding.process([after])
    assert "held" in store[issue_id]
    compatible = IssueEngine(load_policy(), store, clock, hold_posts=False)
    late = scored_post(953, after["text"], parse_ms_to_datetime(after) + timedelta(seconds=5), prefix="lone")
    out = compatible.process([late])  # the same issue: not held, it joins the one the held post is still apart from
    assert out.expired == 1 and "held" not in store[issue_id]
    assert compatible.state(issue_id)["n"] == 2  # the held post settled into the new incarnation with it
    fresh = IssueEngine(load_policy(), JsonStore(), JsonStore(), hold_posts=False)
    fresh.process(first)
    out = fresh.process([after])
    assert (out.posts, out.expired) == (1, 1) and "held" not in fresh.store[issue_id]


def parse_ms_to_datetime(post: dict):
    from datetime import UTC, datetime

    return datetime.fromtimestamp(parse_ms(post["created_at"]) / 1000, tz=UTC)


def test_a_post_held_by_a_batch_redone_after_a_crash_is_still_settled():
    """Killed after the held post was written into the issue's state and before the clock listed it: the batch,
    read again, finds the post held and lists it again, so it is settled when the deadline's minute is judged."""
    from tests.issues.test_store import CrashingStore

    first, _, after = _straddling_posts()
    issue_id = after["scores"]["issue_id"]
    store, clock = JsonStore(), CrashingStore({})
    IssueEngine(load_policy(), store, clock).process(first)
    clock.fail_at, clock.ops = 1, 0
    with pytest.raises(RuntimeError, match="killed"):
        IssueEngine(load_policy(), store, clock).process([after])
    clock.fail_at = None
    assert "held" in store[issue_id] and not _clock_keys(clock, "h")
    engine = IssueEngine(load_policy(), store, clock)
    assert engine.process([after]).duplicates == 1
    engine.process(chatter(2, 2, start=T0 + timedelta(minutes=10 + SMALL_IDLE_MINUTES + 5), prefix="later"))
    state = engine.state(issue_id)
    assert (state["n"], state["first_ms"], "held" in state) == (1, parse_ms(after["created_at"]), False)


def test_the_deadline_follows_the_latest_post_or_feedback_and_the_issue_size():
    from streams.issues.expiry import deadline_ms

    policy = load_policy()
    expiry = policy.expiry
    last = parse_ms("2024-06-03T01:00:00Z")
    small = {"n": expiry.small_issue_max_posts, "last_ms": last}
    assert deadline_ms(small, policy) == last + expiry.small_issue_idle_minutes * MINUTE_MS
    big = {"n": expiry.small_issue_max_posts + 1, "last_ms": last}
    assert deadline_ms(big, policy) == last + expiry.idle_minutes * MINUTE_MS
    reviewed = {**small, "fb_ms": last + 2 * HOUR_MS}  # feedback after the last post keeps the issue open longer
    assert deadline_ms(reviewed, policy) == last + 2 * HOUR_MS + expiry.small_issue_idle_minutes * MINUTE_MS
