"""The local broker's configuration: pure functions, no broker needed."""

from __future__ import annotations

import base64
from pathlib import Path

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


def test_a_sasl_listener_is_added_only_when_asked_for(tmp_path):
    plain = render_server_properties(LocalKafkaConfig("127.0.0.1", 9092, 9093, tmp_path))
    assert "SASL" not in plain
    secured = render_server_properties(LocalKafkaConfig("127.0.0.1", 9092, 9093, tmp_path, sasl_port=9094,
                                                        sasl_users=(("sigap", "rahasia"),)))
    lines = dict(line.split("=", 1) for line in secured.splitlines() if "=" in line and not line.startswith("#"))
    assert lines["listeners"] == "PLAINTEXT://127.0.0.1:9092,SASL_PLAINTEXT://127.0.0.1:9094,CONTROLLER://127.0.0.1:9093"
    assert lines["inter.broker.listener.name"] == "PLAINTEXT" and lines["sasl.enabled.mechanisms"] == "PLAIN"
    assert 'user_sigap="rahasia"' in lines["listener.name.sasl_plaintext.plain.sasl.jaas.config"]
