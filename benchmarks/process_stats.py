"""What a process uses, read from /proc (Linux), for every benchmark alike: resident memory now and at its peak in
MB (10^6 bytes: VmRSS and VmHWM), and CPU seconds (user + system)."""

from __future__ import annotations

import os
from pathlib import Path


def memory_mb(pid: int | str = "self") -> tuple[float, float]:
    """The process's resident memory now and at its peak, in MB."""
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(status["VmRSS"].split()[0]) * 1024 / 1e6, int(status["VmHWM"].split()[0]) * 1024 / 1e6


def cpu_seconds(pid: int | str = "self") -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
