"""`sigap issues` lines and `sigap feedback` refusing what the worker would dead-letter (no broker needed)."""

from __future__ import annotations

import pytest

from streams.cli.issues import issue_line
from streams.cli.main import main
from streams.escalation.subscription import names_province, province_codes


def test_an_issue_line_names_level_peak_size_label_id_and_claims():
    line = issue_line({"issue_id": "claim-c1", "label": "jus daun pepaya", "severity": "siaga",
                       "max_severity": "siaga", "posts": 30, "last_seen": "2024-03-04T09:20:00Z",
                       "matched_claims": [{"claim_id": "c1", "claim": "jus daun pepaya untuk obat DBD"}]})
    assert line.startswith("SIAGA   (puncak SIAGA  )     30 post  jus daun pepaya  [claim-c1]")
    assert line.endswith("| klaim: jus daun pepaya untuk obat DBD")
    labelled_by_claim = issue_line({"issue_id": "claim-c1", "label": "jus daun pepaya untuk obat DBD",
                                    "matched_claims": [{"claim": "jus daun pepaya untuk obat DBD"}]})
    assert "klaim:" not in labelled_by_claim
    assert issue_line({"issue_id": "x", "label": "x", "posts": 1}).startswith("NORMAL  (puncak NORMAL ")


def test_feedback_with_a_bad_time_is_not_sent(capsys):
    assert main(["feedback", "claim-c1", "confirmed", "--by", "humas", "--at", "kemarin"]) == 2
    assert "not sent" in capsys.readouterr().err


def test_feedback_dated_ahead_of_the_clock_is_not_sent(capsys):
    assert main(["feedback", "claim-c1", "confirmed", "--by", "humas", "--at", "2062-01-01T08:00:00+07:00"]) == 2
    assert "not sent: created_in_future: at 2062-01-01T08:00:00+07:00" in capsys.readouterr().err


def test_feedback_verdicts_are_the_contract_s(capsys):
    assert main(["feedback", "claim-c1", "maybe", "--by", "humas"]) == 2
    assert "not sent" in capsys.readouterr().err


def test_issues_are_chosen_by_province_and_a_concentrated_one_names_it():
    issue = {"issue_id": "topic-pdam", "label": "pdam", "severity": "waspada", "max_severity": "waspada",
             "posts": 12, "spread": {"platforms": {"twitter": 12}, "regions": {"ID-JB": 10, "ID-JK": 2}}}
    regions = issue["spread"]["regions"]
    assert names_province(regions, frozenset()) and names_province(regions, province_codes(["ID-BA", "ID-JB"]))
    assert not names_province(regions, province_codes(["id-jk"]))  # 2 of 12 posts: below the default 20 %
    assert names_province(regions, province_codes(["id-jk"]), min_share=0)
    assert not names_province(regions, province_codes(["ID-BA"]), min_share=0)
    assert not names_province(None, frozenset({"ID-JB"}))
    assert issue_line(issue).endswith("| wilayah: Jawa Barat (10 dari 12)")


def test_an_issue_line_says_who_reviewed_it_last():
    issue = {"issue_id": "topic-pdam", "label": "pdam", "severity": "waspada", "posts": 12,
             "feedback": {"confirmed": 1, "false_alarm": 1,
                          "last": {"verdict": "false_alarm", "by": "humas-pemkot", "at": "2026-11-26T09:00:00Z"}}}
    assert " | ditinjau: alarm palsu oleh humas-pemkot" in issue_line(issue)
    assert "ditinjau" not in issue_line({"issue_id": "topic-pdam", "label": "pdam", "feedback": {}})


def test_an_issue_line_gives_the_last_post_s_time_in_the_zone_asked():
    """Found by QA: `sigap tail` and `sigap report` take --zone, `sigap issues` printed UTC only."""
    issue = {"issue_id": "topic-pdam", "label": "pdam", "posts": 12, "last_seen": "2026-11-29T08:47:43.000Z"}
    assert " terakhir 2026-11-29T08:47:43.000Z" in issue_line(issue)
    assert " terakhir 2026-11-29 15:47 WIB" in issue_line(issue, "WIB")
    assert " terakhir 2026-11-29 17:47 WIT" in issue_line(issue, "WIT")
    assert " terakhir None" in issue_line({**issue, "last_seen": None}, "WIB")


def test_an_unknown_province_code_is_refused_before_the_broker_is_asked(capsys):
    with pytest.raises(SystemExit) as refused:
        main(["issues", "--region", "ID-XX"])
    assert "unknown province code(s) ID-XX" in str(refused.value.code)


def test_records_of_another_shape_on_the_issues_topic_are_passed_over_and_counted(monkeypatch, capsys):
    """Like the escalations topic's readers (tests/escalation/test_digest.py): a record `sigap issues` cannot use
    is passed over and counted, never a traceback."""
    import orjson

    from streams.issues.engine import IssueEngine
    from streams.policy import load_policy
    from tests.issues.helpers import JsonStore
    from tests.issues.test_engine import hoax_burst

    engine = IssueEngine(load_policy(), JsonStore(), JsonStore())
    engine.process(hoax_burst())
    engine.flush(final=True)
    real = [engine.issue(issue_id) for issue_id in engine.store]
    assert real and all(issue["max_level"] >= 2 for issue in real)
    broken = [b"not json", b"[1]", orjson.dumps({"issue_id": ["x"]}),
              orjson.dumps({**real[0], "spread": {"regions": {"XX-YY": 3}}}),
              orjson.dumps({**real[0], "max_level": "tinggi"}),
              orjson.dumps({**real[0], "matched_claims": ["x"]}),
              orjson.dumps({**real[0], "feedback": {"last": "kemarin"}})]
    values = {str(n): value for n, value in enumerate([orjson.dumps(issue) for issue in real] + broken)}
    monkeypatch.setattr("streams.cli.snapshot.read_compacted", lambda topic, settings: values)
    assert main(["issues"]) == 0
    captured = capsys.readouterr()
    assert f"{len(broken)} of {len(values)} records passed over" in captured.err
    assert captured.out.count("[claim-") == len(real)


def test_feedback_for_an_issue_the_issues_topic_does_not_hold_is_sent_with_a_note(monkeypatch, capsys):
    """Found by QA: `sigap feedback topic-krll confirmed` (a typo) said "published" and nothing else; such a verdict
    is dropped after an hour."""
    sent = []
    monkeypatch.setattr("streams.cli.clients.producer", lambda settings, **config: object())
    monkeypatch.setattr("streams.cli.produce.deliver", lambda producer, sends: sent.extend(sends) or [])
    monkeypatch.setattr("streams.cli.snapshot.read_compacted",
                        lambda topic, settings: {"topic-krl": b"{}"} if topic.endswith("issues") else {})
    assert main(["feedback", "topic-krll", "confirmed", "--by", "humas"]) == 0
    err = capsys.readouterr().err
    assert "note: the issues topic holds no issue topic-krll" in err and len(sent) == 1
    assert main(["feedback", "topic-krl", "confirmed", "--by", "humas"]) == 0
    assert "note:" not in capsys.readouterr().err and len(sent) == 2
