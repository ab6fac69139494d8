"""A post is counted once, in its minute's bucket or in the folded counts, whichever holds its minute."""

from __future__ import annotations

from datetime import timedelta

from streams.issues.buckets import count_post, fold
from streams.issues.facts import post_facts
from streams.issues.state import PostFacts, new_state
from streams.issues.timeutil import parse_ms
from streams.policy import load_policy
from tests.issues.helpers import T0, scored_post

POLICY = load_policy()  # evaluation 5, rewind 15, baseline 60 minutes


def facts(i: int, minutes: int = 0) -> PostFacts:
    post = scored_post(i, "air pdam keruh lagi", T0 + timedelta(minutes=minutes))
    return post_facts(post, post["scores"], parse_ms(post["created_at"]), POLICY)


def judged_up_to(state: dict, minute: int) -> None:
    state["eval"] = minute
    fold(state, minute, POLICY)


def test_a_redelivered_post_is_not_counted_again_before_or_after_its_minute_is_folded():
    state = new_state("topic-pdam", "topic", "pdam")
    post = facts(1)
    key = str(post.minute)
    assert count_post(state, post, POLICY)
    assert not count_post(state, post, POLICY)
    assert state["m"][key]["n"] == 1

    judged_up_to(state, post.minute + 30)
    assert key not in state["m"] and state["c"][key] == 1 and state["arch"]["n"] == 1
    assert not count_post(state, post, POLICY)  # remembered by its fingerprint
    assert count_post(state, facts(2), POLICY)  # another post of that folded minute still counts, once
    assert not count_post(state, facts(2), POLICY)
    assert state["c"][key] == 2 and state["arch"]["n"] == 2 and key not in state["m"]


def test_a_folded_minute_brought_back_into_detail_by_a_rewind_still_knows_its_posts():
    state = new_state("topic-pdam", "topic", "pdam")
    post = facts(1)
    count_post(state, post, POLICY)
    judged_up_to(state, post.minute + 30)
    state["eval"] = post.minute + 10  # a late post re-evaluates the issue from here: its minute is detailed again
    assert not count_post(state, post, POLICY)
    assert count_post(state, facts(2), POLICY)
    assert state["m"][str(post.minute)]["n"] == 1 and state["c"][str(post.minute)] == 1


def test_a_post_older_than_the_baseline_horizon_reaches_only_the_lifetime_totals():
    state = new_state("topic-pdam", "topic", "pdam")
    count_post(state, facts(1), POLICY)
    judged_up_to(state, facts(1).minute + 100)  # past evaluation + rewind + baseline (80 minutes)
    assert state["c"] == {} and state["arch"]["n"] == 1
    old = facts(2, minutes=1)
    assert count_post(state, old, POLICY)
    assert count_post(state, old, POLICY)  # unchecked that far back: it no longer affects any signal
    assert state["c"] == {} and state["m"] == {} and state["arch"]["n"] == 3
