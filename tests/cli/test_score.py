"""`sigap score`: one output line per input line, same order, on the agents' code path."""

import codecs
import subprocess
import sys

import orjson

from tests.support.posts import make_posts


def test_score_keeps_order_and_turns_bad_lines_into_dead_letters(tmp_path):
    posts = make_posts(5, seed=9)
    posts[3]["text"] = "Minum air kelapa hijau bisa menyembuhkan COVID-19, sebarkan sebelum dihapus!"
    posts[1]["created_at"] = "2062-01-01T00:00:00Z"  # a file has no "now": only a worker refuses the future
    lines = [orjson.dumps(p) for p in posts[:2]] + [b"{broken"] + [orjson.dumps(p) for p in posts[2:]]
    source, output, claims = tmp_path / "in.jsonl", tmp_path / "out.jsonl", tmp_path / "claims.jsonl"
    source.write_bytes(codecs.BOM_UTF8 + b"\n".join(lines) + b"\n")  # as some editors save UTF-8
    claims.write_bytes(orjson.dumps({"id": "tanpa-vonis", "claim": "Klaim tanpa vonis"}) + b"\n"  # skipped
                       + orjson.dumps({"id": "kelapa", "claim": "Air kelapa hijau menyembuhkan COVID-19",
                                       "verdict": "hoax"}) + b"\n")
    run = subprocess.run([sys.executable, "-m", "streams.cli.main", "score", "--input", str(source),
                          "--output", str(output), "--claims", str(claims)], check=True, capture_output=True, text=True)
    assert "line 1 skipped" in run.stderr and "verdict" in run.stderr  # as a worker skips it, not a crash
    out = [orjson.loads(line) for line in output.read_bytes().splitlines()]
    assert len(out) == len(lines)
    assert [o.get("id") for o in out] == [p["id"] for p in posts[:2]] + [None] + [p["id"] for p in posts[2:]]
    assert out[2]["error"] == "invalid_json" and out[2]["original"] == "{broken" and out[2]["offset"] == 2
    matched = out[4]["scores"]["claim_match"]
    assert matched is not None and matched["claim_id"] == "kelapa" and 0 < matched["similarity"] <= 1
    assert all(o["scores"]["claim_match"] is None for i, o in enumerate(out) if i not in (2, 4))


def test_dash_reads_stdin_and_writes_stdout():
    """Found by QA: `--input -` was "No such file", and `--output -` wrote a file named `-`."""
    posts = make_posts(3, seed=4)
    run = subprocess.run([sys.executable, "-m", "streams.cli.main", "score", "--input", "-", "--output", "-"],
                         input=b"".join(orjson.dumps(p) + b"\n" for p in posts), capture_output=True, check=True)
    out = [orjson.loads(line) for line in run.stdout.splitlines()]
    assert [o["id"] for o in out] == [p["id"] for p in posts] and all("scores" in o for o in out)
    assert b"scored 3 posts, 0 invalid lines -> stdout" in run.stderr
