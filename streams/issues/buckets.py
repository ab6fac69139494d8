"""Where an issue's posts are counted: per-minute buckets while a minute may still be evaluated (or re-evaluated
by a rewind) in detail, folded counts and post fingerprints for the baseline horizon, lifetime totals beyond.

:func:`count_post` (a post in) and :func:`fold` (buckets out, after an evaluation) share these horizons, so a post
is counted exactly where a fold would have put it (see :mod:`streams.issues.state`). Faust-free.
"""

from __future__ import annotations

from streams.issues.state import (
    KMV_TOTAL,
    PostFacts,
    add_to_bucket,
    add_to_totals,
    forget_folded_minutes,
    merge_bucket_into_totals,
    new_bucket,
    remember_folded_ids,
    remember_id,
    seen_folded,
    seen_in_bucket,
)
from streams.policy.model import Policy

COORDINATION_REWIND_MINUTES = 5  # near-duplicate accounts are kept this long past the evaluation window


def count_post(state: dict, facts: PostFacts, policy: Policy) -> bool:
    """Count a post in its issue's state; False if it was counted already (at-least-once redelivery)."""
    minute = facts.minute
    key = str(minute)
    evaluated = state["eval"]
    if evaluated is None or minute > _last_detailed(evaluated, policy):  # as in fold: later minutes stay detailed
        bucket = state["m"].get(key)
        # (a rewind can bring a minute that was already folded back into detail: check both)
        if (bucket is not None and seen_in_bucket(bucket, facts.id_hash)) or seen_folded(state, key, facts.id_hash):
            return False
        if bucket is None:
            bucket = state["m"][key] = new_bucket(facts.ms)
        remember_id(bucket, facts.id_hash)
        add_to_bucket(bucket, facts)
        return True
    # Its minute's details were already folded away: it still counts for the baseline and the totals, once (the
    # folded minute's post ids are remembered for the whole baseline horizon). Older than that, it only reaches
    # the lifetime totals, unchecked (see streams.issues.state).
    if minute > _baseline_horizon(evaluated, policy):  # as in fold: counts (and ids) up to the horizon are dropped
        if seen_folded(state, key, facts.id_hash):
            return False
        state["c"][key] = state["c"].get(key, 0) + 1
        remember_folded_ids(state, key, [facts.id_hash])
    add_to_totals(state["arch"], facts, KMV_TOTAL)
    return True


def fold(state: dict, minute: int, policy: Policy) -> None:
    """Fold buckets no evaluation after ``minute`` needs in detail into the counts and the archive."""
    w = policy.windows
    last_detailed = _last_detailed(minute, policy)
    last_coordinated = minute - w.evaluation_minutes - COORDINATION_REWIND_MINUTES + 1
    for key in list(state["m"]):
        if int(key) <= last_detailed:
            bucket = state["m"].pop(key)
            state["c"][key] = state["c"].get(key, 0) + bucket["n"]
            remember_folded_ids(state, key, bucket["ids"])
            merge_bucket_into_totals(state["arch"], bucket)
        elif int(key) <= last_coordinated and state["m"][key]["co"]:
            state["m"][key]["co"] = {}  # the bulkiest part, kept only for a short rewind
    horizon = _baseline_horizon(minute, policy)
    for key in [k for k in state["c"] if int(k) <= horizon]:
        del state["c"][key]
    forget_folded_minutes(state, horizon)


def _last_detailed(minute: int, policy: Policy) -> int:
    """The last minute whose bucket is folded once ``minute`` is evaluated (no rewind re-evaluates it in detail)."""
    w = policy.windows
    return minute - w.evaluation_minutes - w.rewind_minutes + 1


def _baseline_horizon(minute: int, policy: Policy) -> int:
    """The last minute whose counts are dropped once ``minute`` is evaluated."""
    w = policy.windows
    return minute - w.evaluation_minutes - w.rewind_minutes - w.baseline_minutes + 1
