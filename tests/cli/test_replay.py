"""`sigap replay`'s arguments (tests/scenarios/test_replay_kafka.py runs it against the broker)."""

from __future__ import annotations

from streams.cli.main import main


def test_a_speed_or_rate_that_is_not_positive_is_refused(capsys):
    """Found by QA: `--speed 0` or a negative speed silently meant no pacing at all."""
    for option in ("--speed", "--rate"):
        for value in ("0", "-2"):
            assert main(["replay", "--scenario", "demo", option, value]) == 2  # before any broker is asked
            assert f"{option} must be positive" in capsys.readouterr().err
