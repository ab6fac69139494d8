"""Process helpers: liveness (zombies count as dead), port ownership and termination."""

from __future__ import annotations

import os
import socket
import subprocess
import time

from streams.kafka_local.process import is_alive, port_in_use, port_owner, tail_file, terminate


def test_a_dead_unreaped_child_is_not_alive():
    child = subprocess.Popen(["true"])
    time.sleep(0.3)  # exited, but not waited for: a zombie
    try:
        assert not is_alive(child.pid)
    finally:
        child.wait()


def test_the_owner_of_a_listening_port_is_named():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert port_in_use("127.0.0.1", port)
        assert port_owner(port).startswith(f"pid {os.getpid()}: ")
    assert not port_in_use("127.0.0.1", port)


def test_terminate_kills_a_process_that_ignores_sigterm():
    child = subprocess.Popen(["sh", "-c", "trap '' TERM; exec sleep 60"])
    time.sleep(0.2)
    started = time.monotonic()
    assert terminate(child.pid, timeout=0.5) is True
    assert time.monotonic() - started < 5
    assert not is_alive(child.pid)


def test_terminate_stops_a_cooperative_process_without_sigkill():
    child = subprocess.Popen(["sleep", "60"])
    assert terminate(child.pid, timeout=5) is False
    assert not is_alive(child.pid)


def test_tail_file_keeps_the_last_lines(tmp_path):
    log = tmp_path / "x.log"
    log.write_text("".join(f"line {i}\n" for i in range(100)))
    assert tail_file(log, 2) == "    line 98\n    line 99"
    assert "does not exist" in tail_file(tmp_path / "missing.log")
