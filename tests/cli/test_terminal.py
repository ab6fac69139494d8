"""Other people's text cannot drive the operator's terminal: control characters are printed as \\uXXXX."""

from __future__ import annotations

import sys

import orjson

from streams.cli.main import main
from streams.cli.terminal import shown
from tests.escalation.test_digest import REVIEWED_TYPE, _events, _lifecycle

HOSTILE = "humas\x1b]0;pwned\x07\x1b[2J\rpalsu\x9b31m"


def test_control_characters_become_visible_and_json_keeps_its_meaning():
    assert shown(HOSTILE) == "humas\\u001b]0;pwned\\u0007\\u001b[2J\\u000dpalsu\\u009b31m"
    assert shown("baris\tsatu\nbaris dua, ✓ dan 🇮🇩") == "baris\tsatu\nbaris dua, ✓ dan 🇮🇩"
    line = orjson.dumps({"by": HOSTILE}).decode()  # JSON escapes C0 itself; a raw C1 stays, until shown
    assert "\x9b" in line and orjson.loads(shown(line)) == {"by": HOSTILE}


def test_a_command_prints_a_hostile_name_harmlessly_and_restores_stdout(tmp_path, capsys):
    events = _events() + [_lifecycle(REVIEWED_TYPE, "topic-pdam", "2024-06-03T02:30:00.000Z",
                                     verdict="confirmed", by=HOSTILE)]
    path = tmp_path / "events.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(e) for e in events) + b"\n")
    before = sys.stdout
    assert main(["report", "--file", str(path)]) == 0
    assert sys.stdout is before
    out = capsys.readouterr().out
    assert "oleh humas\\u001b]0;pwned\\u0007\\u001b[2J palsu\\u009b31m" in out  # the table cell: one line
    assert not any(c in out for c in "\x1b\x07\r\x9b")
