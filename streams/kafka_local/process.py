"""The broker's OS process: pid file, liveness, who holds a port, and termination.

Linux-first: ``/proc`` tells a zombie from a live process, which pid owns a listening socket, and whether a pid
(after reuse) is still our broker. Without ``/proc`` the checks degrade to ``kill(pid, 0)``.
"""

from __future__ import annotations

import errno
import os
import signal
import socket
import time
from collections import deque
from pathlib import Path

from streams.kafka_local.config import LocalKafkaConfig

BROKER_MAIN_CLASS = "kafka.Kafka"
_PROC = Path("/proc")


def read_pid(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def is_alive(pid: int) -> bool:
    """True if the process exists and is not a zombie (a dead child its parent has not reaped yet)."""
    stat = _PROC / str(pid) / "stat"
    if _PROC.is_dir():
        try:
            state = stat.read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError, IndexError):
            return False
        return state not in ("Z", "X")
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def command_line(pid: int) -> list[str]:
    try:
        raw = (_PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode("utf-8", "replace") for part in raw.split(b"\0") if part]


def is_managed_broker(pid: int, config: LocalKafkaConfig) -> bool:
    """True if ``pid`` is alive and is the broker started with this config's server.properties."""
    if not is_alive(pid):
        return False
    if not _PROC.is_dir():
        return True
    args = command_line(pid)
    return BROKER_MAIN_CLASS in args and str(config.server_properties) in args


def find_managed_broker(config: LocalKafkaConfig) -> int | None:
    """The pid of this config's broker: from the pid file, else (pid file lost) by scanning /proc."""
    pid = read_pid(config.pid_file)
    if pid is not None and is_managed_broker(pid, config):
        return pid
    if _PROC.is_dir():
        for entry in _PROC.iterdir():
            if entry.name.isdigit() and int(entry.name) != os.getpid():
                if is_managed_broker(int(entry.name), config):
                    return int(entry.name)
    return None


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # Kafka's own server socket sets SO_REUSEADDR, so sockets lingering in TIME_WAIT must not count.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return True
            raise
    return False


def port_owner(port: int) -> str | None:
    """'pid N: command line' of the process listening on ``port``, if /proc lets us see it."""
    inodes = _listening_socket_inodes(port)
    if not inodes or not _PROC.is_dir():
        return None
    targets = {f"socket:[{inode}]" for inode in inodes}
    for entry in _PROC.iterdir():
        if entry.name.isdigit() and targets.intersection(_fd_targets(entry / "fd")):
            args = " ".join(command_line(int(entry.name)))
            return f"pid {entry.name}: {args[:300]}"
    return None


def _fd_targets(fd_dir: Path) -> set[str]:
    try:
        fds = list(fd_dir.iterdir())
    except OSError:  # another user's process, or gone
        return set()
    targets = set()
    for fd in fds:
        try:
            targets.add(os.readlink(fd))
        except OSError:  # closed meanwhile, e.g. the descriptor that listed this very directory
            continue
    return targets


def _listening_socket_inodes(port: int) -> set[str]:
    inodes: set[str] = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = (_PROC / "net" / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == port and fields[3] == "0A":  # 0A: TCP_LISTEN
                inodes.add(fields[9])
    return inodes


def terminate(pid: int, timeout: float) -> bool:
    """SIGTERM, wait up to ``timeout`` s, then SIGKILL. Returns True if the process had to be killed."""
    if not _signal(pid, signal.SIGTERM):
        return False
    if _wait_for_exit(pid, timeout):
        return False
    _signal(pid, signal.SIGKILL)
    _wait_for_exit(pid, 10.0)
    return True


def _signal(pid: int, signum: int) -> bool:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        return False
    return True


def _wait_for_exit(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        _reap(pid)
        if not is_alive(pid):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)


def _reap(pid: int) -> None:
    """Collect the exit status if the broker is our own child, so it does not linger as a zombie."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def tail_file(path: Path, lines: int = 40) -> str:
    try:
        with path.open("r", encoding="utf-8", errors="replace") as handle:
            kept = deque(handle, maxlen=lines)
    except FileNotFoundError:
        return f"    ({path} does not exist)"
    return "".join("    " + line for line in kept).rstrip() or f"    ({path} is empty)"
