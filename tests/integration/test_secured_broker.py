"""Against a real broker that requires SASL, TLS or both: the worker (Faust and its claims follower) and every
command line tool connect with the same SIGAP_BROKER_* security settings, and a wrong password or a broker
certificate signed by another authority is refused."""

from __future__ import annotations

import orjson
import pytest

from streams.kafka_local import start_broker, stop_broker
from tests.kafka_local.support import throwaway_config
from tests.support.cli import sigap
from tests.support.posts import make_posts
from tests.support.tls import make_broker_certificates
from tests.support.worker import WorkerProcess

pytestmark = pytest.mark.kafka

CLAIM = {"id": "cek-kelor-01", "claim": "Rebusan daun kelor menyembuhkan diabetes dalam tiga hari", "verdict": "hoax"}
USER, PASSWORD = "sigap", "rahasia-sigap"


@pytest.fixture(scope="module")
def secured_broker(kafka_broker, tmp_path_factory):
    home = tmp_path_factory.mktemp("secured")
    certificates = make_broker_certificates(home / "tls")
    config = throwaway_config(home / "kafka", secured=("SASL_PLAINTEXT", "SSL", "SASL_SSL"),
                              sasl_users=((USER, PASSWORD),), certificates=certificates)
    start_broker(config, timeout=120)
    try:
        yield config, certificates
    finally:
        stop_broker(config)


@pytest.fixture(scope="module")
def another_authority(tmp_path_factory):
    """A CA that did not sign the broker's certificate."""
    return make_broker_certificates(tmp_path_factory.mktemp("other-ca"), ca_name="Not the broker's CA").ca_file


@pytest.mark.parametrize("protocol", ["SASL_PLAINTEXT", "SSL", "SASL_SSL"])
def test_the_worker_and_the_tools_connect_and_wrong_credentials_are_refused(protocol, secured_broker,
                                                                          another_authority, tmp_path):
    config, certificates = secured_broker
    name = protocol.lower().replace("_", "-")
    env = {"SIGAP_BROKER": f"kafka://127.0.0.1:{config.listener_port(protocol)}", "SIGAP_TOPIC_PREFIX": f"t-{name}.",
           "SIGAP_APP_ID": f"sigap-{name}", "SIGAP_DATA_DIR": str(tmp_path / "data"),
           "SIGAP_SESSION_TIMEOUT_SECONDS": "10"}
    if protocol.startswith("SASL_"):
        env |= {"SIGAP_BROKER_USERNAME": USER, "SIGAP_BROKER_PASSWORD": PASSWORD}
    if protocol.endswith("SSL"):
        env |= {"SIGAP_BROKER_TLS": "true", "SIGAP_BROKER_CA_FILE": str(certificates.ca_file)}
        untrusted = sigap(env | {"SIGAP_BROKER_CA_FILE": str(another_authority)}, "topics", "create", "--timeout", "8")
        assert untrusted.returncode != 0 and "TLS certificate is not trusted" in untrusted.stderr
    if protocol.startswith("SASL_"):
        refused = sigap(env | {"SIGAP_BROKER_PASSWORD": "salah"}, "topics", "create", "--timeout", "8")
        assert refused.returncode != 0 and "the broker refused the credentials" in refused.stderr

    assert sigap(env, "topics", "create").returncode == 0
    claims, posts_file = tmp_path / "claims.jsonl", tmp_path / "posts.jsonl"
    claims.write_bytes(orjson.dumps(CLAIM) + b"\n")
    assert sigap(env, "claims", "load", str(claims)).returncode == 0
    posts = make_posts(20, seed=11, prefix=name)
    posts[0]["text"] = "katanya rebusan daun kelor bisa menyembuhkan diabetes dalam tiga hari, benar gak sih?"
    posts_file.write_bytes(b"".join(orjson.dumps(p) + b"\n" for p in posts) + b"{rusak\n")
    with WorkerProcess(env, tmp_path / "worker.log") as worker:
        worker.wait_ready()  # Faust's consumer and producer, and the claims follower, all secured
        worker.metrics_when(r"^sigap_claims_known 1\.0$", timeout=30)
        assert sigap(env, "replay", str(posts_file)).returncode == 0
        tail = sigap(env, "tail", "posts.scored", "--from-beginning", "--max", "20", "--timeout", "60")
        dead = sigap(env, "dlq", "list")
    scored = {p["id"]: p for p in map(orjson.loads, tail.stdout.splitlines())}
    assert set(scored) == {p["id"] for p in posts}
    assert scored[posts[0]["id"]]["scores"]["claim_match"]["claim_id"] == CLAIM["id"]
    assert dead.returncode == 0 and "1 of 1 dead-letter records: invalid_json 1" in dead.stderr
    assert sigap(env, "claims", "list").stdout.startswith(CLAIM["id"])


def test_a_reading_command_refused_by_the_broker_ends_with_the_cause_not_a_traceback(secured_broker, tmp_path):
    config, _ = secured_broker
    env = {"SIGAP_BROKER": f"kafka://127.0.0.1:{config.listener_port('SASL_PLAINTEXT')}",
           "SIGAP_BROKER_USERNAME": USER, "SIGAP_BROKER_PASSWORD": "salah", "SIGAP_DATA_DIR": str(tmp_path)}
    listed = sigap(env, "claims", "list")
    assert listed.returncode == 1 and "Traceback" not in listed.stderr
    (line,) = listed.stderr.splitlines()  # one line, not every attempt, and not after kafka-python's 30 s
    assert "could not reach the Kafka broker" in line and "the broker refused the credentials" in line
    assert "Invalid username or password" in line
