"""`sigap tail --summary`: one readable line per escalation, scored post or dead letter."""

import time

import orjson
import pytest

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


def test_a_record_without_a_summary_of_its_own_is_printed_as_json():
    """Found by QA: an issue record or a verdict came out as a Python dict (single quotes, None)."""
    import orjson

    verdict = {"issue_id": "topic-krl", "verdict": "false_alarm", "by": "Budi", "note": None}
    assert orjson.loads(summarize(verdict)) == verdict


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
                                   "(alarm palsu oleh humas-pemkot: sudah diklarifikasi)")
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

        def partitions_for_topic(self, topic):
            return {0}

        def subscribe(self, topics):
            pass

        def poll(self, timeout_ms):
            return self.batches.pop(0) if self.batches else {}

        def close(self):
            pass

    monkeypatch.setattr(clients, "consumer", lambda *args, **kwargs: Consumer())
    assert main(["tail", "posts.dlq", "--summary", "--timeout", "0"]) == 0
    assert capsys.readouterr().out.splitlines() == ["[1, 2]", "{broken", "t DLQ invalid_json: d"]


@pytest.mark.kafka
@pytest.mark.parametrize("name", ["escalations", "nosuchtopic"])
def test_a_missing_topic_is_refused_and_not_created(fresh_sigap_env, name):
    """`sigap tail` on a prefix without topics used to have the broker create the topic (1 partition, the broker's
    retention, which `sigap topics create` then warned about), and a mistyped name became a new topic waited on
    forever; it is refused like `sigap issues` refuses a missing topic, and nothing is created."""
    from streams.cli.main import main
    from streams.kafka_local import list_topics

    prefix = fresh_sigap_env.prefix
    topic = f"{prefix}{name}"  # a full name that is no Sigap topic is under the prefix too, so the fixture deletes it
    with pytest.raises(SystemExit) as refused:
        main(["tail", "escalations" if name == "escalations" else topic, "--timeout", "1"])
    assert str(refused.value.code) == f"topic {topic} not found; run `sigap topics create`"
    time.sleep(1)  # the broker's auto-creation is not instant
    assert list_topics(fresh_sigap_env.settings.bootstrap_servers, prefix=prefix) == []


@pytest.mark.kafka
def test_an_existing_topic_is_tailed(sigap_env):
    """The check before subscribing leaves tailing as it was: every partition of the topic is followed."""
    from tests.support.cli import sigap
    from tests.support.kafka import produce

    settings, env = sigap_env
    letters = [{"error": "invalid_json", "detail": str(n), "original": "{", "received_at": "t"} for n in range(6)]
    produce(settings, "posts.dlq", [(f"k{n}".encode(), orjson.dumps(letter)) for n, letter in enumerate(letters)])
    result = sigap(env, "tail", "posts.dlq", "--from-beginning", "--max", "6", "--timeout", "30")
    assert result.returncode == 0, result.stderr
    assert sorted(orjson.loads(line)["detail"] for line in result.stdout.splitlines()) == [str(n) for n in range(6)]
