"""When an event-time minute is complete: the watermark of one partition of the issue events topic.

The clock (a JSON dict stored under ``CLOCK_KEY``) holds what must survive a restart: the newest ``created_at``
seen (``max_ms``), the last evaluated minute (``done``), each source's watermark (``src``), recently observed
lateness (``lat``), the active-issue count, the scheduled minutes and expiry slots (``am``, ``xb``; ``xs``: the
hour slots of earlier releases), the deadline minutes of issues with held posts (``hm``) and how many chunks each of
their id lists has (``lc``,
:mod:`streams.issues.idlists`).
:class:`SourceWatch` holds what must not survive one: when this engine last heard each source, measured in its
own wall time, so that a silent source stops being waited for (see the engine's module docstring).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import datetime

from streams.issues.timeutil import MINUTE_MS, in_range, parse_ms
from streams.policy.model import Policy

log = logging.getLogger(__name__)

CLOCK_KEY = "clock"
LATENESS_MEMORY_MINUTES = 30  # how long (event time) an observed lateness keeps the watermark waiting


def load_clock(clock_store: Mapping[str, dict]) -> dict:
    """A working copy of the stored clock (a fresh one if none is stored)."""
    clock = clock_store.get(CLOCK_KEY)
    if clock is None:
        return {"v": 1, "max_ms": None, "done": None, "src": {}, "lat": {}, "active": 0, "am": [], "xb": [], "xs": [],
                "hm": [], "lc": {}}
    clock = dict(clock)
    clock["am"] = list(clock.get("am") or [])
    clock["xb"] = list(clock.get("xb") or [])
    clock["xs"] = list(clock.get("xs") or [])
    clock["hm"] = list(clock.get("hm") or [])
    clock["src"] = dict(clock.get("src") or {})
    clock["lat"] = dict(clock.get("lat") or {})
    clock["lc"] = dict(clock.get("lc") or {})
    return clock


def final_minute(clock: dict, policy: Policy) -> int | None:
    """The last minute with anything left to judge once no more posts will come."""
    pending = clock.get("am") or []
    if not pending:
        return clock.get("done")
    return max(pending) + policy.windows.evaluation_minutes - 1


def observe_lateness(clock: dict, newest: int, late_ms: int, policy: Policy) -> None:
    """Remember how late posts arrive, per event-time minute of the newest post, for the last
    ``LATENESS_MEMORY_MINUTES``: the watermark waits that long (within the policy's bounds)."""
    w = policy.windows
    if late_ms <= w.allowed_lateness_seconds * 1000 or late_ms > w.max_lateness_seconds * 1000:
        return
    minute = newest // MINUTE_MS
    seen = clock.setdefault("lat", {})
    key = str(minute)
    if late_ms > seen.get(key, 0):
        seen[key] = late_ms
    for old in [k for k in seen if int(k) < minute - LATENESS_MEMORY_MINUTES]:
        del seen[old]


def lateness_ms(clock: dict, policy: Policy) -> int:
    """The lateness the watermark allows now: the policy's, or more if posts recently arrived later."""
    w = policy.windows
    newest = clock.get("max_ms")
    recent = (newest // MINUTE_MS - LATENESS_MEMORY_MINUTES) if newest is not None else 0
    observed = max((v for k, v in (clock.get("lat") or {}).items() if int(k) >= recent), default=0)
    return min(w.max_lateness_seconds * 1000, max(w.allowed_lateness_seconds * 1000, observed))


class SourceWatch:
    """Which sources are still waited for, and whether the whole input has gone quiet (wall time)."""

    def __init__(
        self,
        expected_sources: int | None = None,
        idle_seconds: float | None = None,
        listening_gap_seconds: float | None = None,
        wall_clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.expected_sources = expected_sources
        self.idle_seconds_override = idle_seconds  # None: the policy's windows.idle_source_seconds
        # The longest gap between two calls during which the engine still counts as listening (the live worker
        # sends a tick to each of its partitions far more often); None: the idle time.
        self.listening_gap_seconds = listening_gap_seconds
        self.now = wall_clock
        self._last_data_at = wall_clock()   # the last record that was not a tick
        self._last_call: float | None = None  # the end of the last call
        self._heard: dict[str, float] = {}   # source -> wall time of its last watermark record
        self._heard_since: float | None = None  # wall time of the first watermark record while listening
        self._idle_logged: frozenset[str] = frozenset()

    def idle_seconds(self, policy: Policy) -> float:
        override = self.idle_seconds_override
        return float(policy.windows.idle_source_seconds if override is None else override)

    def begin_call(self, now: float, policy: Policy) -> None:
        gap = self.idle_seconds(policy) if self.listening_gap_seconds is None else self.listening_gap_seconds
        if self._last_call is not None and now - self._last_call > gap:
            # This engine was not listening (its partition was elsewhere, or the worker was stalled): the silence
            # it would measure is its own, so every source gets the full idle time again.
            self._heard.clear()
            self._heard_since = None
            self._last_data_at = now

    def end_call(self) -> None:
        self._last_call = self.now()

    def data_arrived(self, now: float) -> None:
        self._last_data_at = now

    def input_idle(self, now: float, policy: Policy) -> bool:
        """Nothing but ticks for the idle time."""
        return now - self._last_data_at >= self.idle_seconds(policy)

    def marker(self, clock: dict, record: dict, now: float) -> None:
        """A watermark record: its source has sent every post created up to its ``time``; or, with ``sources``
        (``{source: time}``), each of those sources up to its time."""
        marks = record.get("sources")
        if marks is None:
            marks = {record.get("source"): record.get("time")}
        elif not isinstance(marks, dict) or not marks:
            raise ValueError("a watermark record's 'sources' maps each source to an RFC 3339 time")
        parsed = [(source, parse_ms(stamp)) for source, stamp in marks.items()]
        if any(ms is None or source in (None, "") for source, ms in parsed):
            raise ValueError("a watermark record needs 'source' and an RFC 3339 'time' for each source")
        if not all(in_range(ms) for _, ms in parsed):
            raise ValueError("a watermark record's times must lie between 1990 and 9000")
        for source, ms in parsed:
            source = str(source)
            clock["src"][source] = max(ms, clock["src"].get(source, ms))
            self._heard[source] = now
        if self._heard_since is None:
            self._heard_since = now

    def _silent(self, source: str | None, now: float, idle_seconds: float) -> bool:
        """Whether ``source`` (None: a source never heard of) has sent no watermark record for the idle time.

        Silence counts from the source's last record, or, for a source not heard since this engine started
        listening, from the first record of any source: until some source sends, nobody is idle."""
        since = self._heard.get(source, self._heard_since) if source is not None else self._heard_since
        return since is not None and now - since >= idle_seconds

    def target_minute(self, clock: dict, policy: Policy, now: float) -> int | None:
        """The last minute that is complete: every post created in it has arrived (given the lateness bound)."""
        w = policy.windows
        if self.expected_sources:
            sources = clock["src"]
            if not sources:
                return None
            idle_seconds = self.idle_seconds(policy)
            if len(sources) < self.expected_sources and not self._silent(None, now, idle_seconds):
                return None  # some sources have not reported yet, and have not been silent long enough to ignore
            # However far behind in event time, a source that is still sending is waited for: only silence (wall
            # time) makes a source idle.
            waited = {s: t for s, t in sources.items() if not self._silent(s, now, idle_seconds)}
            idle = frozenset(sources) - frozenset(waited)
            if idle != self._idle_logged:
                if idle - self._idle_logged:
                    log.info("issue engine: sources %s silent for %.0f s, no longer waited for",
                             ", ".join(sorted(idle - self._idle_logged)), idle_seconds)
                self._idle_logged = idle
            # Every source has sent all it created up to its mark: only the disorder within a source remains.
            # With every source idle, all they sent has arrived.
            basis = min(waited.values()) if waited else max(sources.values())
            return (basis - w.allowed_lateness_seconds * 1000) // MINUTE_MS - 1
        if clock.get("max_ms") is None:
            return None
        return (clock["max_ms"] - lateness_ms(clock, policy)) // MINUTE_MS - 1


def watermark_record(newest_by_source: Mapping[object, datetime]) -> dict:
    """The watermark record a producer of the issue events topic sends to every partition after a batch: each source
    (a posts partition) has sent every post created up to its time.

    One record per issue partition and batch, instead of one per source and issue partition (64 a batch with 8 of
    each, more records than a live batch has posts). ``source``/``time`` repeat the earliest mark: a worker of the
    previous release reads only those, so during a rolling upgrade a source that is never a batch's earliest looks
    silent to it, i.e. idle (policy ``idle_source_seconds``), and its posts may arrive late there (re-judged within
    ``rewind_minutes``).
    """
    marks = {str(source): newest for source, newest in newest_by_source.items()}
    earliest = min(marks, key=lambda source: (marks[source], source))
    return {"kind": "watermark", "source": earliest, "time": marks[earliest].isoformat(),
            "sources": {source: marks[source].isoformat() for source in sorted(marks)}}
