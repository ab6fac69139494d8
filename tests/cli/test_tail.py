"""`sigap tail --summary`: one readable line per escalation, scored post or dead letter."""

import orjson

from streams.cli.tail import summarize


def scored(cues: list[str]) -> dict:
    return {"id": "p1", "created_at": "2024-06-03T01:00:00Z", "text": "Vaksin mengandung chip, sebarkan!",
            "scores": {"hoax": {"probability": 0.91, "label": "hoax", "model": "m", "cues": cues},
                       "sentiment": {"label": "negative"}, "claim_match": None, "issue_id": "topic-vaksin"}}


def test_a_scored_post_line_names_its_hoax_cues():
    line = summarize(scored(["spread_call", "conspiracy"]))
    assert "hoax=0.91" in line and "isu=topic-vaksin" in line
    assert "ciri=spread_call,conspiracy" in line and line.endswith("| Vaksin mengandung chip, sebarkan!")
    assert "ciri=" not in summarize(scored([]))
    assert "bahasa=" not in line


def test_a_post_in_another_language_says_so():
    post = scored([])
    post["scores"]["language"] = {"code": "en", "probability": 0.98}
    assert " bahasa=en | " in summarize(post)


def test_a_dead_letter_line_names_its_reason():
    line = summarize({"error": "invalid_json", "detail": "line 1", "original": "{", "received_at": "t"})
    assert line == "t DLQ invalid_json: line 1"


def test_an_escalation_line_names_the_province_most_of_its_posts_come_from():
    event = {"time": "2026-11-26T08:00:00Z", "data": {
        "severity": "waspada", "route": "public-relations", "title": "Lonjakan sentimen negatif: “pdam”",
        "reasons": [{"signal": "negativity", "value": 1.0}], "matched_claims": [],
        "spread": {"platforms": {"twitter": 12}, "regions": {"ID-JB": 9, "ID-JK": 2, "other": 1}}}}
    assert summarize(event).endswith("(negativity=1.0) | wilayah: Jawa Barat (9 dari 12)")
    event["data"]["spread"]["regions"] = {"ID-JB": 4, "ID-JK": 4, "ID-BA": 4}
    assert "wilayah" not in summarize(event)  # spread out: no province to name
    del event["data"]["spread"]  # an event from before the spread existed
    assert summarize(event).endswith("(negativity=1.0)")


def test_lifecycle_lines_say_who_reviewed_an_issue_and_when_it_closed():
    base = {"issue_id": "topic-pdam", "label": "pdam", "status": "false_alarm", "max_level": 2,
            "max_severity": "waspada", "escalation_ids": ["e1"]}
    reviewed = {"type": "id.sigap.issue.reviewed.v1", "time": "2026-11-26T09:00:00.000Z",
                "data": base | {"verdict": "false_alarm", "by": "humas-pemkot", "note": "sudah diklarifikasi"}}
    assert summarize(reviewed) == ("2026-11-26T09:00:00.000Z ✔ DITINJAU pdam [topic-pdam] "
                                   "(false_alarm oleh humas-pemkot: sudah diklarifikasi)")
    closed = {"type": "id.sigap.issue.closed.v1", "time": "2026-11-26T12:00:00.000Z",
              "data": base | {"reason": "idle", "idle_minutes": 180, "posts": 40}}
    assert summarize(closed) == ("2026-11-26T12:00:00.000Z ■ DITUTUP pdam [topic-pdam] "
                                 "(tidak ada post baru selama 180 menit; 40 post)")
    assert summarize(closed, "WIB").startswith("2026-11-26 19:00 WIB ■ DITUTUP pdam")  # UTC+7
    assert summarize(closed, "WIT").startswith("2026-11-26 21:00 WIT ■ DITUTUP pdam")  # UTC+9
    assert summarize(dict(closed, time="kemarin"), "WIB").startswith("kemarin ■ DITUTUP")  # not a time: as written


def test_a_summary_prints_what_is_not_a_json_object_as_it_is(monkeypatch, capsys):
    """A record whose value is JSON but no object (a list, a number) used to end `tail --summary` with an
    AttributeError; it is printed as it is, like broken JSON."""
    from types import SimpleNamespace

    from streams.cli import clients
    from streams.cli.main import main

    records = [SimpleNamespace(key=b"k", value=value) for value in
               (b"[1, 2]", b"{broken", orjson.dumps({"error": "invalid_json", "detail": "d", "original": "{",
                                                     "received_at": "t"}))]

    class Consumer:
        batches = [{"tp": records}]

        def poll(self, timeout_ms):
            return self.batches.pop(0) if self.batches else {}

        def close(self):
            pass

    monkeypatch.setattr(clients, "consumer", lambda *args, **kwargs: Consumer())
    assert main(["tail", "posts.dlq", "--summary", "--timeout", "0"]) == 0
    assert capsys.readouterr().out.splitlines() == ["[1, 2]", "{broken", "t DLQ invalid_json: d"]
