"""Finding a Java runtime that can run the broker (Kafka 4.x needs Java 17 or newer)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from streams.kafka_local.errors import LocalKafkaError

MIN_JAVA_MAJOR = 17
_VERSION_RE = re.compile(r'version "(\d+)(?:\.(\d+))?')


def find_java() -> Path:
    """``$JAVA_HOME/bin/java`` if JAVA_HOME is set, else ``java`` on the PATH, checked to be recent enough."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        java = Path(java_home) / "bin" / "java"
    else:
        found = shutil.which("java")
        if found is None:
            raise LocalKafkaError(
                f"`java` was not found on the PATH (and JAVA_HOME is not set). The local Kafka broker needs "
                f"Java {MIN_JAVA_MAJOR} or newer, e.g. `apt-get install openjdk-17-jre-headless`.")
        java = Path(found)
    major = java_major_version(java)
    if major < MIN_JAVA_MAJOR:
        raise LocalKafkaError(
            f"{java} is Java {major}; Kafka needs Java {MIN_JAVA_MAJOR} or newer. "
            f"Install a newer JDK or point JAVA_HOME at one.")
    return java


def java_major_version(java: Path) -> int:
    try:
        result = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise LocalKafkaError(f"could not run `{java} -version`: {exc}") from exc
    output = result.stderr + result.stdout
    match = _VERSION_RE.search(output)
    if result.returncode != 0 or match is None:
        raise LocalKafkaError(f"could not read the Java version from `{java} -version`:\n{output.strip()}")
    major, minor = int(match.group(1)), int(match.group(2) or 0)
    return minor if major == 1 else major  # "1.8.0_392" is Java 8
