"""`sigap report`: the period's escalated issues, highest level first, with what responders said and when the
issues closed; re-emitted events counted once; event time decides the period."""

from __future__ import annotations

import codecs
import json
import statistics

import orjson
import pytest

from streams.cli.main import main
from streams.escalation.digest import _minutes, digest, render
from streams.issues.timeutil import parse_ms
from streams.escalation.lifecycle import CLOSED_TYPE, REVIEWED_TYPE
from streams.escalation.subscription import names_province
from tests.escalation.test_events import demo_run
from tests.escalation.test_subscription import escalation


def _lifecycle(kind: str, subject: str, time: str, **data) -> dict:
    return {"id": f"{kind}-{subject}-{time}", "type": kind, "subject": subject, "time": time,
            "data": {"issue_id": subject, **data}}


def _events() -> list[dict]:
    _, _, escalations, _ = demo_run()
    claim = next(e["subject"] for e in escalations if e["data"]["route"] == "counter-messaging")
    return escalations + [
        escalations[0],  # re-emitted after a crash: same id
        _lifecycle(REVIEWED_TYPE, claim, "2024-06-03T02:00:00.000Z", verdict="confirmed", by="tim-cek-fakta"),
        _lifecycle(REVIEWED_TYPE, "topic-pdam", "2024-06-03T02:10:00.000Z", verdict="resolved", by="humas"),
        _lifecycle(REVIEWED_TYPE, "topic-pdam", "2024-06-03T02:20:00.000Z", verdict="false_alarm", by="humas"),
        _lifecycle(CLOSED_TYPE, "topic-pdam", "2024-06-03T05:00:00.000Z", idle_minutes=180, posts=97),
        _lifecycle(REVIEWED_TYPE, "topic-never-escalated", "2024-06-03T02:00:00.000Z", verdict="confirmed", by="x"),
        {"id": "odd", "type": "id.sigap.issue.escalated.v1", "subject": "x", "time": "2024-06-03T02:00:00Z",
         "data": {"title": "no level"}},  # not written by Sigap: left out, not a crash
    ]


def test_the_report_counts_each_issue_once_with_its_peak_and_latest_verdict():
    report = digest(_events())
    lines = report["issues"]
    assert [x.peak["severity"] for x in lines] == sorted((x.peak["severity"] for x in lines),
                                                        key=["awas", "siaga", "waspada"].index)
    assert len(lines) == len({x.issue_id for x in lines}) == 4
    assert report["by_severity"] == {"awas": 0, "siaga": 2, "waspada": 2}
    assert report["verdicts"] == {"confirmed": 1, "false_alarm": 1, "resolved": 0}  # pdam: the latest verdict counts
    assert report["unreviewed"] == 2 and report["precision"] == 0.5
    pdam = next(x for x in lines if x.issue_id == "topic-pdam")
    assert pdam.verdict["by"] == "humas" and pdam.closed_at == "2024-06-03T05:00:00.000Z"
    text = render(report)
    assert "- 4 isu naik status: 2 siaga, 2 waspada" in text and "- Presisi peringatan: 50 %" in text
    assert "| alarm palsu oleh humas | 2024-06-03 05:00 |" in text
    assert "| alarm palsu oleh humas | 2024-06-03 12:00 |" in render(report, "WIB")  # UTC+7
    assert "wilayah" in text and "DKI Jakarta (" in text  # the pdam surge's province
    assert "## Klaim yang dibantah dan beredar lagi" in text and "tim-cek-fakta" in text


def test_the_period_is_event_time_and_an_empty_period_says_so():
    events = _events()
    later = digest(events, since="2024-06-03T01:15:00Z")
    assert [x.issue_id for x in later["issues"]] == ["topic-bupatiterbaik", "topic-timnas"]
    assert later["verdicts"] == {"confirmed": 0, "false_alarm": 0, "resolved": 0}  # pdam escalated before
    empty = render(digest(events, since="2030-01-01T00:00:00Z"))
    assert "- 0 isu naik status" in empty and "## Isu" not in empty


@pytest.mark.parametrize("when", ["2024-06-03T08:15", "2024-06-03", "2024-06-03T08:15:00+0700", "2024-06-03 08:15:00Z"])
def test_a_period_without_its_offset_is_refused_not_read_as_utc(when, tmp_path, capsys):
    """Found by QA: ``--since 2026-11-29T20:20 --zone WIB`` was read as UTC, a report of 03:20 WIB the next day,
    empty, with no warning."""
    path = tmp_path / "events.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(e) for e in _events()) + b"\n")
    for option in ("--since", "--until"):
        with pytest.raises(SystemExit):
            main(["report", "--file", str(path), option, when, "--zone", "WIB"])
        assert "must be an RFC 3339 time with its offset" in capsys.readouterr().err
    assert main(["report", "--file", str(path), "--until", "2024-06-03T08:15:00+07:00", "--zone", "WIB"]) == 0
    assert "- 2 isu naik status: 1 siaga, 1 waspada" in capsys.readouterr().out  # 01:15 UTC, as above


def test_the_command_reads_a_file_of_events(tmp_path, capsys):
    path = tmp_path / "events.jsonl"
    path.write_bytes(codecs.BOM_UTF8 + b"\n".join(orjson.dumps(e) for e in _events()) + b"\nnot json\n")
    assert main(["report", "--file", str(path), "--until", "2024-06-03T01:15:00Z"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# Laporan isu Sigap: awal s.d. 2024-06-03 01:15 (waktu kejadian, UTC)")
    assert "- 2 isu naik status: 1 siaga, 1 waspada" in text
    assert main(["report", "--file", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert len(report["issues"]) == 4 and report["precision"] == 0.5


def test_a_regional_team_s_report_holds_its_province_s_issues_and_says_so(tmp_path, capsys):
    path = tmp_path / "events.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(e) for e in _events()) + b"\n")
    everything = [x.issue_id for x in digest(_events())["issues"]]
    concerned = {e["subject"] for e in _events()  # an escalation with at least 20 % of its posts from Jakarta
                 if names_province((e["data"].get("spread") or {}).get("regions"), frozenset({"ID-JK"}))}
    jakarta = [issue for issue in everything if issue in concerned]
    assert jakarta == ["topic-pdam"]  # every demo issue has a post from Jakarta; only pdam is Jakarta's

    assert main(["report", "--file", str(path), "--region", "id-jk", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [x["issue_id"] for x in report["issues"]] == jakarta
    assert report["subscription"] == {"routes": [], "regions": ["ID-JK"], "region_share": 0.2, "min_level": 2}
    pdam = next(x for x in report["issues"] if x["issue_id"] == "topic-pdam")
    assert pdam["verdict"]["verdict"] == "false_alarm" and pdam["closed_at"]  # what became of it follows it

    assert main(["report", "--file", str(path), "--route", "counter-messaging"]) == 0
    text = capsys.readouterr().out
    assert "Hanya isu yang diikuti: jalur counter-messaging." in text and "- 1 isu naik status: 1 siaga" in text
    assert "tim-cek-fakta" in text and "pdam" not in text


def test_the_report_says_how_long_each_issue_took_to_escalate_from_its_first_post():
    events = _events()
    report = digest(events)
    firsts = {}
    for event in sorted((e for e in events if e["type"] == "id.sigap.issue.escalated.v1" and "level" in e["data"]),
                        key=lambda e: e["time"]):
        firsts.setdefault(event["subject"], event)
    expected = {subject: (parse_ms(e["time"]) - parse_ms(e["data"]["first_seen"])) / 1000
                for subject, e in firsts.items()}
    assert {x.issue_id: x.detection_seconds for x in report["issues"]} == expected
    assert report["detection_seconds"] == {"median": statistics.median(expected.values()),
                                           "max": max(expected.values())}
    text = render(report)
    pdam = f"{expected['topic-pdam'] / 60:.1f} menit".replace(".", ",")
    assert any(line.startswith("| waspada |") and f"| {pdam} | Lonjakan sentimen negatif" in line
               for line in text.splitlines())
    assert "- Waktu deteksi (post pertama sampai naik status pertama): median " in text
    assert _minutes(3 * 3600 + 1800) == "3,5 jam" and _minutes(90) == "1,5 menit"


def test_a_name_with_a_pipe_or_a_newline_keeps_the_table_s_row_whole():
    events = _events() + [_lifecycle(REVIEWED_TYPE, "topic-pdam", "2024-06-03T02:30:00.000Z", verdict="confirmed",
                                     by="Humas DKI | piket\nmalam")]
    table = [line for line in render(digest(events)).splitlines() if line.startswith("| ")]
    pdam = next(line for line in table if "pdam" in line)
    assert "dikonfirmasi oleh Humas DKI \\| piket malam" in pdam
    cells = pdam.replace("\\|", "").strip("|").split("|")
    assert len(cells) == len(table[0].strip("|").split("|")) == 8


def test_an_alarm_confirmed_and_then_resolved_still_counts_as_confirmed():
    """Found by QA: the report counted only each issue's latest verdict, so the usual workflow (confirm, handle,
    resolve) turned a true alarm into none, and the precision fell towards 0 % as issues were dealt with."""
    events = _events()
    claim = next(e["subject"] for e in events if e.get("data", {}).get("route") == "counter-messaging")
    events.append(_lifecycle(REVIEWED_TYPE, claim, "2024-06-03T04:00:00.000Z", verdict="resolved", by="humas"))
    report = digest(events)
    assert report["verdicts"] == {"confirmed": 1, "false_alarm": 1, "resolved": 1}
    assert report["precision"] == 0.5 and report["unreviewed"] == 2
    (row,) = [line for line in render(report).splitlines() if line.startswith("| ") and "dikonfirmasi oleh" in line]
    assert "| dikonfirmasi oleh tim-cek-fakta, selesai oleh humas |" in row
    # a false alarm after the confirmation is the responders' last word on the alarm
    events.append(_lifecycle(REVIEWED_TYPE, claim, "2024-06-03T04:30:00.000Z", verdict="false_alarm", by="humas"))
    assert digest(events)["precision"] == 0.0


def test_a_claim_with_line_breaks_stays_one_item_of_the_claims_list():
    """Found by QA: a claim text or clarification holding a newline (`sigap claims add` takes one) started a line
    of its own, and "## ..." in it became a heading of the report."""
    events = orjson.loads(orjson.dumps(_events()))
    escalation = next(e for e in events if e["data"].get("matched_claims"))
    claim = escalation["data"]["matched_claims"][0]
    claim.update(claim="Jus pepaya\n## sembuhkan DBD", clarification="Tidak benar.\n\n## Faktanya: ...",
                 url="https://cek.example/1\n", verdict="hoax\n")
    lines = render(digest(events)).splitlines()
    assert not [line for line in lines if line.startswith("## ") and ("DBD" in line or "Faktanya" in line)]
    (item,) = [line for line in lines if "Jus pepaya" in line]
    assert item == ("- \u201cJus pepaya ## sembuhkan DBD\u201d (hoax): Tidak benar. ## Faktanya: ... "
                    "(https://cek.example/1)")


def _broken_variants() -> list[dict]:
    """One field of a real escalation or verdict changed to a type Sigap never writes (found by fuzzing: each made
    `sigap report --file` print a traceback)."""
    events = _events()
    escalation = next(e for e in events if e["data"].get("matched_claims"))
    reviewed = next(e for e in events if e["type"] == REVIEWED_TYPE)

    def changed(event: dict, path: tuple, value) -> dict:
        copy = orjson.loads(orjson.dumps(event))
        target = copy
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        if path != ("id",):
            copy["id"] = f"{copy['id']}-{'.'.join(path)}"
        return copy

    return [changed(escalation, ("id",), [1]), changed(escalation, ("subject",), {}),
            changed(escalation, ("data", "route"), [1]), changed(escalation, ("data", "matched_claims"), ["x"]),
            changed(escalation, ("data", "spread"), [1]), changed(escalation, ("data", "spread", "regions"),
                                                                   {"XX-YY": 5}),
            changed(escalation, ("data", "spread", "regions"), {"ID-JK": "x"}),
            changed(reviewed, ("data", "verdict"), ["x"])]


def test_events_of_another_shape_are_passed_over_and_counted_not_a_traceback(tmp_path, capsys):
    from streams.cli.tail import summarize
    from streams.escalation.shape import well_formed

    broken = _broken_variants()
    assert not any(well_formed(event) for event in broken) and all(well_formed(event) for event in _events())
    path = tmp_path / "events.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(e) for e in _events() + broken))
    assert main(["report", "--file", str(path), "--region", "ID-JK", "--route", "public-relations"]) == 0
    assert main(["report", "--file", str(path)]) == 0
    captured = capsys.readouterr()
    assert f"{len(broken)} of {len(_events()) + len(broken)} records passed over" in captured.err
    assert "- 4 isu naik status" in captured.out  # the same report as without them
    for event in broken:
        summarize(event, "WIB")  # `sigap tail --summary` shows them as they are
    far = dict(_events()[0], time="9999-12-31T23:59:59-23:59")
    assert summarize(far, "WIT").startswith("9999-12-31T23:59:59-23:59")  # a time no zone can show: as written


def _escalation(subject: str, time: str, level: int, title: str, severity: str | None = None) -> dict:
    """An escalation of ``subject`` at ``time``, its first post at midnight (one id per time, as re-escalations
    of a new incarnation have)."""
    event = escalation(subject, level, "monitoring", {}) | {"id": f"{subject}-{time}", "time": time}
    event["data"] |= {"title": title, "first_seen": "2024-06-03T00:00:00.000Z"}
    if severity is not None:
        event["data"]["severity"] = severity
    return event


def test_an_issue_s_peak_is_its_highest_level_and_the_latest_escalation_at_it():
    events = [_escalation("topic-pln", "2024-06-03T01:00:00.000Z", 2, "pln waspada"),
              _escalation("topic-pln", "2024-06-03T01:10:00.000Z", 3, "pln siaga, first"),
              _escalation("topic-pln", "2024-06-03T03:00:00.000Z", 3, "pln siaga, again"),  # a new incarnation
              _escalation("topic-pln", "2024-06-03T04:00:00.000Z", 2, "pln waspada, later")]
    (line,) = digest(events)["issues"]
    assert (line.peak["title"], line.first_time) == ("pln siaga, again", "2024-06-03T01:00:00.000Z")
    assert line.detection_seconds == 3600  # from the first post to the first escalation in the period


def test_the_period_holds_its_start_and_not_its_end():
    events = [_escalation("topic-a", "2024-06-03T01:00:00.000Z", 2, "a"),
              _escalation("topic-b", "2024-06-03T02:00:00.000Z", 2, "b")]
    report = digest(events, since="2024-06-03T01:00:00Z", until="2024-06-03T02:00:00Z")
    assert [x.issue_id for x in report["issues"]] == ["topic-a"]
    assert [x.issue_id for x in digest(events, since="2024-06-03T02:00:00Z")["issues"]] == ["topic-b"]


def test_precision_counts_only_confirmed_and_false_alarms_and_odd_severities_are_left_out():
    events = [_escalation(f"topic-{n}", "2024-06-03T01:00:00.000Z", 2, str(n)) for n in range(4)] + [
        _lifecycle(REVIEWED_TYPE, "topic-0", "2024-06-03T02:00:00.000Z", verdict="confirmed", by="humas"),
        _lifecycle(REVIEWED_TYPE, "topic-1", "2024-06-03T02:00:00.000Z", verdict="false_alarm", by="humas"),
        _lifecycle(REVIEWED_TYPE, "topic-2", "2024-06-03T02:00:00.000Z", verdict="resolved", by="humas"),
        _escalation("topic-odd", "2024-06-03T01:00:00.000Z", 3, "odd", severity="tinggi"),
    ]
    report = digest(events)
    assert report["precision"] == 0.5 and report["unreviewed"] == 1
    assert "topic-odd" not in {x.issue_id for x in report["issues"]}
