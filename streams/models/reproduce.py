"""Does a fresh ``sigap train`` reproduce a set of artifacts? (``sigap train --check``)

Training is seeded and deterministic, so on the same data and code the artifacts come out byte-identical on one
machine. Another CPU or BLAS build can change the last bits of a coefficient (and so the version hashes) without
changing what the models do; the evaluation figures are what must match. Two artifact folders are compared by
their manifests' file hashes and by every number in their ``evaluation.json``. The manifest records the
environment that trained them (:func:`training_environment`); when the figures differ, the summary shows where
the two environments differ, the likely cause.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from streams.models.artifacts import read_manifest, verified_bytes

EVALUATION = "evaluation.json"


def training_environment() -> dict[str, Any]:
    """What the fitted numbers can depend on besides the data, code and seed: library versions and the CPU features
    and BLAS kernels the libraries chose."""
    import platform

    import numpy as np
    import scipy
    import sklearn
    from threadpoolctl import threadpool_info

    simd = np.show_config(mode="dicts").get("SIMD Extensions", {})
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
        "numpy_simd": list(simd.get("found", [])),
        "blas": sorted({f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')}" for i in threadpool_info()
                        if i.get("user_api") == "blas"}),
    }


@dataclass(frozen=True)
class Reproduction:
    identical_files: bool
    differences: list[str] = field(default_factory=list)  # "hoax.news_heldout.macro_f1: 72.75 -> 72.1"
    environment_differences: list[str] = field(default_factory=list)  # "numpy: 2.3.5 -> 2.4.6"

    @property
    def reproduced(self) -> bool:
        return not self.differences

    def summary(self) -> str:
        if self.identical_files:
            return "reproduced: every artifact file is byte-identical"
        if self.reproduced:
            return "reproduced: every evaluation figure matches (artifact bytes differ, e.g. another BLAS build)"
        lines = ["NOT reproduced:", *(f"  {d}" for d in self.differences)]
        if self.environment_differences:
            lines += ["trained in another environment (reference -> this run):",
                      *(f"  {d}" for d in self.environment_differences)]
        return "\n".join(lines)


def compare_artifacts(reference: Path, candidate: Path, tolerance: float = 0.05) -> Reproduction:
    """Compare ``candidate`` (fresh training) with ``reference`` (e.g. the shipped artifacts)."""
    ref_manifest, cand_manifest = read_manifest(reference), read_manifest(candidate)
    identical = _file_hashes(ref_manifest) == _file_hashes(cand_manifest)
    ref_eval, cand_eval = _evaluation(reference, ref_manifest), _evaluation(candidate, cand_manifest)
    ref_eval.pop("versions", None)
    cand_eval.pop("versions", None)
    ref_figures, cand_figures = dict(_numbers(ref_eval)), dict(_numbers(cand_eval))
    differences = []
    for key in sorted(ref_figures.keys() | cand_figures.keys()):
        a, b = ref_figures.get(key), cand_figures.get(key)
        if a is None or b is None or abs(a - b) > tolerance:
            differences.append(f"{key}: {_show(a)} -> {_show(b)}")
    environment = _environment_differences(ref_manifest.get("training_environment"),
                                           cand_manifest.get("training_environment"))
    return Reproduction(identical_files=identical, differences=differences, environment_differences=environment)


def _environment_differences(reference: dict | None, candidate: dict | None) -> list[str]:
    if candidate is None:
        return []
    if reference is None:
        return ["the reference artifacts do not record theirs"]
    return [f"{key}: {_show_env(reference.get(key))} -> {_show_env(candidate.get(key))}"
            for key in sorted(reference.keys() | candidate.keys()) if reference.get(key) != candidate.get(key)]


def _file_hashes(manifest: dict[str, Any]) -> dict[str, str]:
    return {name: entry.get("sha256", "") for name, entry in manifest.get("files", {}).items()}


def _evaluation(models_dir: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    if EVALUATION not in manifest.get("files", {}):
        raise FileNotFoundError(f"{models_dir}: these artifacts carry no {EVALUATION} to compare")
    return json.loads(verified_bytes(Path(models_dir), manifest, EVALUATION).decode("utf-8"))


def _numbers(tree: Any, prefix: str = "") -> Iterator[tuple[str, float]]:
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _numbers(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(tree, (list, tuple)):
        for i, value in enumerate(tree):
            yield from _numbers(value, f"{prefix}[{i}]")
    elif isinstance(tree, (int, float)) and not isinstance(tree, bool):
        yield prefix, float(tree)


def _show(value: float | None) -> str:
    return "missing" if value is None else f"{value:g}"


def _show_env(value: Any) -> str:
    if value is None:
        return "unknown"
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
