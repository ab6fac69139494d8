"""Known claims change under a running worker: `sigap claims load` adds one, `sigap claims delete` retracts it,
`sigap claims add` publishes one from the command line, `sigap claims list` shows what the topic holds; the worker's matching follows without a restart (real broker)."""

from __future__ import annotations

import orjson

from tests.support.cli import sigap
from tests.support.kafka import produce, produce_posts, read_until, values
from tests.support.posts import make_posts
from tests.support.worker import WorkerProcess

CLAIM = {"id": "cek-kelor-01", "claim": "Rebusan daun kelor menyembuhkan diabetes dalam tiga hari",
         "verdict": "hoax", "source": "uji integrasi"}
TEXT = "katanya rebusan daun kelor bisa menyembuhkan diabetes dalam tiga hari, benar gak sih?"


def scored_post(settings, post_id: str) -> dict:
    records = read_until(settings, "posts.scored", lambda rs: any(r.key == post_id.encode() for r in rs), 60)
    (post,) = [p for p in values(records) if p["id"] == post_id]
    return post


def test_claims_loaded_and_retracted_live(sigap_env, tmp_path):
    settings, env = sigap_env
    claims_file = tmp_path / "claims.jsonl"
    claims_file.write_bytes(orjson.dumps(CLAIM) + b"\n")
    first, second, third = make_posts(3, seed=5, prefix="kelor")
    with WorkerProcess(env, tmp_path / "worker.log") as worker:
        worker.wait_ready()
        assert sigap(env, "claims", "load", str(claims_file)).returncode == 0
        worker.metrics_when(r"^sigap_claims_known 1\.0$", timeout=30)
        produce(settings, "claims", [(b"rusak", b"{bukan json")])  # not a claim: ignored, and said so
        listed = sigap(env, "claims", "list", "--json")
        assert [orjson.loads(line) for line in listed.stdout.splitlines()] == [CLAIM]
        assert "1 records are not valid claims" in listed.stderr and "rusak (invalid_json)" in listed.stderr

        produce_posts(settings, [first | {"text": TEXT}])
        match = scored_post(settings, first["id"])["scores"]["claim_match"]
        assert match is not None and match["claim_id"] == CLAIM["id"]

        wrong = sigap(env, "claims", "delete", "tidak-ada")
        assert wrong.returncode == 1 and "no such claim: tidak-ada" in wrong.stderr
        assert sigap(env, "claims", "delete", CLAIM["id"]).returncode == 0
        worker.metrics_when(r"^sigap_claims_known 0\.0$", timeout=30)
        assert sigap(env, "claims", "list").stdout == ""

        produce_posts(settings, [second | {"text": TEXT}])
        assert scored_post(settings, second["id"])["scores"]["claim_match"] is None

        # a fact-checker adds the claim back from the command line, with its clarification
        added = sigap(env, "claims", "add", "rebusan daun kelor  menyembuhkan diabetes dalam tiga hari",
                      "--verdict", "hoax", "--clarification", "Belum ada bukti klinis; konsultasikan ke dokter.")
        assert added.returncode == 0, added.stderr
        claim_id = added.stdout.split()[2]
        worker.metrics_when(r"^sigap_claims_known 1\.0$", timeout=30)
        produce_posts(settings, [third | {"text": TEXT}])
        match = scored_post(settings, third["id"])["scores"]["claim_match"]
        assert match is not None and match["claim_id"] == claim_id and match["verdict"] == "hoax"
        again = sigap(env, "claims", "add", "Rebusan daun kelor menyembuhkan diabetes dalam tiga hari", "--verdict", "hoax")
        assert again.stdout.split()[2] == claim_id  # the same text again updates the same claim
