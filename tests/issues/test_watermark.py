"""The watermark on its own: how long it waits for late posts, and which sources it still waits for."""

from __future__ import annotations

from streams.issues.timeutil import MINUTE_MS
from streams.issues.watermark import (
    LATENESS_MEMORY_MINUTES,
    SourceWatch,
    final_minute,
    lateness_ms,
    load_clock,
    observe_lateness,
)
from streams.policy import load_policy

POLICY = load_policy()  # allowed lateness 120 s, at most 900 s, sources idle after 30 s
T = 28_000_000 * MINUTE_MS  # an event-time minute boundary


class Wall:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_observed_lateness_widens_the_wait_within_bounds_and_is_forgotten() -> None:
    clock = load_clock({})
    clock["max_ms"] = T
    assert lateness_ms(clock, POLICY) == 120_000
    observe_lateness(clock, T, 300_000, POLICY)    # a post 5 min behind the newest
    observe_lateness(clock, T, 3_600_000, POLICY)  # an hour behind: beyond the maximum, not a reason to wait
    assert lateness_ms(clock, POLICY) == 300_000
    clock["max_ms"] = T + (LATENESS_MEMORY_MINUTES + 1) * MINUTE_MS
    assert lateness_ms(clock, POLICY) == 120_000


def test_without_sources_the_newest_post_minus_the_lateness_sets_the_complete_minute() -> None:
    clock = load_clock({})
    watch = SourceWatch()
    assert watch.target_minute(clock, POLICY, 0.0) is None
    clock["max_ms"] = T + 30_000
    assert watch.target_minute(clock, POLICY, 0.0) == (T + 30_000 - 120_000) // MINUTE_MS - 1


def test_a_source_is_waited_for_until_it_has_been_silent_for_the_idle_time() -> None:
    wall = Wall()
    watch = SourceWatch(expected_sources=2, wall_clock=wall)
    clock = load_clock({})
    watch.marker(clock, {"source": "p0", "time": "2023-03-27T00:10:00Z"}, wall())
    assert watch.target_minute(clock, POLICY, wall()) is None  # p1 has not reported yet
    watch.marker(clock, {"source": "p1", "time": "2023-03-27T00:02:00Z"}, wall())
    behind = watch.target_minute(clock, POLICY, wall())
    wall.t += 20
    watch.marker(clock, {"source": "p0", "time": "2023-03-27T00:12:00Z"}, wall())
    assert watch.target_minute(clock, POLICY, wall()) == behind  # p1 is behind but not silent: waited for
    wall.t += 15  # p1 silent for 35 s
    assert watch.target_minute(clock, POLICY, wall()) > behind


def test_after_a_gap_in_listening_every_source_gets_the_full_idle_time_again() -> None:
    wall = Wall()
    watch = SourceWatch(expected_sources=2, listening_gap_seconds=10, wall_clock=wall)
    clock = load_clock({})
    watch.begin_call(wall(), POLICY)
    watch.marker(clock, {"source": "p0", "time": "2023-03-27T00:10:00Z"}, wall())
    watch.marker(clock, {"source": "p1", "time": "2023-03-27T00:02:00Z"}, wall())
    watch.end_call()
    behind = watch.target_minute(clock, POLICY, wall())
    wall.t += 60  # the engine did not run for a minute: p1's silence is not p1's
    watch.begin_call(wall(), POLICY)
    assert watch.target_minute(clock, POLICY, wall()) == behind  # p1 is waited for again
    assert not watch.input_idle(wall(), POLICY)
    wall.t += 5  # p0 reports again, p1 stays silent
    watch.marker(clock, {"source": "p0", "time": "2023-03-27T00:12:00Z"}, wall())
    wall.t += 31
    assert watch.target_minute(clock, POLICY, wall()) > behind  # now p1 has been silent for the idle time


def test_the_final_minute_covers_the_evaluation_window_of_the_last_active_minute() -> None:
    clock = load_clock({"clock": {"done": 5, "am": [7, 9]}})
    assert final_minute(clock, POLICY) == 9 + POLICY.windows.evaluation_minutes - 1
    assert final_minute(load_clock({"clock": {"done": 5}}), POLICY) == 5


def test_the_clock_remembers_observed_lateness_for_a_bounded_number_of_minutes() -> None:
    clock = load_clock({})
    for minute in range(10 * LATENESS_MEMORY_MINUTES):  # a post 5 min late in every minute of a long stream
        observe_lateness(clock, T + minute * MINUTE_MS, 300_000, POLICY)
    assert len(clock["lat"]) <= LATENESS_MEMORY_MINUTES + 1


def test_a_source_s_mark_never_moves_back() -> None:
    """A watermark record resent after a producer's restart, or read late, says less than one already read."""
    wall = Wall()
    watch = SourceWatch(expected_sources=1, wall_clock=wall)
    clock = load_clock({})
    watch.marker(clock, {"kind": "watermark", "source": "0", "time": "2024-06-03T01:30:00Z"}, wall())
    complete = watch.target_minute(clock, POLICY, wall())
    watch.marker(clock, {"kind": "watermark", "sources": {"0": "2024-06-03T01:10:00Z"}}, wall())
    assert watch.target_minute(clock, POLICY, wall()) == complete
