"""Against a real broker that requires SASL: the worker (Faust and its claims follower) and every command line
tool authenticate with SIGAP_BROKER_USERNAME / SIGAP_BROKER_PASSWORD, and a wrong password is refused."""

from __future__ import annotations

import orjson
import pytest

from streams.kafka_local import start_broker, stop_broker
from tests.kafka_local.support import throwaway_config
from tests.support.cli import sigap
from tests.support.posts import make_posts
from tests.support.worker import WorkerProcess

pytestmark = pytest.mark.kafka

CLAIM = {"id": "cek-kelor-01", "claim": "Rebusan daun kelor menyembuhkan diabetes dalam tiga hari", "verdict": "hoax"}


@pytest.fixture
def secured_broker(kafka_broker, tmp_path):
    config = throwaway_config(tmp_path / "kafka", sasl_users=(("sigap", "rahasia-sigap"),))
    start_broker(config, timeout=120)
    try:
        yield config
    finally:
        stop_broker(config)


def test_the_worker_and_the_tools_authenticate_and_a_wrong_password_is_refused(secured_broker, tmp_path):
    env = {"SIGAP_BROKER": f"kafka://127.0.0.1:{secured_broker.sasl_port}", "SIGAP_BROKER_USERNAME": "sigap",
           "SIGAP_BROKER_PASSWORD": "rahasia-sigap", "SIGAP_TOPIC_PREFIX": "t-sasl.", "SIGAP_APP_ID": "sigap-sasl",
           "SIGAP_DATA_DIR": str(tmp_path / "data"), "SIGAP_SESSION_TIMEOUT_SECONDS": "10"}
    refused = sigap(env | {"SIGAP_BROKER_PASSWORD": "salah"}, "topics", "create", "--timeout", "8")
    assert refused.returncode != 0

    assert sigap(env, "topics", "create").returncode == 0
    claims, posts_file = tmp_path / "claims.jsonl", tmp_path / "posts.jsonl"
    claims.write_bytes(orjson.dumps(CLAIM) + b"\n")
    assert sigap(env, "claims", "load", str(claims)).returncode == 0
    posts = make_posts(20, seed=11, prefix="sasl")
    posts[0]["text"] = "katanya rebusan daun kelor bisa menyembuhkan diabetes dalam tiga hari, benar gak sih?"
    posts_file.write_bytes(b"".join(orjson.dumps(p) + b"\n" for p in posts) + b"{rusak\n")
    with WorkerProcess(env, tmp_path / "worker.log") as worker:
        worker.wait_ready()  # Faust's consumer and producer, and the claims follower, all over SASL
        worker.metrics_when(r"^sigap_claims_known 1\.0$", timeout=30)
        assert sigap(env, "replay", str(posts_file)).returncode == 0
        tail = sigap(env, "tail", "posts.scored", "--from-beginning", "--max", "20", "--timeout", "60")
        dead = sigap(env, "dlq", "list")
    scored = {p["id"]: p for p in map(orjson.loads, tail.stdout.splitlines())}
    assert set(scored) == {p["id"] for p in posts}
    assert scored[posts[0]["id"]]["scores"]["claim_match"]["claim_id"] == CLAIM["id"]
    assert dead.returncode == 0 and "1 of 1 dead-letter records: invalid_json 1" in dead.stderr
    assert sigap(env, "claims", "list").stdout.startswith(CLAIM["id"])
