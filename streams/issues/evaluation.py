"""Judging one minute of one issue: its signals, the policy's level, the escalation event; then folding away the
buckets no later evaluation needs in detail. Faust-free; :class:`streams.issues.engine.IssueEngine` decides which
issues and minutes are judged, this module how.

Most issues are a post or two, judged in every minute of their window. Such a *quiet* minute (no post in it and
fewer posts in the window than any rule or the hold needs) is judged without computing its signals: level 0, no
hold, no event, the published metrics unchanged. A quiet minute the issue's own posts scheduled (``due``) is not
even written: the next read of the state applies it again (:meth:`Evaluator.catch_up`).
"""

from __future__ import annotations

from collections.abc import Callable

from streams.escalation.events import build_escalation
from streams.issues.buckets import fold
from streams.issues.call import Batch
from streams.issues.published import evaluation_record
from streams.issues.signals import Snapshot, fewest_posts_to_escalate, judge, snapshot, window_buckets
from streams.issues.state import evaluated, is_scheduled
from streams.policy.model import Policy


class Evaluator:
    """Judges issue minutes for one engine: the claim records its events cite, the source its events name."""

    def __init__(self, claim_lookup: Callable[[str], dict | None] | None, event_source: str) -> None:
        self.claim_lookup = claim_lookup
        self.event_source = event_source
        self._fewest: tuple[Policy | None, int] = (None, 0)  # (policy, fewest_posts_to_escalate(policy))

    def evaluate(self, batch: Batch, state: dict, minute: int) -> None:
        """Judge ``minute`` of the issue (a minute it has judged already is left alone)."""
        if state["eval"] is not None and minute <= state["eval"]:
            return
        policy = batch.policy
        if state.get("snap") is not None and self.too_quiet(state, minute, policy):
            # what the full evaluation below would conclude, without computing the signals (see the module)
            deferred = is_scheduled(state, minute)
            state["eval"] = minute
            state["level"] = 0
            if state.get("hold_since") is not None:
                state["hold_since"] = None
            evaluated(state, minute)
            fold(state, minute, policy)
            if not deferred:
                batch.dirty.add(state["id"])
            return
        snap = snapshot(state, minute, policy)
        verdict = judge(snap, policy)
        state["eval"] = minute
        evaluated(state, minute)
        state["level"] = verdict.level
        changed = snap.window_posts_in_minute > 0
        held = _held_back(state, snap, minute, policy)
        if verdict.level > int(state.get("max") or 0) and state.get("status") != "false_alarm" and not held:
            if state.get("inc") is None:
                state["inc"] = state["first_ms"]  # this incarnation of the issue: part of every event id
            event = build_escalation(state=state, level=verdict.level, snapshot=snap, verdict=verdict,
                                     policy=policy, claim_lookup=self.claim_lookup, source=self.event_source)
            state["emitted"][str(verdict.level)] = {"id": event["id"], "time": event["time"]}
            state["max"] = verdict.level
            batch.out.escalations.append((state["id"], event))
            changed = True
        if changed or state.get("snap") is None:
            state["snap"] = evaluation_record(minute, snap, verdict)
            batch.publish[state["id"]] = None
        fold(state, minute, policy)
        batch.dirty.add(state["id"])

    def catch_up(self, batch: Batch, state: dict) -> None:
        """Apply the quiet evaluations of a state just read that were judged but not written (see the module).

        The state says which minutes it is evaluated in (``due``, see :mod:`streams.issues.state`), and the
        partition's clock how far evaluation has got (``done``): every scheduled minute up to ``done`` after the
        state's own ``eval`` was judged quiet, since an evaluation that was not quiet, and any post added, wrote the
        state. Applying them on read gives the state each write would have given, and a restart, reading the same
        state and clock, catches up the same way.
        """
        done, runs = batch.clock.get("done"), state.get("due")
        if done is None or not runs or state["eval"] is None or state["eval"] >= done:
            return
        for first, last in list(runs):
            for minute in range(max(first, state["eval"] + 1), min(last, done) + 1):
                self.evaluate(batch, state, minute)

    def too_quiet(self, state: dict, minute: int, policy: Policy) -> bool:
        """No post in ``minute`` and fewer posts in the window than any rule or the hold needs."""
        current = state["m"].get(str(minute))
        if current is not None and current["n"]:
            return False
        if self._fewest[0] is not policy:
            self._fewest = (policy, fewest_posts_to_escalate(policy))
        return sum(b["n"] for b in window_buckets(state, minute, policy)) < self._fewest[1]


def _held_back(state: dict, snap: Snapshot, minute: int, policy: Policy) -> bool:
    """Whether the policy's hold keeps this minute's escalation back (its conditions have held for less than
    ``hold.max_minutes``); updates when they started holding."""
    hold = policy.hold
    if hold.max_minutes and hold.when and all(c.holds(snap.values[s]) for s, c in hold.when.items()):
        since = state.get("hold_since")
        if since is None or since > minute:
            since = state["hold_since"] = minute
        return minute - since < hold.max_minutes
    if state.get("hold_since") is not None:
        state["hold_since"] = None
    return False


def due_between(state: dict, start: int, end: int) -> bool:
    """Whether ``state`` is scheduled to be evaluated in a minute of ``start``..``end``."""
    return any(max(first, start) <= min(last, end) for first, last in state.get("due") or ())

