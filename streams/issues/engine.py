"""The issue engine: scored posts and feedback in, issue states and escalation events out. Faust-free.

One engine owns the issues of one partition of the issue events topic (keyed by issue id). The live worker runs
it over Faust tables; ``sigap simulate`` runs the very same code over plain dicts.

This module decides which issues and minutes are judged, and when issues close. How a post is counted is
:mod:`streams.issues.buckets`, how a minute is judged :mod:`streams.issues.evaluation`, what feedback does
:mod:`streams.issues.feedback`, when an idle issue closes :mod:`streams.issues.expiry`, and where the work of
one call is gathered and written :mod:`streams.issues.call`.

Event time drives everything. Each issue keeps per-minute buckets; a minute is *evaluated* (signals computed,
policy applied) once the partition's watermark has passed it, and the evaluation reads only buckets up to that
minute. So as long as posts arrive within the allowed lateness, the levels, times and ids of escalations depend
only on the set of posts, never on their arrival order, the replay speed or how many workers share the
partitions. The watermark is, by default, the latest ``created_at`` seen minus the policy's allowed lateness; if
the producer of the issue events topic sends watermark records (``{"kind": "watermark", "source": s, "time": t}``
meaning "source s has sent every post created up to t", or ``"sources": {s: t, ...}`` for several) and the
engine is told how many sources to expect, the watermark is the minimum over sources instead, which is exact
whatever the replay speed.

A source that sends nothing (a posts partition with no posts) would hold that minimum back forever, so a source
counts as *idle*, and is no longer waited for, once it has sent no watermark record for the policy's
``windows.idle_source_seconds`` of wall time while this engine was listening. Idleness is judged by wall time
only, never by how far a source is behind the others in event time: in a fast replay a busy source can be many
event-minutes behind and still be about to deliver the posts of the minutes in question. Wall time is measured
from this engine's own observations (not stored): after a restart, or after a gap in its own input longer than
``listening_gap_seconds`` (its partition was elsewhere, the worker was stalled), every source is given the full
idle time again. An idle source that sends again is waited for again; its posts older than the judged minutes are late.

State (all JSON dicts, so they can live in changelog-backed tables):

* ``store[issue_id]``: the issue (see :mod:`streams.issues.state`). A quiet evaluation of a minute the issue's own
  posts scheduled (``due``) is not written; the next read applies it (:mod:`streams.issues.evaluation`), so the
  store may hold a state a few quiet minutes behind, and ``state()`` gives it as the engine reads it.
* ``clock_store["clock"]``: the partition's watermark, last evaluated minute, source watermarks, active issue
  count, and the minutes/hours that have work scheduled (:mod:`streams.issues.watermark`, which also decides
  which minutes are complete);
* ``clock_store["a<minute>"]``: ids of the issues with posts in that minute (they need evaluating in the
  following ``evaluation_minutes`` minutes); ``clock_store["xb<slot>"]``: ids whose expiry is due in that
  5-minute slot of event time, so an idle issue closes within 5 minutes of its deadline (releases before that
  listed them by hour, ``x<hour>``, closing an issue up to an hour late; such lists are still checked);
  ``clock_store["h<minute>"]``: ids of the issues holding posts (below) until that deadline minute is judged. Each
  list is stored as chunks, so a batch writes only the ids it adds (:mod:`streams.issues.idlists`).

Held posts. A post made after its issue's idle deadline belongs to a new incarnation of the issue, unless a post
made before the deadline (within the allowed lateness, so possibly read later) extends the issue past it. So while
the deadline's minute is not judged, such a post is held in the state (``held``): a post before the deadline
releases it into the extended issue; once the minute is judged (no such post can come in time), the issue closes
and its held posts open it afresh. Which incarnation a post belongs to then depends on the posts alone, never on
their arrival order or the batching (``tests/issues/test_determinism.py``), as long as an issue holds no more than
``MAX_HELD_POSTS``. Once the deadline's minute is judged, a
post after it closes the issue on arrival, whether or not the watermark has reached the issue's expiry slot yet.

Nothing ever iterates over a whole table.

At the end of a stream (or when a partition goes quiet) the last minutes wait for posts that will not come:
``flush(final=True)`` judges everything that has arrived (``sigap simulate`` calls it at the end of its file),
and a ``{"kind": "tick"}`` record does the same once no record but ticks has arrived for the idle time. The
wall clock is used for these two idle decisions only: a stream whose sources never pause that long is judged
exactly as ``sigap simulate`` judges it.

Every post has ``created_at`` and no control record (feedback, watermark, tick) has: a post's unknown fields pass
through, ``kind`` included, so ``kind`` is read only on records without ``created_at`` (:func:`control_kind`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, MutableMapping

from streams.escalation.events import DEFAULT_SOURCE
from streams.escalation.lifecycle import build_closed, was_escalated
from streams.issues.buckets import count_post
from streams.issues.call import Batch, EngineOutput, PreparedCall
from streams.issues.evaluation import Evaluator, due_between
from streams.issues.expiry import (
    EXPIRY,
    LEGACY_EXPIRY,
    ExpirySchedule,
    deadline_ms,
    idle_minutes,
    list_expiry,
    schedule_expiry,
)
from streams.issues.facts import held_copy, label_for, post_facts
from streams.issues.feedback import apply_feedback
from streams.issues.idlists import IdLists
from streams.issues.keys import issue_id_for, issue_label
from streams.issues.published import public_issue
from streams.issues.state import MICRO, remember_claim, schedule_evaluations
from streams.issues.timeutil import MINUTE_MS, check_time_range, iso, parse_ms
from streams.issues.watermark import CLOCK_KEY, SourceWatch, final_minute, load_clock, observe_lateness
from streams.policy.loader import as_policy_source
from streams.policy.model import Policy
from streams.records.errors import InvalidInput, InvalidReason

log = logging.getLogger(__name__)


def control_kind(record: dict) -> str | None:
    """``"feedback"``, ``"watermark"`` or ``"tick"`` for a control record, None for a post (it has ``created_at``,
    which no control record has): a post is never taken for a control record by an unknown field of its own."""
    return None if "created_at" in record else record.get("kind")


# Held posts are kept in the issue's state (what counting them reads: facts.held_copy), which is rewritten at every
# batch that adds one: past this many, the issue is settled at once, as if no post before its deadline could come
# (a burst after a long silence, read while a lagging source holds the watermark before the deadline), so the state
# stays small.
MAX_HELD_POSTS = 64


class IssueEngine:
    """Groups scored posts into issues, computes their signals, applies the policy, emits escalations."""

    def __init__(
        self,
        policy_source,
        store: MutableMapping[str, dict],
        clock_store: MutableMapping[str, dict] | None = None,
        claim_lookup: Callable[[str], dict | None] | None = None,
        *,
        expected_sources: int | None = None,
        event_source: str = DEFAULT_SOURCE,
        idle_seconds: float | None = None,
        listening_gap_seconds: float | None = None,
        wall_clock: Callable[[], float] = time.monotonic,
        chunked_lists: bool = True,
        hold_posts: bool = True,
    ) -> None:
        self._policy_source = as_policy_source(policy_source)
        self.chunked_lists = chunked_lists  # False: id lists written whole, readable by releases before chunks
        # False: a post after its issue's deadline closes the issue on arrival, as releases before held posts (which
        # would not read them) did; held posts already in a state are still settled
        self.hold_posts = hold_posts
        self.store = store
        self.clock_store = clock_store if clock_store is not None else {}
        self.event_source = event_source
        self.evaluator = Evaluator(claim_lookup, event_source)
        self.sources = SourceWatch(expected_sources, idle_seconds, listening_gap_seconds, wall_clock)
        self._uncommitted = False  # a call prepared and not yet committed

    # --- public ---------------------------------------------------------------------------------------------

    @property
    def policy(self) -> Policy:
        return self._policy_source.current()

    @property
    def active_issues(self) -> int:
        return int(load_clock(self.clock_store).get("active", 0))

    @property
    def watermark_minute(self) -> int | None:
        """The last evaluated event-time minute (epoch minutes), or None before the first evaluation."""
        return load_clock(self.clock_store).get("done")

    def process(self, records: Iterable[dict]) -> EngineOutput:
        """Apply a batch of scored posts, feedback and watermark records; evaluate the minutes the watermark
        passed; write the states; return what to publish."""
        return self.prepare(records).commit()

    def prepare(self, records: Iterable[dict]) -> PreparedCall:
        """What :meth:`process` does, without writing anything yet: publish the call's ``out`` first, then
        ``commit()`` it (see :class:`PreparedCall`)."""
        self._begin()
        policy = self._policy_source.current()
        clock = load_clock(self.clock_store)
        batch = self._batch(policy, clock)
        sources = self.sources
        now = sources.now()
        sources.begin_call(now, policy)
        ticks = 0
        for position, record in enumerate(records):
            if not isinstance(record, dict):
                self._reject(batch, position, InvalidReason.NOT_AN_OBJECT, f"a JSON {type(record).__name__}")
                continue
            kind = control_kind(record)
            if kind == "tick":
                ticks += 1
                continue
            sources.data_arrived(now)
            try:
                if kind == "feedback":
                    self._feedback(batch, record)
                elif kind == "watermark":
                    sources.marker(clock, record, now)
                else:
                    self._ingest(batch, clock, record)
            except InvalidInput as exc:
                self._reject(batch, position, exc.reason, exc.detail)
            except KeyError as exc:
                self._reject(batch, position, InvalidReason.MISSING_FIELD, f"no {exc}")
            except (TypeError, ValueError, AttributeError) as exc:
                self._reject(batch, position, InvalidReason.INVALID_FIELD, f"{type(exc).__name__}: {exc}")
        target = sources.target_minute(clock, policy, now)
        idle = bool(ticks) and sources.input_idle(now, policy)
        if idle:
            # Nothing but ticks for a while: the input is idle, so judge everything that has arrived.
            target = max(target if target is not None else -1, final_minute(clock, policy) or -1)
            target = None if target < 0 else target
        self._advance(batch, clock, target, ended=idle)
        sources.end_call()
        return self._prepared(batch, clock)

    def flush(self, final: bool = False) -> EngineOutput:
        """Evaluate without waiting for the allowed lateness.

        ``final=False`` (the input is idle): every minute before the one holding the latest post.
        ``final=True`` (the input has ended, as at the end of ``sigap simulate``): every pending minute.
        """
        self._begin()
        policy = self._policy_source.current()
        clock = load_clock(self.clock_store)
        batch = self._batch(policy, clock)
        target = None
        if final:
            target = final_minute(clock, policy)
        elif clock.get("max_ms") is not None:
            target = clock["max_ms"] // MINUTE_MS - 1
        self._advance(batch, clock, target, ended=final)
        return self._prepared(batch, clock).commit()

    def issue(self, issue_id: str) -> dict | None:
        """The public record of one issue (as published on the issues topic), or None."""
        state = self.state(issue_id)
        return None if state is None else public_issue(state)

    def state(self, issue_id: str) -> dict | None:
        """One issue's state as of the last evaluated minute (quiet evaluations not yet written applied), or None."""
        return self._batch(self._policy_source.current(), load_clock(self.clock_store)).get(issue_id)

    @staticmethod
    def _reject(batch: Batch, position: int, reason: InvalidReason, detail: str) -> None:
        log.debug("issue engine cannot use record %d of the call: %s: %s", position, reason.value, detail)
        batch.out.rejected.append((position, InvalidInput(reason, detail)))

    # --- ingest ---------------------------------------------------------------------------------------------

    def _ingest(self, batch: Batch, clock: dict, record: dict, arriving: bool = True) -> None:
        """Count a scored post in its issue. ``arriving=False``: a held post counted now (its arrival was seen when it
        was held: how late it came then, not how long it was held, is what the watermark learns from)."""
        policy = batch.policy
        scores = record.get("scores")
        if not isinstance(scores, dict):
            raise InvalidInput(InvalidReason.MISSING_FIELD, "not a scored post (no 'scores')")
        ms = parse_ms(record.get("created_at"))
        if ms is None:
            stamp = record.get("created_at")
            reason = InvalidReason.MISSING_FIELD if stamp is None else InvalidReason.INVALID_FIELD
            raise InvalidInput(reason, f"unparseable created_at {stamp!r}")
        check_time_range("created_at", ms)
        claim_match = scores.get("claim_match") if isinstance(scores.get("claim_match"), dict) else None
        issue_id = scores.get("issue_id") or issue_id_for(record, "", [], claim_match)
        issue_id = str(issue_id)
        facts = post_facts(record, scores, ms, policy)  # (a post it rejects is rejected before it is held)
        state = batch.get(issue_id)
        if state is not None and ms > (deadline := deadline_ms(state, policy)):
            deadline_minute = deadline // MINUTE_MS
            done = clock.get("done")
            if self.hold_posts and (done is None or deadline_minute > done) and \
                    len(state.get("held") or ()) < MAX_HELD_POSTS:
                self._hold(batch, clock, state, record, ms, deadline_minute, arriving)
                return
            if state.get("held"):  # (MAX_HELD_POSTS reached, held before SIGAP_HOLD_POSTS=false, or listing lost)
                self._reopen_with_held(batch, clock, issue_id, state)
                self._ingest(batch, clock, record, arriving)
                return
            self._reopen(batch, clock, issue_id, state)
            state = None
        if state is None:
            state = batch.create(issue_id, label_for(issue_id, record, claim_match))
        if claim_match is not None:
            facts.claim_id = remember_claim(state, claim_match)
            similarity = claim_match.get("similarity")
            if isinstance(similarity, (int, float)):
                facts.claim_similarity_micro = int(round(min(1.0, max(0.0, float(similarity))) * MICRO))
            if state["kind"] == "claim" and state["label"] == issue_label(issue_id) and claim_match.get("claim"):
                state["label"] = str(claim_match["claim"])[:200]
        minute = facts.minute
        if not count_post(state, facts, policy):
            self._list_again(batch, clock, state, minute, ms)
            return
        done = clock.get("done")
        if done is not None and minute <= done:
            batch.out.late += 1
            rewind = policy.windows.rewind_minutes
            if rewind and minute >= done - rewind + 1:
                # Later than the allowed lateness but within the rewind horizon: the minutes from this one on
                # are evaluated again with it (a level is still published at most once).
                batch.rewind[issue_id] = min(minute, batch.rewind.get(issue_id, minute))
        batch.out.posts += 1
        state["n"] = state.get("n", 0) + 1
        state["first_ms"] = ms if state["first_ms"] is None else min(state["first_ms"], ms)
        state["last_ms"] = ms if state["last_ms"] is None else max(state["last_ms"], ms)
        if arriving:
            self._arrived(clock, ms, policy)
        if self._still_judged(clock, minute, policy):
            batch.activity[minute].add(issue_id)
            # the minutes _advance will evaluate this issue in for this post: from the next one to judge
            last = minute + policy.windows.evaluation_minutes - 1
            schedule_evaluations(state, minute if done is None else max(minute, done + 1), last)
        schedule_expiry(batch, state)
        batch.dirty.add(issue_id)
        if state.get("held"):
            self._release_held(batch, clock, state)

    @staticmethod
    def _list_again(batch: Batch, clock: dict, state: dict, minute: int, ms: int) -> None:
        """A post already counted: its issue is listed again where counting it listed it (the lists are sets, so
        normally nothing changes). A batch redone after the worker was killed between writing its issue states and
        its lists and clock finds its posts counted but their issues listed nowhere: unjudged, never expiring."""
        batch.out.duplicates += 1
        if IssueEngine._still_judged(clock, minute, batch.policy):
            batch.activity[minute].add(state["id"])
        if state.get(EXPIRY.state_field) is not None:
            batch.expiry[state[EXPIRY.state_field]].add(state["id"])
        if clock["max_ms"] is None or ms > clock["max_ms"]:
            clock["max_ms"] = ms

    @staticmethod
    def _arrived(clock: dict, ms: int, policy: Policy) -> None:
        """A post made at ``ms`` arrived: the newest post time, and how late this one is behind it."""
        newest = clock["max_ms"]
        if newest is not None and ms < newest:
            observe_lateness(clock, newest, newest - ms, policy)
        clock["max_ms"] = ms if newest is None else max(newest, ms)

    # --- held posts -----------------------------------------------------------------------------------------

    def _hold(self, batch: Batch, clock: dict, state: dict, record: dict, ms: int, deadline_minute: int,
              arriving: bool) -> None:
        """Keep a post made after its issue's idle deadline aside while a post made before the deadline may still
        come (the deadline's minute is not judged yet): such a post would extend the issue, and this one would
        belong to it. Which incarnation a post belongs to then depends on the posts, not on their arrival order."""
        held = state.setdefault("held", [])
        if any(other.get("id") == record.get("id") for other in held):
            batch.out.duplicates += 1
        else:
            held.append(held_copy(record))
            batch.dirty.add(state["id"])
        batch.holds[deadline_minute].add(state["id"])
        if arriving:
            self._arrived(clock, ms, batch.policy)

    def _release_held(self, batch: Batch, clock: dict, state: dict) -> None:
        """Count the held posts the issue's deadline, extended since they were held, now reaches."""
        deadline = deadline_ms(state, batch.policy)
        ready = [record for record in state["held"] if parse_ms(record.get("created_at")) <= deadline]
        if not ready:
            batch.holds[deadline // MINUTE_MS].add(state["id"])
            return
        rest = [record for record in state["held"] if record not in ready]
        if rest:
            state["held"] = rest
        else:
            del state["held"]
        for record in sorted(ready, key=lambda r: parse_ms(r.get("created_at"))):
            self._ingest(batch, clock, record, arriving=False)
        if rest:
            batch.holds[deadline_ms(state, batch.policy) // MINUTE_MS].add(state["id"])

    def _reopen(self, batch: Batch, clock: dict, issue_id: str, state: dict) -> None:
        """Close an issue a post made after its idle deadline does not belong to: the issue closed then, whether or
        not the watermark has reached its expiry slot, or even its last minutes, yet (that depends on batching). Its
        last minutes are judged now (no later post can change them, being far after them), it closes, and the post
        starts a new one. The minutes judged are those its posts scheduled (``due``), as ``_advance`` would judge
        them: not every minute since its first post, which a post dated years before the others made millions."""
        for start, end in list(state.get("due") or ()):
            for minute in range(start, end + 1):
                self.evaluator.evaluate(batch, state, minute)
        self._close(batch, clock, issue_id, state, publish=False)
        batch.out.issue_updates.append((issue_id, None))
        batch.publish.pop(issue_id, None)
        batch.rewind.pop(issue_id, None)

    def _resolve_holds(self, batch: Batch, clock: dict, upto: int | None) -> None:
        """List this call's holds, then settle those whose deadline minute is at most ``upto`` (None: all, as the
        input has ended or gone idle): no post before the deadline can come in time any more, so the issue closes
        and its held posts start it afresh."""
        while True:
            batch.list_pending(batch.holds, "h", "hm")
            pending = clock["hm"]
            due = [minute for minute in pending if upto is None or minute <= upto]
            if not due:
                return
            for minute in due:
                for issue_id in sorted(batch.lists.ids(f"h{minute}")):
                    state = batch.get(issue_id)
                    if state is None or not state.get("held"):
                        continue
                    if upto is not None and deadline_ms(state, batch.policy) // MINUTE_MS > upto:
                        continue  # extended since, and listed at its new deadline
                    self._reopen_with_held(batch, clock, issue_id, state)
                batch.lists.take(f"h{minute}")
            clock["hm"] = [minute for minute in pending if minute not in due]

    def _reopen_with_held(self, batch: Batch, clock: dict, issue_id: str, state: dict) -> None:
        held = sorted(state.pop("held"), key=lambda r: parse_ms(r.get("created_at")))
        self._reopen(batch, clock, issue_id, state)
        for record in held:
            self._ingest(batch, clock, record, arriving=False)

    # --- feedback -------------------------------------------------------------------------------------------

    def _feedback(self, batch: Batch, record: dict) -> None:
        state = apply_feedback(batch, record, self.event_source)
        schedule_expiry(batch, state)
        if state.get("held"):
            self._release_held(batch, batch.clock, state)

    # --- evaluation -----------------------------------------------------------------------------------------

    def _advance(self, batch: Batch, clock: dict, target: int | None, ended: bool = False) -> None:
        """Judge the minutes up to ``target``; ``ended``: no more posts will come (the input ended or went idle), so
        every held post is settled and judged too."""
        policy = batch.policy
        w = policy.windows.evaluation_minutes
        if ended or target is not None:
            self._resolve_holds(batch, clock, None if ended else target)
            if ended and batch.activity:
                target = max(target if target is not None else -1, max(batch.activity) + w - 1)
        else:
            batch.list_pending(batch.holds, "h", "hm")
        batch.list_pending(batch.activity, "a", "am")
        done = clock.get("done")
        if done is not None and batch.rewind:
            for issue_id, minute in sorted(batch.rewind.items()):
                state = batch.get(issue_id)
                if state is None:
                    continue
                if state["eval"] is not None and state["eval"] >= minute:
                    state["eval"] = minute - 1
                for m in range(minute, done + 1):
                    self.evaluator.evaluate(batch, state, m)
        if target is not None and (done is None or target > done):
            pending = clock["am"]
            start = done + 1 if done is not None else (pending[0] if pending else target)
            minutes = sorted({
                m for a in pending for m in range(max(a, start), min(a + w - 1, target) + 1)
            })
            for m in minutes:
                ids: set[str] = set()
                for a in pending:
                    if m - w + 1 <= a <= m:
                        ids |= batch.lists.ids(f"a{a}")
                for issue_id in sorted(ids):
                    held = issue_id in batch.states
                    state = batch.get(issue_id)
                    # (a minute before an issue's first post: listed for an issue closed since, see _ingest)
                    if state is not None and m >= (state["first_ms"] or 0) // MINUTE_MS:
                        self.evaluator.evaluate(batch, state, m)
                        if not held and not due_between(state, m + 1, target):
                            batch.release(issue_id)  # (not judged again in this call)
            retired = [a for a in pending if a + w - 1 <= target]
            for a in retired:
                batch.lists.take(f"a{a}")
            clock["am"] = [a for a in pending if a + w - 1 > target]
            clock["done"] = target
            batch.out.watermark = iso((target + 1) * MINUTE_MS)
        list_expiry(batch)  # (before any minute is judged too)
        if clock.get("done") is not None:
            self._expire(batch, clock, (clock["done"] + 1) * MINUTE_MS)

    # --- expiry ---------------------------------------------------------------------------------------------

    def _expire(self, batch: Batch, clock: dict, watermark_ms: int) -> None:
        for schedule in (EXPIRY, LEGACY_EXPIRY):
            pending = clock[schedule.clock_field]
            due = [slot for slot in pending if (slot + 1) * schedule.unit_ms <= watermark_ms]
            for slot in due:
                key = f"{schedule.list_prefix}{slot}"
                for issue_id in sorted(batch.lists.ids(key)):
                    self._check_expiry(batch, clock, issue_id, schedule, slot, watermark_ms)
                batch.lists.take(key)
            clock[schedule.clock_field] = [slot for slot in pending if slot not in due]
        list_expiry(batch)  # re-scheduled issues may land in slots not yet listed

    def _check_expiry(self, batch: Batch, clock: dict, issue_id: str, schedule: ExpirySchedule, slot: int,
                      watermark_ms: int) -> None:
        """Close ``issue_id`` if it has been idle past its deadline; listed in ``slot`` of ``schedule``."""
        held = issue_id in batch.states
        state = batch.get(issue_id)
        if state is None:
            return
        policy = batch.policy
        idle_past_deadline = deadline_ms(state, policy) <= watermark_ms
        if idle_past_deadline and state.get("held"):
            self._reopen_with_held(batch, clock, issue_id, state)  # (settled before expiry checks: a safeguard)
        elif idle_past_deadline and not self._has_pending(state, clock, policy):
            self._close(batch, clock, issue_id, state)
        elif state.get(schedule.state_field) == slot:
            state[schedule.state_field] = None
            schedule_expiry(batch, state)
            batch.dirty.add(issue_id)
        elif not held:
            batch.release(issue_id)  # listed by an earlier schedule and alive: read only for this check

    def _close(self, batch: Batch, clock: dict, issue_id: str, state: dict, publish: bool = True) -> None:
        """Close an issue idle past its deadline: a closed event if it escalated, its state deleted and (with
        ``publish``) its issue record tombstoned at the commit."""
        policy = batch.policy
        if was_escalated(state):
            closed = build_closed(state, deadline_ms(state, policy), idle_minutes(state, policy),
                                  self.event_source)
            batch.out.lifecycle.append((issue_id, closed))
        batch.states[issue_id] = None
        batch.dirty.add(issue_id)
        if publish:
            batch.publish[issue_id] = None
        batch.out.expired += 1
        clock["active"] = max(0, int(clock.get("active", 0)) - 1)

    @staticmethod
    def _has_pending(state: dict, clock: dict, policy: Policy) -> bool:
        last = state.get("last_ms")
        return last is not None and IssueEngine._still_judged(clock, last // MINUTE_MS, policy)

    @staticmethod
    def _still_judged(clock: dict, minute: int, policy: Policy) -> bool:
        """Whether a post of ``minute`` still has minutes to be judged in (its window's last one is not done)."""
        done = clock.get("done")
        return done is None or minute + policy.windows.evaluation_minutes - 1 > done

    # --- commit ---------------------------------------------------------------------------------------------

    def _batch(self, policy: Policy, clock: dict) -> Batch:
        lists = IdLists(self.clock_store, clock, chunked=self.chunked_lists)
        return Batch(self.store, lists, policy, clock, self.evaluator.catch_up)

    def _begin(self) -> None:
        if self._uncommitted:
            raise RuntimeError("the engine's previous call was prepared and never committed")

    def _prepared(self, batch: Batch, clock: dict) -> PreparedCall:
        for issue_id in batch.publish:
            state = batch.states.get(issue_id)
            batch.out.issue_updates.append((issue_id, None if state is None else public_issue(state)))
        self._uncommitted = True
        return PreparedCall(batch.out, lambda: self._commit(batch, clock))

    def _commit(self, batch: Batch, clock: dict) -> None:
        self._uncommitted = False
        batch.write()
        self.clock_store[CLOCK_KEY] = clock
        batch.give_back()

