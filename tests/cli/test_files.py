"""Input files of `sigap replay` and `sigap simulate`: a path or `-` for stdin, a leading byte-order mark dropped."""

from __future__ import annotations

import codecs
import io
import sys
from pathlib import Path

from streams.cli.files import read_input


def test_a_byte_order_mark_is_not_part_of_the_first_line(tmp_path):
    path = tmp_path / "posts.jsonl"
    path.write_bytes(codecs.BOM_UTF8 + b'{"id": "p1"}\n')
    assert read_input(path) == b'{"id": "p1"}\n'


def test_a_dash_reads_standard_input(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(codecs.BOM_UTF8 + b'{"id": "p2"}\n')))
    assert read_input(Path("-")) == b'{"id": "p2"}\n'
