"""`sigap replay`'s arguments (tests/scenarios/test_replay_kafka.py runs it against the broker)."""

from __future__ import annotations

from streams.cli.main import main


def test_a_speed_or_rate_that_is_not_positive_is_refused(capsys):
    """Found by QA: `--speed 0` or a negative speed silently meant no pacing at all."""
    for option in ("--speed", "--rate"):
        for value in ("0", "-2"):
            assert main(["replay", "--scenario", "demo", option, value]) == 2  # before any broker is asked
            assert f"{option} must be positive" in capsys.readouterr().err


def test_a_paced_scenario_never_runs_ahead_of_the_clock():
    """Found by QA: with `--speed 60` the scenario started now and its event time ran 60 times faster than the
    clock, so the workers dead-letters most of its posts as `created_in_future` (138 of 203)."""
    import argparse
    from datetime import UTC, datetime

    from streams.cli.replay import _scenario_posts
    from streams.issues.timeutil import parse_ms

    for speed in (60.0, 5.0, 1.0, 0.5):
        began = datetime.now(UTC).timestamp() * 1000
        posts = _scenario_posts(argparse.Namespace(scenario="coordinated-push", seed=0, start=None, speed=speed))
        times = [parse_ms(p["created_at"]) for p in posts]
        first = min(times)
        # each post is sent (its event-time offset from the first post / speed) after the start; it must not be
        # dated later than that
        assert all(t <= began + (t - first) / speed + 1000 for t in times), speed
        tightest = max(times) if speed >= 1 else first  # dated when it is sent, but for the start's whole minute
        assert began + (tightest - first) / speed - tightest < 61_000


def test_a_start_that_would_date_posts_ahead_of_the_clock_is_refused_unless_writing_a_file(tmp_path):
    """Found by QA: `--speed 600 --start <in three hours>` sent 628 posts the workers all dead-lettered."""
    import argparse
    from datetime import UTC, datetime, timedelta

    import pytest

    from streams.cli.replay import _scenario_posts

    later = (datetime.now(UTC) + timedelta(hours=3)).isoformat(timespec="seconds")
    for speed in (600.0, None):
        args = argparse.Namespace(scenario="demo", seed=0, start=later, speed=speed, output=None)
        with pytest.raises(SystemExit, match="after the moment they are sent"):
            _scenario_posts(args)
        assert _scenario_posts(argparse.Namespace(**{**vars(args), "output": tmp_path / "f.jsonl"}))
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat(timespec="seconds")
    assert _scenario_posts(argparse.Namespace(scenario="demo", seed=0, start=past, speed=60.0, output=None))


def test_a_topic_only_sigap_writes_is_refused_before_any_broker_is_asked(tmp_path, capsys):
    """Found by QA: `--topic` wrote posts into escalations, the dead-letter topic and a changelog."""
    from streams.settings import get_settings

    path = tmp_path / "posts.jsonl"
    path.write_text("{}\n")
    settings = get_settings()
    import pytest

    for topic in ("escalations", "posts.dlq", "issues.events", f"{settings.app_id}-issue-state-changelog"):
        with pytest.raises(SystemExit, match="a topic only Sigap writes"):
            main(["replay", str(path), "--topic", topic])
    with pytest.raises(SystemExit, match="give a topic name"):
        main(["replay", str(path), "--topic", " "])
