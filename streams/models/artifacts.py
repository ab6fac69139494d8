"""Saving and loading model artifacts without pickles.

Layout of ``models_dir`` (default ``streams/models/artifacts/``)::

    manifest.json     format, versions, training-data hash, SHA-256 of every file below (the trust root)
    bundle.npz        every numeric array (feature vocabulary codes, IDF, coefficients), ``allow_pickle=False``
    bundle.json       every string/parameter (word vocabulary, classes, calibration, stop words, thresholds)
    evaluation.json   the evaluation report written by ``sigap train`` (informational, not needed to score)

Loading refuses: a missing manifest (``ModelsMissingError``: run ``sigap train``), an unknown format version, any
file whose SHA-256 differs from the manifest (tampering), any file type other than ``.npz``/``.json``, and any
array of dtype ``object`` (numpy refuses those anyway with ``allow_pickle=False``). Nothing is ever unpickled.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import numpy as np

FORMAT = "sigap-models/1"
MANIFEST = "manifest.json"
ALLOWED_SUFFIXES = (".npz", ".json")
_ALLOWED_DTYPES = {"f", "i", "u", "b"}  # float, signed/unsigned int, bool


class ModelsMissingError(FileNotFoundError):
    """No trained models where Sigap looked for them."""

    def __init__(self, models_dir: Path, missing: str = "manifest.json") -> None:
        super().__init__(
            f"no trained models in {models_dir} ({missing} missing). Run `sigap train` to build them "
            f"from the data shipped in the repo, or set SIGAP_MODELS_DIR to a folder that holds them."
        )
        self.models_dir = models_dir


class UntrustedArtifactError(ValueError):
    """An artifact file failed verification (hash mismatch, unexpected type or content)."""


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    buf = io.BytesIO()
    # deterministic: sorted keys; np.savez_compressed writes fixed zip timestamps
    np.savez_compressed(buf, **{k: arrays[k] for k in sorted(arrays)})
    return buf.getvalue()


def _json_bytes(obj: Any) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=None, separators=(",", ":")) + "\n").encode()


def save_bundle(
    models_dir: Path,
    arrays: dict[str, np.ndarray],
    meta: dict[str, Any],
    manifest_extra: dict[str, Any],
    evaluation: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write the bundle and its manifest; returns the manifest."""
    models_dir = Path(models_dir)
    models_dir.mkdir(parents=True, exist_ok=True)
    for name, arr in arrays.items():
        if arr.dtype.kind not in _ALLOWED_DTYPES:
            raise TypeError(f"array {name} has dtype {arr.dtype}; only numeric arrays are stored")
    files = {"bundle.npz": _npz_bytes(arrays), "bundle.json": _json_bytes(meta)}
    if evaluation is not None:
        files["evaluation.json"] = (json.dumps(evaluation, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
    manifest = {
        "format": FORMAT,
        **manifest_extra,
        "files": {name: {"sha256": sha256_bytes(data), "bytes": len(data)} for name, data in files.items()},
    }
    for name, data in files.items():
        tmp = models_dir / (name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(models_dir / name)
    (models_dir / MANIFEST).write_bytes((json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
    return manifest


def read_manifest(models_dir: Path) -> dict[str, Any]:
    path = Path(models_dir) / MANIFEST
    if not path.is_file():
        raise ModelsMissingError(Path(models_dir))
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise UntrustedArtifactError(f"{path} is not valid JSON: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise UntrustedArtifactError(f"{path}: unknown artifact format {manifest.get('format')!r}, expected {FORMAT}")
    files = manifest.get("files")
    if not isinstance(files, dict) or "bundle.npz" not in files or "bundle.json" not in files:
        raise UntrustedArtifactError(f"{path}: manifest lists no bundle files")
    for name in files:
        if "/" in name or "\\" in name or name.startswith(".") or not name.endswith(ALLOWED_SUFFIXES):
            raise UntrustedArtifactError(f"{path}: refusing artifact file {name!r} (only .npz and .json are loaded)")
    return manifest


def verified_bytes(models_dir: Path, manifest: dict[str, Any], name: str) -> bytes:
    path = Path(models_dir) / name
    if not path.is_file():
        raise ModelsMissingError(Path(models_dir), name)
    data = path.read_bytes()
    expected = manifest["files"][name]["sha256"]
    if sha256_bytes(data) != expected:
        raise UntrustedArtifactError(
            f"{path} does not match the SHA-256 recorded in {MANIFEST}: refusing to load a modified artifact "
            f"(re-run `sigap train`)"
        )
    return data


def load_bundle(models_dir: Path) -> tuple[dict[str, Any], dict[str, np.ndarray], dict[str, Any]]:
    """(manifest, arrays, meta) after verifying every hash; arrays are loaded with ``allow_pickle=False``."""
    models_dir = Path(models_dir)
    manifest = read_manifest(models_dir)
    npz_bytes = verified_bytes(models_dir, manifest, "bundle.npz")
    json_bytes = verified_bytes(models_dir, manifest, "bundle.json")
    arrays: dict[str, np.ndarray] = {}
    try:
        with np.load(io.BytesIO(npz_bytes), allow_pickle=False) as npz:
            for key in npz.files:
                arr = npz[key]
                if arr.dtype.kind not in _ALLOWED_DTYPES:
                    raise UntrustedArtifactError(f"array {key} has dtype {arr.dtype}: refusing")
                arrays[key] = arr
    except ValueError as exc:  # object arrays need pickles, which allow_pickle=False refuses
        raise UntrustedArtifactError(f"bundle.npz: {exc}") from exc
    try:
        meta = json.loads(json_bytes.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise UntrustedArtifactError(f"bundle.json is not valid JSON: {exc}") from exc
    return manifest, arrays, meta


def check_artifacts(models_dir: Path) -> None:
    """Raise what loading would (``ModelsMissingError``, ``UntrustedArtifactError``) without parsing the arrays: the
    manifest and every file's SHA-256 (a few milliseconds; a worker checks before it joins its group)."""
    manifest = read_manifest(Path(models_dir))
    for name in ("bundle.npz", "bundle.json"):  # what load_bundle reads
        verified_bytes(Path(models_dir), manifest, name)
