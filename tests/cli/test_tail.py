"""`sigap tail --summary`: one readable line per escalation, scored post or dead letter."""

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
