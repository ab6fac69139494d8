"""`sigap demo` (the README's main command): a broker that already answers is used, not fought over, and a step
that fails ends the demo with one line naming it, not a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from streams.cli import demo
from streams.cli.main import main


@pytest.fixture
def steps(monkeypatch, tmp_path):
    """The `sigap` commands the demo runs, recorded; `topics create` fails as a broker refusing it would."""
    from streams.settings import get_settings

    for name, value in (("SIGAP_DATA_DIR", str(tmp_path)), ("SIGAP_TOPIC_PREFIX", "t-demo."),
                        ("SIGAP_APP_ID", "sigap-t-demo")):
        monkeypatch.setenv(name, value)  # (the demo sets the last two in the environment; restored afterwards)
    monkeypatch.delenv("SIGAP_BROKER", raising=False)
    ran: list[list[str]] = []

    def sigap(args, env):
        ran.append(args)
        if args[:2] == ["topics", "create"]:
            raise subprocess.CalledProcessError(3, [sys.executable, "-m", "streams.cli.main", *args])

    monkeypatch.setattr(demo, "_sigap", sigap)
    yield ran
    get_settings.cache_clear()  # the demo read its settings from the environment restored now


@pytest.mark.parametrize("answers", [True, False])
def test_a_broker_that_answers_is_used_and_a_failed_step_ends_the_demo_in_one_line(steps, monkeypatch, capsys,
                                                                                   answers):
    import streams.kafka_local

    monkeypatch.setattr(streams.kafka_local, "broker_answers", lambda *args, **kwargs: answers)
    assert main(["demo"]) == 3
    assert steps == ([] if answers else [["kafka", "start"]]) + [["topics", "create"]]
    out, err = capsys.readouterr()
    assert ("already answers at kafka://127.0.0.1:9092; using it" in out) is answers
    assert err.strip() == "demo stopped: `sigap topics create` ended with exit status 3 (see above)"
