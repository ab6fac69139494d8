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
