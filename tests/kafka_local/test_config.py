"""The local broker's configuration: pure functions, no broker needed."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from streams.kafka_local.config import (
    DEFAULT_POM,
    LocalKafkaConfig,
    new_cluster_id,
    pom_property,
    render_server_properties,
)
from streams.settings import Settings


def test_defaults_match_the_contract(monkeypatch, tmp_path):
    for name in ("SIGAP_KAFKA_HOST", "SIGAP_KAFKA_PORT", "SIGAP_KAFKA_CONTROLLER_PORT", "SIGAP_KAFKA_POM"):
        monkeypatch.delenv(name, raising=False)
    config = LocalKafkaConfig.from_settings(Settings(data_dir=tmp_path))
    assert config.bootstrap == "127.0.0.1:9092"
    assert config.controller_port == 9093
    assert config.home == tmp_path.resolve() / "kafka"
    assert config.pom == DEFAULT_POM


def test_ports_can_be_overridden(monkeypatch, tmp_path):
    monkeypatch.setenv("SIGAP_KAFKA_PORT", "19092")
    monkeypatch.setenv("SIGAP_KAFKA_CONTROLLER_PORT", "19093")
    config = LocalKafkaConfig.from_settings(Settings(data_dir=tmp_path))
    properties = render_server_properties(config)
    assert "listeners=PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093" in properties
    assert "controller.quorum.voters=1@127.0.0.1:19093" in properties
    assert f"log.dirs={tmp_path.resolve() / 'kafka' / 'data'}" in properties


def test_kafka_version_comes_from_the_pom():
    assert pom_property(DEFAULT_POM, "kafka.version").startswith("4.")


def test_cluster_ids_are_kafka_uuids():
    ids = {new_cluster_id() for _ in range(200)}
    assert len(ids) == 200
    for cluster_id in ids:
        assert len(cluster_id) == 22 and not cluster_id.startswith("-")
        assert len(base64.urlsafe_b64decode(cluster_id + "==")) == 16


def test_default_pom_is_in_the_repo():
    assert Path(DEFAULT_POM).is_file()


def _properties(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line and not line.startswith("#"))


def test_secured_listeners_are_added_only_when_asked_for(tmp_path):
    plain = render_server_properties(LocalKafkaConfig("127.0.0.1", 9092, 9093, tmp_path))
    assert "SASL" not in plain and "ssl." not in plain
    sasl = _properties(render_server_properties(LocalKafkaConfig(
        "127.0.0.1", 9092, 9093, tmp_path, secured_listeners=(("SASL_PLAINTEXT", 9094),),
        sasl_users=(("sigap", "rahasia"),))))
    assert sasl["listeners"] == "PLAINTEXT://127.0.0.1:9092,SASL_PLAINTEXT://127.0.0.1:9094,CONTROLLER://127.0.0.1:9093"
    assert sasl["inter.broker.listener.name"] == "PLAINTEXT" and sasl["sasl.enabled.mechanisms"] == "PLAIN"
    assert 'user_sigap="rahasia"' in sasl["listener.name.sasl_plaintext.plain.sasl.jaas.config"]
    assert not any(key.startswith("ssl.") for key in sasl)


def test_tls_listeners_serve_the_keystore_and_sasl_over_tls_gets_its_own_login(tmp_path):
    keystore = tmp_path / "broker.p12"
    config = LocalKafkaConfig("127.0.0.1", 9092, 9093, tmp_path, secured_listeners=(("SSL", 9095), ("SASL_SSL", 9096)),
                              sasl_users=(("sigap", "rahasia"),), tls_keystore=keystore, tls_keystore_password="pw")
    lines = _properties(render_server_properties(config))
    assert lines["advertised.listeners"] == "PLAINTEXT://127.0.0.1:9092,SSL://127.0.0.1:9095,SASL_SSL://127.0.0.1:9096"
    assert lines["listener.security.protocol.map"].split(",")[2:] == ["SSL:SSL", "SASL_SSL:SASL_SSL"]
    assert (lines["ssl.keystore.location"], lines["ssl.keystore.password"]) == (str(keystore), "pw")
    assert 'user_sigap="rahasia"' in lines["listener.name.sasl_ssl.plain.sasl.jaas.config"]
    assert "listener.name.ssl.plain.sasl.jaas.config" not in lines
    assert config.listener_port("SASL_SSL") == 9096


def test_a_tls_listener_without_a_keystore_or_an_unknown_protocol_is_refused(tmp_path):
    with pytest.raises(ValueError, match="tls_keystore"):
        LocalKafkaConfig("127.0.0.1", 9092, 9093, tmp_path, secured_listeners=(("SSL", 9095),))
    with pytest.raises(ValueError, match="SASL_TLS"):
        LocalKafkaConfig("127.0.0.1", 9092, 9093, tmp_path, secured_listeners=(("SASL_TLS", 9095),))
