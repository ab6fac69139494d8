"""Input files of the command line: a path, or ``-`` for standard input."""

from __future__ import annotations

import codecs
import sys
from pathlib import Path


def read_input(path: Path) -> bytes:
    """The bytes of ``path`` (``-``: standard input), without the byte-order mark some editors save UTF-8 with."""
    raw = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    return raw.removeprefix(codecs.BOM_UTF8)
