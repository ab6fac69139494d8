"""Fetching the broker's jars from Maven Central once, and re-using them while the pom is unchanged."""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from streams.kafka_local.config import LocalKafkaConfig
from streams.kafka_local.errors import LocalKafkaError

log = logging.getLogger(__name__)

MAVEN_TIMEOUT_SECONDS = 900
_MANIFEST = ".complete"
_ANSI_RE = re.compile(r"\x1b\[[0-9;]*m")


def libs_dir(config: LocalKafkaConfig) -> Path:
    """The cache folder for this pom: named by Kafka version and the pom's hash, so any pom edit refetches."""
    digest = hashlib.sha256(config.pom.read_bytes()).hexdigest()[:10]
    return config.libs_root / f"{config.kafka_version}-{digest}"


def cached_libs(config: LocalKafkaConfig) -> Path | None:
    target = libs_dir(config)
    return target if _is_complete(target) else None


def ensure_jars(config: LocalKafkaConfig) -> Path:
    """The folder holding every runtime jar of the broker, fetching it with Maven if not cached yet."""
    if not config.pom.is_file():
        raise LocalKafkaError(f"the Kafka pom {config.pom} does not exist (set SIGAP_KAFKA_POM to its path)")
    target = libs_dir(config)
    if _is_complete(target):
        return target

    mvn = shutil.which("mvn")
    if mvn is None:
        raise LocalKafkaError(
            "`mvn` was not found on the PATH. The local broker's jars come from Maven Central on the first "
            "start; install Maven (e.g. `apt-get install maven`) or copy a complete jar folder to "
            f"{target} with a '{_MANIFEST}' file listing the jar names.")

    config.libs_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".fetch-", dir=config.libs_root))
    command = [mvn, "-q", "-B", "-Dstyle.color=never", "-f", str(config.pom),
               "dependency:copy-dependencies", "-DincludeScope=runtime", f"-DoutputDirectory={staging}"]
    log.info("Fetching Kafka %s jars with Maven (first start only, cached in %s)", config.kafka_version, target)
    started = time.monotonic()
    try:
        result = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                                timeout=MAVEN_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired as exc:
        shutil.rmtree(staging, ignore_errors=True)
        output = _text(exc.stdout) + _text(exc.stderr)
        raise LocalKafkaError(
            f"Maven did not finish fetching the Kafka jars within {MAVEN_TIMEOUT_SECONDS} s; is Maven Central "
            f"reachable?\n{tail_text(output)}") from exc
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        raise LocalKafkaError(
            f"Maven failed (exit code {result.returncode}) fetching the Kafka jars; is Maven Central reachable "
            f"(or is Maven in offline mode)? Command: {' '.join(command)}\n"
            f"{tail_text(result.stdout + result.stderr)}")

    jars = sorted(path.name for path in staging.glob("*.jar"))
    expected = f"kafka_2.13-{config.kafka_version}.jar"
    if expected not in jars:
        shutil.rmtree(staging, ignore_errors=True)
        raise LocalKafkaError(f"Maven succeeded but {expected} is not among the fetched jars: {jars}")
    (staging / _MANIFEST).write_text("\n".join(jars) + "\n")
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)
    log.info("Fetched %d jars in %.1f s", len(jars), time.monotonic() - started)
    return target


def tail_text(text: str, lines: int = 30) -> str:
    kept = [line for line in _ANSI_RE.sub("", text).splitlines() if line.strip() not in ("", "[ERROR]")]
    return "\n".join("    " + line for line in kept[-lines:]) or "    (no output)"


def _is_complete(folder: Path) -> bool:
    manifest = folder / _MANIFEST
    if not manifest.is_file():
        return False
    names = manifest.read_text().split()
    return bool(names) and all((folder / name).is_file() for name in names)


def _text(output: bytes | str | None) -> str:
    if isinstance(output, bytes):
        return output.decode("utf-8", "replace")
    return output or ""
