"""benchmarks/bench_scoring_ab.py loads another revision's package beside this one: every import rewritten."""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

from streams.settings import REPO_ROOT
from streams.text.normalize import normalize

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
from bench_scoring_ab import copy_as_base  # noqa: E402


def test_the_other_revision_imports_only_itself(tmp_path: Path) -> None:
    copy_as_base(REPO_ROOT, tmp_path)
    sources = {p: p.read_text(encoding="utf-8") for p in (tmp_path / "streams_base").rglob("*.py")}
    assert len(sources) > 50 and (tmp_path / "streams_base" / "models" / "artifacts" / "bundle.json").exists()
    leftover = [p for p, text in sources.items() if re.search(r"\b(from|import) streams\b|[\"']streams\.", text)]
    assert leftover == []
    sys.path.insert(0, str(tmp_path))
    try:
        base = importlib.import_module("streams_base.text.normalize")
        assert Path(base.__file__).is_relative_to(tmp_path)
        assert base.normalize("Vaksin bikin autis??? #JanganPanik") == normalize("Vaksin bikin autis??? #JanganPanik")
        assert base.canonical.__module__ == "streams_base.text.canonical"
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == "streams_base" or m.startswith("streams_base.")]:
            del sys.modules[name]
