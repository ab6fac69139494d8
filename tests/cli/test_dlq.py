"""`sigap dlq`: choosing dead letters and showing them (no broker needed; tests/integration covers the topic)."""

from __future__ import annotations

import pytest

from streams.cli.dlq import Letter, letter_line, reason_counts, selected
from streams.cli.main import main
from streams.issues.timeutil import parse_ms


def _letter(error: str, received_at: str, offset: int = 0, original: str = "{}") -> Letter:
    record = {"error": error, "detail": "d", "topic": "sigap.posts", "partition": 1, "offset": offset,
              "received_at": received_at, "original": original}
    return Letter(b"k", record, 0, offset)


LETTERS = [
    _letter("invalid_json", "2026-11-26T08:00:00.000Z", 0),
    _letter("processing_failed", "2026-11-26T09:00:00.000Z", 1),
    _letter("invalid_json", "2026-11-26T10:00:00.000Z", 2),
]


def _select(reasons, since_ms):
    return [letter.offset for letter in LETTERS if selected(letter, reasons, since_ms)]


def test_letters_are_chosen_by_reason_and_time():
    assert _select(None, None) == [0, 1, 2]
    assert _select(["invalid_json"], None) == [0, 2]
    assert _select(["invalid_json", "processing_failed"], None) == [0, 1, 2]
    since = parse_ms("2026-11-26T09:00:00Z")
    assert _select(None, since) == [1, 2]
    assert _select(["invalid_json"], since) == [2]


def test_a_letter_line_names_reason_source_position_and_a_bounded_original():
    line = letter_line(_letter("missing_field", "2026-11-26T08:00:00.000Z", 42, original="x" * 500))
    assert line.startswith("2026-11-26T08:00:00.000Z missing_field sigap.posts[1]@42: d | ")
    assert line.endswith("…") and len(line) < 200


def test_counts_are_per_reason_most_frequent_first():
    assert reason_counts(LETTERS) == "invalid_json 2, processing_failed 1"


def test_redrive_needs_a_reason_so_nothing_is_re_sent_by_accident(capsys):
    with pytest.raises(SystemExit):
        main(["dlq", "redrive"])
    assert "--reason" in capsys.readouterr().err


@pytest.mark.parametrize("since", ["kemarin", "2026-11-29T14:12", "2026-11-29", "2026-11-29T14:12:00+0700"])
def test_a_since_time_without_its_offset_is_refused_before_the_broker_is_asked(since, capsys):
    """Found by QA: a time without an offset was taken as UTC, whatever zone the operator meant."""
    with pytest.raises(SystemExit):
        main(["dlq", "list", "--since", since])
    assert "must be an RFC 3339 time with its offset" in capsys.readouterr().err


def test_an_unknown_reason_is_refused_with_the_known_ones(capsys):
    with pytest.raises(SystemExit):
        main(["dlq", "redrive", "--reason", "created_in_futur"])
    err = capsys.readouterr().err
    assert "invalid choice: 'created_in_futur'" in err and "'created_in_future'" in err


def test_redrive_re_sends_only_to_this_deployment_s_inputs_and_its_issue_events(monkeypatch, capsys):
    import streams.cli.dlq as dlq

    from streams.settings import Settings

    monkeypatch.setenv("SIGAP_TOPIC_PREFIX", "sigap.")
    monkeypatch.setattr("streams.settings.get_settings", Settings)
    topics = ["sigap.posts", "sigap.feedback", "sigap.issues.events", "sigap.escalations", "other.posts"]
    letters = [Letter(b"k", {**LETTERS[0].record, "topic": topic, "offset": n}, 0, n) for n, topic in enumerate(topics)]
    monkeypatch.setattr(dlq, "_read_letters", lambda reasons, since: (letters, len(letters)))
    monkeypatch.setattr("streams.cli.redrive_marks.read", lambda settings, reasons: {})
    assert main(["dlq", "redrive", "--reason", "invalid_json", "--dry-run"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [f"would re-send k to {topic}" for topic in topics[:3]]
    assert err.count("skipped (not an input topic of this deployment)") == 2


def test_redrive_skips_a_dead_letter_that_holds_only_part_of_its_original(monkeypatch, capsys):
    import streams.cli.dlq as dlq

    from streams.settings import Settings

    monkeypatch.setenv("SIGAP_TOPIC_PREFIX", "sigap.")
    monkeypatch.setattr("streams.settings.get_settings", Settings)
    whole = Letter(b"a", {**LETTERS[0].record, "offset": 0}, 0, 0)
    cut = Letter(b"b", {**LETTERS[0].record, "offset": 1, "original_cut": True, "original_bytes": 2_000_000}, 0, 1)
    key_cut = Letter(b"c", {**LETTERS[0].record, "offset": 2, "key_cut": True}, 0, 2)
    monkeypatch.setattr(dlq, "_read_letters", lambda reasons, since: ([whole, cut, key_cut], 3))
    monkeypatch.setattr("streams.cli.redrive_marks.read", lambda settings, reasons: {})
    assert main(["dlq", "redrive", "--reason", "invalid_json", "--dry-run"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == ["would re-send a to sigap.posts"]
    assert err.count("skipped (the dead letter holds only the beginning of the original") == 2


def test_a_dry_run_names_a_letter_without_a_key_as_such(monkeypatch, capsys):
    import streams.cli.dlq as dlq

    from streams.settings import Settings

    monkeypatch.setenv("SIGAP_TOPIC_PREFIX", "sigap.")
    monkeypatch.setattr("streams.settings.get_settings", Settings)
    monkeypatch.setattr(dlq, "_read_letters", lambda reasons, since: ([Letter(None, LETTERS[0].record, 0, 0)], 1))
    monkeypatch.setattr("streams.cli.redrive_marks.read", lambda settings, reasons: {})
    assert main(["dlq", "redrive", "--reason", "invalid_json", "--dry-run"]) == 0
    assert capsys.readouterr().out.splitlines() == ["would re-send (no key) to sigap.posts"]


def test_a_redrive_mark_moves_past_every_letter_read_and_keeps_those_not_delivered_pending():
    """Found by QA: a mark that stopped before a letter the topic kept refusing made every later letter go again at
    every run."""
    from streams.cli.redrive_marks import Mark, advanced, already_resent

    letters = [_letter("invalid_json", "2026-11-26T08:00:00.000Z", n) for n in (3, 5, 9, 12)]
    letters.append(_letter("processing_failed", "2026-11-26T08:00:00.000Z", 7))
    marks = {("invalid_json", 0): Mark(5)}  # letter 3 was re-sent by an earlier run
    assert [letter.offset for letter in letters if already_resent(letter, marks)] == [3]
    handled = {(0, 5), (0, 12), (0, 7)}  # 9 was not delivered
    after = advanced(marks, letters, handled)
    assert after == {("invalid_json", 0): Mark(13, frozenset({9})), ("processing_failed", 0): Mark(8)}
    # the next run tries 9 again, and only 9
    assert [letter.offset for letter in letters if not already_resent(letter, after)] == [9]
    assert advanced(after, letters, {(0, 9)})[("invalid_json", 0)] == Mark(13)
    assert advanced(after, letters, set())[("invalid_json", 0)] == Mark(13, frozenset({9}))  # it fails again
    assert advanced(marks, letters[:1], set()) == marks  # nothing new: the mark stays


def test_pending_letters_are_kept_in_the_commit_metadata_and_bounded():
    from streams.cli.redrive_marks import PENDING_MAX_CHARS, Mark, _metadata, _pending, advanced

    assert _pending(_metadata(Mark(13, frozenset({9, 4})))) == {4, 9} and _pending("") == frozenset()
    letters = [_letter("invalid_json", "2026-11-26T08:00:00.000Z", 100_000 + n) for n in range(2000)]
    mark = advanced({}, letters, set())[("invalid_json", 0)]  # none delivered: too many to list
    assert len(_metadata(mark)) <= PENDING_MAX_CHARS
    assert mark.offset == 100_000 + len(mark.pending) and mark.pending == set(range(100_000, mark.offset))
