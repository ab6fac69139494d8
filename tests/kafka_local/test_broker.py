"""Starting, stopping and inspecting real local brokers, and the ways a start can fail."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator

import pytest

from streams.kafka_local import (
    LocalKafkaConfig,
    LocalKafkaError,
    broker_answers,
    broker_status,
    start_broker,
    stop_broker,
)
from streams.kafka_local.jars import ensure_jars
from streams.kafka_local.java import find_java
from streams.kafka_local.process import is_alive
from streams.settings import Settings
from tests.kafka_local.support import free_port, throwaway_config


@pytest.fixture
def managed_broker(kafka_broker: list[str]) -> LocalKafkaConfig:
    """The shared broker's config, if this checkout manages it (and not some other broker on the port)."""
    config = LocalKafkaConfig.from_settings(Settings())
    if not broker_status(config).running:
        pytest.skip(f"the broker at {kafka_broker} is not managed from {config.home}")
    return config


@pytest.fixture
def held_port() -> Iterator[int]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


@pytest.mark.kafka
def test_start_is_idempotent(managed_broker):
    before = broker_status(managed_broker)
    started = time.monotonic()
    result = start_broker(managed_broker)
    assert result.already_running
    assert result.pid == before.pid
    assert time.monotonic() - started < 5


@pytest.mark.kafka
def test_status_reports_a_running_answering_broker(managed_broker):
    status = broker_status(managed_broker)
    assert status.running and status.answering
    assert status.pid == int(managed_broker.pid_file.read_text())
    assert status.bootstrap == managed_broker.bootstrap
    assert status.kafka_version == managed_broker.kafka_version
    assert "running:   yes" in status.describe()


@pytest.mark.parametrize("role", ["client", "controller"])
def test_a_taken_port_is_reported_quickly(tmp_path, held_port, role):
    ports = {"port": held_port} if role == "client" else {"controller_port": held_port}
    config = throwaway_config(tmp_path / "kafka", **ports)
    started = time.monotonic()
    with pytest.raises(LocalKafkaError) as failure:
        start_broker(config, timeout=30)
    message = str(failure.value)
    assert f"port {held_port} on 127.0.0.1 (the broker's {role} listener) is already in use" in message
    assert f"pid {os.getpid()}" in message  # names the process holding the port: this test
    assert time.monotonic() - started < 5
    assert not config.pid_file.exists()


@pytest.mark.kafka
def test_a_broker_runs_detached_and_stops_cleanly(kafka_broker, tmp_path):
    config = throwaway_config(tmp_path / "kafka")
    result = start_broker(config, timeout=60)
    try:
        assert not result.already_running
        assert os.getsid(result.pid) != os.getsid(0)  # its own session: it outlives the starting command
        assert int(config.pid_file.read_text()) == result.pid
        assert broker_answers(config.bootstrap)
        assert broker_status(config).running
    finally:
        stopped = stop_broker(config)
    assert stopped is not None and stopped.pid == result.pid and not stopped.killed
    assert not is_alive(result.pid)
    assert not config.pid_file.exists()
    assert not broker_status(config).running
    assert stop_broker(config) is None


@pytest.mark.kafka
def test_a_jvm_exiting_early_is_reported_with_its_log(kafka_broker, tmp_path):
    config = throwaway_config(tmp_path / "kafka")
    config.data_dir.mkdir(parents=True)
    (config.data_dir / "meta.properties").write_text(
        "cluster.id=abcdefghijklmnopqrstuv\nnode.id=2\nversion=1\ndirectory.id=AAAAAAAAAAAAAAAAAAAAAA\n")
    started = time.monotonic()
    with pytest.raises(LocalKafkaError) as failure:
        start_broker(config, timeout=60)
    message = str(failure.value)
    assert "exited during startup" in message
    assert "Stored node id 2 doesn't match" in message  # the broker log's own explanation
    assert time.monotonic() - started < 30
    assert not config.pid_file.exists()


def test_stop_without_a_broker_is_fine(tmp_path):
    assert stop_broker(throwaway_config(tmp_path / "kafka")) is None


def test_missing_java_is_reported(monkeypatch, tmp_path):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(LocalKafkaError, match="`java` was not found"):
        find_java()


def test_old_java_is_reported(monkeypatch, tmp_path):
    fake = tmp_path / "bin" / "java"
    fake.parent.mkdir()
    fake.write_text('#!/bin/sh\necho \'openjdk version "11.0.2" 2019-01-15\' >&2\n')
    fake.chmod(0o755)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    with pytest.raises(LocalKafkaError, match="is Java 11; Kafka needs Java 17"):
        find_java()


def test_a_failing_maven_shows_the_tail_of_its_output(monkeypatch, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "mvn").write_text('#!/bin/sh\necho "[ERROR] Could not transfer artifact: Network is unreachable"\n'
                                 "exit 1\n")
    (bin_dir / "mvn").chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    config = LocalKafkaConfig(host="127.0.0.1", port=free_port(), controller_port=free_port(),
                              home=tmp_path / "kafka")
    with pytest.raises(LocalKafkaError) as failure:
        ensure_jars(config)
    assert "Maven failed (exit code 1)" in str(failure.value)
    assert "Network is unreachable" in str(failure.value)
    assert not list(config.libs_root.iterdir())  # no half-filled cache left behind
