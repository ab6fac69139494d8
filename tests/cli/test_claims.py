"""`sigap claims load` refuses a file with an invalid claim before anything is published (the topic is shared);
offline scoring reads the same file skipping that claim, as a worker would."""

from __future__ import annotations

import codecs

import orjson

from streams.cli import claims as claims_cli
from streams.cli.claims import read_claim_file
from streams.cli.main import main


def _file(tmp_path):
    path = tmp_path / "claims.jsonl"
    valid = orjson.dumps({"id": "c1", "claim": "Air kelapa menyembuhkan COVID-19", "verdict": "hoax"})
    # saved with a byte-order mark, as some editors save UTF-8; a blank line; a claim without a verdict
    path.write_bytes(codecs.BOM_UTF8 + valid + b"\n\n" + orjson.dumps({"id": "c2", "claim": "Tanpa vonis"}) + b"\n")
    return path


def test_load_refuses_the_whole_file_and_names_the_problem(tmp_path, capsys):
    assert main(["claims", "load", str(_file(tmp_path))]) == 2  # no broker is needed to refuse it
    assert "verdict" in capsys.readouterr().err


def test_offline_reading_skips_the_invalid_claim_and_names_its_line(tmp_path, capsys):
    claims = read_claim_file(_file(tmp_path), skip_invalid=True)
    assert [c["id"] for c in claims] == ["c1"]
    assert "line 3 skipped" in capsys.readouterr().err


def test_add_refuses_a_blank_verdict_before_anything_is_published(capsys, monkeypatch):
    def publish(claims):
        raise AssertionError(f"published {claims}")

    monkeypatch.setattr(claims_cli, "_publish", publish)
    assert main(["claims", "add", "Vaksin mengandung chip pelacak", "--verdict", " "]) == 2
    assert "not published" in capsys.readouterr().err


CLAIM = {"id": "c1", "claim": "Air kelapa menyembuhkan COVID-19", "verdict": "hoax"}
REVIEW = {"@type": "ClaimReview", "claimReviewed": "Daun pepaya menyembuhkan DBD", "url": "https://cek.example/1",
          "reviewRating": {"@type": "Rating", "alternateName": "Salah"}}


def _read(tmp_path, content: bytes, **kwargs) -> list[str]:
    path = tmp_path / "claims"
    path.write_bytes(content)
    return [claim["claim"] for claim in read_claim_file(path, **kwargs)]


def test_every_shape_of_claims_file_is_read_or_refused_in_one_line(tmp_path, capsys):
    """Found by fuzzing: a file that started with `[` or mentioned "claimReviewed" was parsed as one ClaimReview
    document, unguarded (a traceback on broken JSON, on ClaimReview as JSON lines, or on deep nesting), and a JSON
    array of claims, or a one-claim file whose text mentioned "claimReviewed", loaded nothing without a word."""
    import pytest

    from streams.records.errors import InvalidInput

    mentions = {**CLAIM, "claim": "Pesan berantai menyebut claimReviewed palsu"}
    assert _read(tmp_path, orjson.dumps(mentions)) == [mentions["claim"]]
    assert _read(tmp_path, orjson.dumps([CLAIM, mentions])) == [CLAIM["claim"], mentions["claim"]]
    assert _read(tmp_path, orjson.dumps([REVIEW])) == [REVIEW["claimReviewed"]]
    # ClaimReviews as JSON lines, and contract claims beside ClaimReviews (the claims were dropped without a word)
    assert _read(tmp_path, orjson.dumps(REVIEW) + b"\n" + orjson.dumps(REVIEW)) == [REVIEW["claimReviewed"]] * 2
    assert _read(tmp_path, orjson.dumps([CLAIM, REVIEW])) == [REVIEW["claimReviewed"], CLAIM["claim"]]
    assert _read(tmp_path, orjson.dumps(REVIEW) + b"\n" + orjson.dumps(CLAIM)) == [REVIEW["claimReviewed"],
                                                                                   CLAIM["claim"]]
    organization = {"@type": "Organization", "name": "Cek Fakta"}  # another schema.org node is not a claim
    assert _read(tmp_path, orjson.dumps([organization, REVIEW])) == [REVIEW["claimReviewed"]]
    assert _read(tmp_path, orjson.dumps([REVIEW, {"claim": "tanpa id"}]), skip_invalid=True) == [
        REVIEW["claimReviewed"]]
    assert "claim 2 skipped: missing_field" in capsys.readouterr().err
    with pytest.raises(InvalidInput, match="line 2: "):
        _read(tmp_path, orjson.dumps(REVIEW) + b"\n{rusak")
    assert _read(tmp_path, orjson.dumps(CLAIM) + b"\n" + orjson.dumps(mentions)) == [CLAIM["claim"],
                                                                                        mentions["claim"]]
    for broken in (b'[{"claimReviewed": ', b"[" * 1000 + b"]" * 1000):
        with pytest.raises(InvalidInput):
            _read(tmp_path, broken)


def test_load_refuses_a_file_with_a_claim_too_large_for_a_record_before_anything_is_published(tmp_path, capsys):
    """Valid fields within their limits, but an extra field (kept as given) of a megabyte: the broker would refuse
    the record, and the producer used to end with a traceback after publishing the claims before it."""
    big = {"id": "c9", "claim": "Vaksin mengandung chip pelacak", "verdict": "hoax", "lampiran": "x" * 1_000_000}
    path = tmp_path / "claims.jsonl"
    path.write_bytes(orjson.dumps(CLAIM) + b"\n" + orjson.dumps(big) + b"\n")
    assert main(["claims", "load", str(path)]) == 2  # refused before any broker is asked
    err = capsys.readouterr().err
    assert "claim 2 (c9)" in err and "nothing published" in err


def test_list_prints_each_claim_on_one_line_whatever_its_text_holds(monkeypatch, capsys):
    monkeypatch.setattr(claims_cli, "read_claims", lambda: {
        "c1": {"id": "c1", "claim": "Jus pepaya\nmenyembuhkan   DBD", "verdict": "hoax\n"}})
    assert main(["claims", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == ["c1\thoax\tJus pepaya menyembuhkan DBD"]
