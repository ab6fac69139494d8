"""`sigap simulate`: event-time order by instant, exactly the claims of --claims, feedback validated as the worker
does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest

from streams.cli.main import main
from streams.cli.simulate import _event_time
from streams.scenarios import build_scenario
from tests.support.posts import make_posts

WIB = timezone(timedelta(hours=7))


def _write(path, records) -> None:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))


def _simulate(capsys, *args) -> tuple[int, list[dict], str]:
    code = main(["simulate", *map(str, args)])
    out, err = capsys.readouterr()
    return code, [orjson.loads(line) for line in out.splitlines() if line.strip()], err


def test_records_sort_by_instant_whatever_the_spelling_and_in_file_order_among_equal_instants():
    records = [
        {"id": "a", "created_at": "2026-11-29T08:00:05.500Z"},
        {"id": "b", "created_at": "2026-11-29T08:00:05Z"},
        {"id": "c", "created_at": "2026-11-29T15:00:00+07:00"},
        {"id": "d", "kind": "feedback", "at": "2026-11-29T08:00:00.000Z"},
        {"id": "e", "created_at": "2026-11-29T07:59:59.999Z"},
        {"id": "f", "created_at": "not a time"},
        {"id": "g"},
    ]
    # no readable time: first, in file order (as a missing time sorted before)
    assert [r["id"] for r in sorted(records, key=_event_time)] == ["f", "g", "e", "c", "d", "b", "a"]


def test_the_same_posts_escalate_the_same_whatever_offset_their_times_are_written_with(tmp_path, capsys):
    posts = build_scenario("demo", seed=0)
    mixed = [dict(p) for p in posts]
    for post in mixed[1::2]:  # every other post: the same instant in WIB
        post["created_at"] = datetime.fromisoformat(post["created_at"]).astimezone(WIB).isoformat(
            timespec="milliseconds")
    _write(tmp_path / "utc.jsonl", posts)
    _write(tmp_path / "mixed.jsonl", mixed)
    code, expected, _ = _simulate(capsys, tmp_path / "utc.jsonl", "--oracle", "--quiet")
    assert code == 0 and len(expected) >= 4
    code, events, _ = _simulate(capsys, tmp_path / "mixed.jsonl", "--oracle", "--quiet")
    assert code == 0 and events == expected


def test_a_post_with_a_kind_field_of_its_own_is_simulated_as_a_post(tmp_path, capsys):
    """Unknown fields of a post pass through, `kind` included; only a record without `created_at` is feedback."""
    posts = build_scenario("demo", seed=0)
    _write(tmp_path / "plain.jsonl", posts)
    _write(tmp_path / "kinds.jsonl", [post | {"kind": "feedback"} for post in posts])
    code, expected, _ = _simulate(capsys, tmp_path / "plain.jsonl", "--oracle", "--quiet")
    assert code == 0 and len(expected) >= 4
    code, events, err = _simulate(capsys, tmp_path / "kinds.jsonl", "--oracle", "--quiet")
    assert code == 0 and f"simulated {len(posts)} posts (0 invalid lines skipped), 0 feedback" in err
    assert [(e["subject"], e["id"], e["time"]) for e in events] == [(e["subject"], e["id"], e["time"]) for e in expected]


def test_a_raw_posts_own_scores_field_is_replaced_as_a_worker_replaces_it(tmp_path, capsys):
    """Another vendor's `scores` on raw posts made simulate take them as scored: all 662 posts in one issue of the
    vendor's, and escalations no worker raises."""
    posts = build_scenario("demo", seed=0)
    _write(tmp_path / "plain.jsonl", posts)
    _write(tmp_path / "vendor.jsonl", [post | {"scores": {"issue_id": "vendor-cluster-17"}} for post in posts])
    code, expected, _ = _simulate(capsys, tmp_path / "plain.jsonl", "--oracle", "--quiet")
    code, events, _ = _simulate(capsys, tmp_path / "vendor.jsonl", "--oracle", "--quiet")
    assert code == 0 and [e["id"] for e in events] == [e["id"] for e in expected]


def test_feedback_with_fields_of_its_own_is_applied_as_the_worker_applies_it(tmp_path, capsys):
    at = (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="seconds").replace("+00:00", "Z")
    feedback = {"kind": "feedback", "issue_id": "topic-x", "verdict": "confirmed", "by": "ops", "at": at,
                "created_at": at, "ticket": 17}  # the worker keeps the schema's fields only
    _write(tmp_path / "feedback.jsonl", [feedback])
    code, _, err = _simulate(capsys, tmp_path / "feedback.jsonl", "--oracle")
    assert code == 0 and "skipped" not in err.replace("0 invalid lines skipped", "") and "1 feedback" in err


def test_feedback_as_the_feedback_topic_holds_it_is_applied_without_a_kind(tmp_path, capsys):
    """Found by QA: the contract's feedback record (and a saved `sigap tail feedback`) has no ``kind``, and such a
    line was refused as a post without an ``id``."""
    at = (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="seconds").replace("+00:00", "Z")
    verdict = {"issue_id": "topic-x", "verdict": "confirmed", "by": "ops", "at": at}
    _write(tmp_path / "feedback.jsonl", [verdict, {"issue_id": "topic-x", "verdict": "confirmed", "by": "ops"}])
    code, _, err = _simulate(capsys, tmp_path / "feedback.jsonl", "--oracle")
    assert code == 0 and "skipped line 1" not in err and "1 feedback" in err
    assert "skipped line 2: missing_field: at" in err  # checked as feedback, not as a post


def test_invalid_feedback_is_reported_and_skipped_as_the_worker_dead_letters_it(tmp_path, capsys):
    at = (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="seconds").replace("+00:00", "Z")
    ahead = (datetime.now(UTC) + timedelta(days=1)).isoformat(timespec="seconds").replace("+00:00", "Z")
    good = {"kind": "feedback", "issue_id": "topic-x", "verdict": "confirmed", "by": "ops", "at": at}
    _write(tmp_path / "feedback.jsonl", [
        good,
        {**good, "verdict": "maybe"},
        {**good, "by": ""},
        {key: value for key, value in good.items() if key != "at"},
        {"kind": "feedback"},
        {**good, "at": ahead},
    ])
    code, _, err = _simulate(capsys, tmp_path / "feedback.jsonl", "--oracle")
    assert code == 0
    assert "skipped line 2: invalid_field: verdict" in err
    assert "skipped line 3: invalid_field: by" in err
    assert "skipped line 4: missing_field: at" in err
    assert "skipped line 5: missing_field" in err
    assert "skipped line 6: created_in_future" in err
    assert "skipped line 1" not in err
    assert "(5 invalid lines skipped), 1 feedback, 1 issues open" in err


@pytest.fixture
def raw_hoax_burst(tmp_path):
    try:
        from streams.scoring import Scorer
        from streams.settings import get_settings

        Scorer.load(get_settings().models_dir, claims=[])
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"trained models unavailable: {exc}")
    posts = build_scenario("hoax-burst", seed=0)
    for post in posts:
        del post["scenario"]  # no ground truth: the models and the known claims must do the work
    path = tmp_path / "raw.jsonl"
    _write(path, posts)
    return path


def _matched(events: list[dict]) -> set[str]:
    return {m["claim_id"] for e in events for m in e["data"]["matched_claims"]}


def test_without_claims_simulate_matches_the_shipped_starter_claims(raw_hoax_burst, capsys):
    code, events, err = _simulate(capsys, raw_hoax_burst, "--quiet")
    assert code == 0 and "no valid claims" not in err
    assert _matched(events)  # the burst's claim is among the starter claims


def test_score_then_simulate_gives_exactly_what_simulate_gives_on_the_raw_file(raw_hoax_burst, tmp_path, capsys):
    """Found by QA: `sigap score` matched no claims by default where `simulate` matches the starter claims, so
    piping one into the other lost both counter-messaging escalations of the demo; and scored lines simulated
    without --claims named their claims without clarification or source."""
    scored = tmp_path / "scored.jsonl"
    assert main(["score", "--input", str(raw_hoax_burst), "--output", str(scored)]) == 0
    capsys.readouterr()
    code, from_scored, _ = _simulate(capsys, scored, "--quiet")
    _, from_raw, _ = _simulate(capsys, raw_hoax_burst, "--quiet")
    assert code == 0 and _matched(from_raw) and from_scored == from_raw
    assert all(m["clarification"] for e in from_scored for m in e["data"]["matched_claims"])


def test_score_refuses_to_write_over_its_input(tmp_path):
    """Found by QA: `--output` the input file emptied it before it was read, and the command said it scored 0."""
    path = tmp_path / "posts.jsonl"
    _write(path, make_posts(3, seed=1))
    before = path.read_bytes()
    with pytest.raises(SystemExit, match="is the input file"):
        main(["score", "--input", str(path), "--output", str(tmp_path / "." / "posts.jsonl")])
    assert path.read_bytes() == before


@pytest.mark.parametrize("content", [b"", b'{"nope": 1}\n'], ids=["empty", "all-invalid"])
def test_claims_without_a_valid_claim_match_against_none_and_say_so(raw_hoax_burst, tmp_path, capsys, content):
    claims = tmp_path / "claims.jsonl"
    claims.write_bytes(content)
    code, events, err = _simulate(capsys, raw_hoax_burst, "--quiet", "--claims", claims)
    assert code == 0
    assert f"no valid claims in {claims}: matching against none" in err
    assert _matched(events) == set()


def test_an_already_scored_line_the_engine_cannot_use_is_named_not_counted_as_simulated(tmp_path, capsys):
    """Scored lines are used as they are, not validated as raw posts are; one the issue engine rejected used to be
    counted among the simulated posts without a word."""
    good = {"id": "s1", "platform": "twitter", "text": "Air PDAM mati lagi", "created_at": "2026-11-29T08:00:00Z",
            "author": {"id": "a1"}, "scores": {"issue_id": "topic-pdam", "processed_at": "2026-11-29T08:00:01Z",
                                               "hoax": {"probability": 0.1, "model": "hoax-1"},
                                               "sentiment": {"label": "negative", "model": "sentiment-1"}}}
    bad = {**good, "id": "s2", "created_at": "kemarin sore"}
    path = tmp_path / "scored.jsonl"
    _write(path, [good, bad])
    code, _, err = _simulate(capsys, path)
    assert code == 0
    assert "not used by the issue engine: s2: " in err and "created_at" in err
    assert "simulated 1 posts (1 invalid lines skipped)" in err
