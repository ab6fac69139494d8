"""Start, stop and inspect the local single-node Kafka broker (KRaft, combined broker and controller).

The broker is a detached JVM (its own session, so it outlives the command that started it). Every step that
can fail says why: a port taken by another process, no suitable Java, Maven failing, the JVM exiting early or
not answering in time (with the tail of its log).
"""

from __future__ import annotations

import fcntl
import logging
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from streams.kafka_local.admin import broker_answers
from streams.kafka_local.config import (
    LocalKafkaConfig,
    new_cluster_id,
    render_log4j_config,
    render_server_properties,
)
from streams.kafka_local.errors import LocalKafkaError
from streams.kafka_local.jars import ensure_jars, tail_text
from streams.kafka_local.java import find_java
from streams.kafka_local.process import (
    find_managed_broker,
    is_alive,
    port_in_use,
    port_owner,
    tail_file,
    terminate,
)

log = logging.getLogger(__name__)

JVM_HEAP = ["-Xms256m", "-Xmx1g"]
START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 30.0
FORMAT_TIMEOUT_SECONDS = 120.0

# Popen objects of brokers started by this process: holding them keeps Python from warning that a child it
# forgot about is still running (the broker is meant to outlive us).
_launched: list[subprocess.Popen[bytes]] = []


@dataclass(frozen=True)
class StartResult:
    pid: int
    already_running: bool
    seconds: float
    bootstrap: str


@dataclass(frozen=True)
class StopResult:
    pid: int
    killed: bool  # needed SIGKILL after the SIGTERM timeout


@dataclass(frozen=True)
class BrokerStatus:
    running: bool
    pid: int | None
    bootstrap: str
    home: Path
    kafka_version: str
    answering: bool
    port_holder: str | None = None  # who holds the client port when our broker is not running

    def describe(self) -> str:
        lines = [
            f"running:   {'yes' if self.running else 'no'}" + (f" (pid {self.pid})" if self.pid else ""),
            f"listener:  PLAINTEXT://{self.bootstrap}",
            f"answering: {'yes' if self.answering else 'no'}",
            f"kafka:     {self.kafka_version}",
            f"data dir:  {self.home}",
        ]
        if not self.running and self.port_holder:
            lines.append(f"note:      the port is held by another process ({self.port_holder})")
        return "\n".join(lines)


def start_broker(config: LocalKafkaConfig | None = None, timeout: float = START_TIMEOUT_SECONDS) -> StartResult:
    """Start the broker unless it runs already, and return once it answers Kafka requests.

    Raises LocalKafkaError with the reason (and the broker log's tail) if it cannot start within ``timeout``
    seconds; a broker that failed to come up is stopped again rather than left half-started.
    """
    config = config or LocalKafkaConfig.from_settings()
    started = time.monotonic()
    with _exclusive(config):
        pid = find_managed_broker(config)
        if pid is not None:
            config.pid_file.write_text(f"{pid}\n")
            if not broker_answers(config.bootstrap, timeout=5.0):
                log.info("Broker pid %d is running but not answering yet; waiting up to %.0f s", pid, timeout)
                _wait_until_ready(config, pid, None, timeout)
            return StartResult(pid, True, time.monotonic() - started, config.bootstrap)

        _ensure_ports_free(config)
        java = find_java()
        libs = ensure_jars(config)
        _write_config_files(config)
        _format_storage_once(config, java, libs)
        process = _launch(config, java, libs)
        try:
            _wait_until_ready(config, process.pid, process, timeout)
        except BaseException as exc:
            half_started = process.poll() is None
            terminate(process.pid, timeout=10.0)
            config.pid_file.unlink(missing_ok=True)
            if half_started and isinstance(exc, LocalKafkaError):
                raise LocalKafkaError(f"{exc}\n(The half-started broker was stopped again.)") from None
            raise
        return StartResult(process.pid, False, time.monotonic() - started, config.bootstrap)


def stop_broker(config: LocalKafkaConfig | None = None, timeout: float = STOP_TIMEOUT_SECONDS) -> StopResult | None:
    """Stop the broker (SIGTERM, then SIGKILL after ``timeout`` s); None if it was not running."""
    config = config or LocalKafkaConfig.from_settings()
    if not config.home.is_dir():
        return None
    with _exclusive(config):
        pid = find_managed_broker(config)
        if pid is None:
            config.pid_file.unlink(missing_ok=True)
            return None
        log.info("Stopping broker pid %d (SIGTERM, SIGKILL after %.0f s)", pid, timeout)
        killed = terminate(pid, timeout)
        if killed:
            log.warning("Broker pid %d ignored SIGTERM for %.0f s and was killed", pid, timeout)
        config.pid_file.unlink(missing_ok=True)
        return StopResult(pid, killed)


def broker_status(config: LocalKafkaConfig | None = None, probe_timeout: float = 3.0) -> BrokerStatus:
    config = config or LocalKafkaConfig.from_settings()
    pid = find_managed_broker(config) if config.home.is_dir() else None
    listening = _accepts_connections(config.host, config.port)
    answering = listening and broker_answers(config.bootstrap, timeout=probe_timeout)
    holder = port_owner(config.port) if pid is None and listening else None
    return BrokerStatus(running=pid is not None, pid=pid, bootstrap=config.bootstrap, home=config.home,
                        kafka_version=config.kafka_version, answering=answering, port_holder=holder)


@contextmanager
def _exclusive(config: LocalKafkaConfig) -> Iterator[None]:
    """Serialise start/stop across processes (two test sessions starting the broker at once)."""
    config.home.mkdir(parents=True, exist_ok=True)
    with config.lock_file.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _ensure_ports_free(config: LocalKafkaConfig) -> None:
    ports = [(config.port, "client"), (config.controller_port, "controller")]
    ports += [(port, f"{protocol} client") for protocol, port in config.secured_listeners]
    for port, role in ports:
        if not port_in_use(config.host, port):
            continue
        holder = port_owner(port) or "a process this user cannot inspect (try `ss -ltnp`)"
        message = f"port {port} on {config.host} (the broker's {role} listener) is already in use by {holder}."
        if role == "client" and broker_answers(config.bootstrap, timeout=1.0):
            message += (f" A Kafka broker answers there, but not the one managed from {config.home} "
                        f"(started with another SIGAP_DATA_DIR?).")
        message += (" Stop that process, or give the local broker other ports with SIGAP_KAFKA_PORT and "
                    "SIGAP_KAFKA_CONTROLLER_PORT (and point SIGAP_BROKER at it).")
        raise LocalKafkaError(message)


def _write_config_files(config: LocalKafkaConfig) -> None:
    for folder in (config.config_dir, config.data_dir, config.logs_dir):
        folder.mkdir(parents=True, exist_ok=True)
    config.server_properties.write_text(render_server_properties(config))
    config.log4j_config.write_text(render_log4j_config(config))


def _format_storage_once(config: LocalKafkaConfig, java: Path, libs: Path) -> None:
    if (config.data_dir / "meta.properties").is_file():
        return
    if config.cluster_id_file.is_file():
        cluster_id = config.cluster_id_file.read_text().strip()
    else:
        cluster_id = new_cluster_id()
        config.cluster_id_file.write_text(cluster_id + "\n")
    log.info("Formatting KRaft storage in %s (cluster id %s)", config.data_dir, cluster_id)
    command = [*_java_command(config, java, libs), "kafka.tools.StorageTool", "format",
               "-t", cluster_id, "-c", str(config.server_properties), "--ignore-formatted"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                                timeout=FORMAT_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired as exc:
        raise LocalKafkaError(f"formatting the broker's storage took over {FORMAT_TIMEOUT_SECONDS:.0f} s") from exc
    if result.returncode != 0:
        raise LocalKafkaError(
            f"formatting the broker's storage failed (exit code {result.returncode}):\n"
            f"{tail_text(result.stdout + result.stderr)}")


def _launch(config: LocalKafkaConfig, java: Path, libs: Path) -> subprocess.Popen[bytes]:
    command = [*_java_command(config, java, libs), "kafka.Kafka", str(config.server_properties)]
    log.info("Starting Kafka %s on %s (log: %s)", config.kafka_version, config.bootstrap, config.server_log)
    with config.jvm_log.open("wb") as jvm_output:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=jvm_output, stderr=subprocess.STDOUT,
                                   cwd=config.home, start_new_session=True, close_fds=True)
    _launched.append(process)
    config.pid_file.write_text(f"{process.pid}\n")
    return process


def _java_command(config: LocalKafkaConfig, java: Path, libs: Path) -> list[str]:
    return [str(java), *JVM_HEAP, "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={config.log4j_config}", "-cp", f"{libs}/*"]


def _wait_until_ready(config: LocalKafkaConfig, pid: int, process: subprocess.Popen[bytes] | None,
                      timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        exit_code = process.poll() if process is not None else None
        if exit_code is not None or not is_alive(pid):
            code = f" with exit code {exit_code}" if exit_code is not None else ""
            raise LocalKafkaError(f"the Kafka JVM (pid {pid}) exited during startup{code}.\n{_log_tails(config)}")
        if _accepts_connections(config.host, config.port) and broker_answers(config.bootstrap, timeout=2.0):
            return
        if time.monotonic() >= deadline:
            raise LocalKafkaError(
                f"the broker (pid {pid}) did not answer on {config.bootstrap} within {timeout:g} s.\n"
                f"{_log_tails(config)}")
        time.sleep(0.2)


def _accepts_connections(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def _log_tails(config: LocalKafkaConfig) -> str:
    parts = [f"Last lines of {config.server_log}:\n{tail_file(config.server_log, 25)}"]
    if config.jvm_log.is_file() and config.jvm_log.stat().st_size:
        parts.append(f"Last lines of {config.jvm_log}:\n{tail_file(config.jvm_log, 15)}")
    return "\n".join(parts)
