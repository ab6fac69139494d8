"""How Sigap's clients reach the broker: one mapping from the SIGAP_BROKER_* settings to Kafka's security
options, shared by the command line tools, the claims follower and (in Faust's form) the worker."""

from __future__ import annotations

import pytest

from streams.settings import Settings

SASL = {"broker_username": "sigap", "broker_password": "rahasia"}


@pytest.mark.parametrize(("settings", "protocol"), [
    ({}, "PLAINTEXT"), ({"broker_tls": True}, "SSL"), (SASL, "SASL_PLAINTEXT"),
    (SASL | {"broker_tls": True}, "SASL_SSL"), ({"broker_username": "sigap"}, "PLAINTEXT"),  # no password: no SASL
])
def test_the_security_protocol_follows_the_settings(settings, protocol):
    options = Settings(**settings).kafka_client_options()
    assert options["security_protocol"] == protocol
    assert ("sasl_plain_password" in options) == protocol.startswith("SASL_")
    assert ("ssl_context" in options) == protocol.endswith("SSL")


def test_sasl_options_carry_the_mechanism_and_the_secret_only_where_needed():
    settings = Settings(**SASL, broker_sasl_mechanism="SCRAM-SHA-512", broker="kafka://a:9092,b:9092")
    options = settings.kafka_client_options()
    assert options["bootstrap_servers"] == ["a:9092", "b:9092"]
    assert (options["sasl_mechanism"], options["sasl_plain_username"], options["sasl_plain_password"]) == (
        "SCRAM-SHA-512", "sigap", "rahasia")
    assert "rahasia" not in repr(settings) and "rahasia" not in str(settings.model_dump())


def test_the_worker_gets_the_same_security_in_fausts_form():
    from streams.app import _broker_credentials

    assert _broker_credentials(Settings()) is None
    sasl = _broker_credentials(Settings(**SASL, broker_tls=True, broker_sasl_mechanism="SCRAM-SHA-256"))
    assert (sasl.username, sasl.password, sasl.mechanism.value, sasl.protocol.value) == (
        "sigap", "rahasia", "SCRAM-SHA-256", "SASL_SSL")
    assert _broker_credentials(Settings(broker_tls=True)).protocol.value == "SSL"


def test_the_worker_producer_lingers_as_set(tmp_path):
    from streams.app import create_app

    assert create_app(Settings(data_dir=tmp_path)).conf.producer_linger == 0.02
    assert create_app(Settings(data_dir=tmp_path, producer_linger_seconds=0.1)).conf.producer_linger == 0.1
