"""A real `sigap worker` in a subprocess, for integration tests against the real broker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import orjson


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class WorkerProcess:
    def __init__(self, env: dict[str, str], log_path: Path, web_port: int | None = None,
                 module: str = "streams.cli.main") -> None:
        self.module = module  # tests.support.slow_recovery_worker injects a delay
        self.web_port = web_port or free_port()
        self.env = {**os.environ, **env, "SIGAP_WEB_PORT": str(self.web_port)}
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> WorkerProcess:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", self.module, "worker"], env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )
        return self

    def health(self) -> dict | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.web_port}/health", timeout=2) as response:
                return orjson.loads(response.read())
        except OSError:
            return None

    def metrics(self) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.web_port}/metrics", timeout=5) as response:
            return response.read().decode()

    def metrics_when(self, pattern: str, timeout: float = 15.0) -> str:
        """The /metrics text once a line matches `pattern` (a regex), or as it is at the timeout.

        Counters move just after a batch's outputs are delivered, so a test that has already read the outputs
        may look a moment too early."""
        import re

        deadline = time.monotonic() + timeout
        text = self.metrics()
        while not re.search(pattern, text, re.M) and time.monotonic() < deadline:
            time.sleep(0.2)
            text = self.metrics()
        return text

    def wait_ready(self, timeout: float = 120.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited with {self.process.returncode}:\n{self.log_tail()}")
            health = self.health()
            if health and health.get("scorer_ready") and health.get("assigned_partitions", 0) > 0:
                return health
            time.sleep(0.5)
        raise TimeoutError(f"worker not ready after {timeout}s:\n{self.log_tail()}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60.0) -> int:
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def __enter__(self) -> WorkerProcess:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def metric_sum(metrics: str, prefix: str) -> float:
    """The sum of the samples in a Prometheus text exposition whose line starts with ``prefix``."""
    return sum(float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines() if line.startswith(prefix))
