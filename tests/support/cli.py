"""Run the `sigap` command line as a user would, in a subprocess with a deployment's environment."""

from __future__ import annotations

import subprocess
import sys


def sigap(env: dict, *args: str, timeout: float = 120.0) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "streams.cli.main", *args], env=env, capture_output=True,
                          text=True, timeout=timeout)
