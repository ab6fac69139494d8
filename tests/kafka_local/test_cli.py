"""`sigap kafka ...` and `sigap topics create` as an operator runs them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from tests.kafka_local.support import free_port


def sigap(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "streams.cli.main", *args], capture_output=True, text=True,
                          env=env, timeout=120)


@pytest.mark.kafka
def test_status_of_the_running_broker(kafka_broker):
    result = sigap("kafka", "status")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "running:   yes" in result.stdout and "answering: yes" in result.stdout


def test_status_exits_3_when_no_broker_runs(tmp_path):
    env = {**os.environ, "SIGAP_DATA_DIR": str(tmp_path), "SIGAP_KAFKA_PORT": str(free_port())}
    result = sigap("kafka", "status", env=env)
    assert result.returncode == 3
    assert "running:   no" in result.stdout


def test_start_explains_a_taken_port(tmp_path):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        env = {**os.environ, "SIGAP_DATA_DIR": str(tmp_path), "SIGAP_KAFKA_PORT": str(port),
               "SIGAP_KAFKA_CONTROLLER_PORT": str(free_port())}
        result = sigap("kafka", "start", env=env)
    assert result.returncode == 1
    assert f"port {port} on 127.0.0.1 (the broker's client listener) is already in use" in result.stderr


@pytest.mark.kafka
def test_topics_create_twice(fresh_sigap_env):
    first = sigap("topics", "create", env=fresh_sigap_env.env)
    second = sigap("topics", "create", env=fresh_sigap_env.env)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    names = (f" {fresh_sigap_env.prefix}", f" {fresh_sigap_env.settings.app_id}-")
    first_lines = [line for line in first.stdout.splitlines() if any(name in line for name in names)]
    second_lines = [line for line in second.stdout.splitlines() if any(name in line for name in names)]
    assert len(first_lines) == len(second_lines) == 11  # 8 of the contract and internal, 3 of Faust's tables
    assert all(line.startswith("created ") for line in first_lines)
    assert all(line.startswith("exists ") for line in second_lines)
    assert "0 created, 11 already existed" in second.stdout
    assert "WARNING" not in first.stdout + second.stdout
