"""Artifacts: round trip, and refusal of missing, tampered or untrusted files. Loading never unpickles."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from streams.models.artifacts import (
    ModelsMissingError,
    UntrustedArtifactError,
    load_bundle,
    read_manifest,
    save_bundle,
    sha256_bytes,
)
from streams.models.bundle import ModelBundle
from streams.settings import get_settings

SHIPPED = get_settings().models_dir


@pytest.fixture()
def copy_of_shipped(tmp_path: Path) -> Path:
    dst = tmp_path / "artifacts"
    shutil.copytree(SHIPPED, dst)
    return dst


def _rehash(models_dir: Path, name: str) -> None:
    manifest = json.loads((models_dir / "manifest.json").read_text())
    manifest["files"][name]["sha256"] = sha256_bytes((models_dir / name).read_bytes())
    (models_dir / "manifest.json").write_text(json.dumps(manifest))


def test_shipped_artifacts_are_small_and_versioned() -> None:
    manifest = read_manifest(SHIPPED)
    total = sum(p.stat().st_size for p in SHIPPED.iterdir() if p.is_file())
    assert total < 6_000_000, f"artifacts grew to {total} bytes"
    assert set(manifest["versions"]) >= {"hoax", "sentiment"}
    assert manifest["versions"]["hoax"].startswith("hoax-")
    assert len(manifest["training_data_sha256"]) == 64
    assert all(name.endswith((".npz", ".json")) for name in manifest["files"])


def test_round_trip_gives_identical_predictions(tmp_path: Path) -> None:
    bundle = ModelBundle.load(SHIPPED)
    extra = {k: v for k, v in bundle.manifest.items() if k not in ("format", "files", "versions")}
    bundle2_dir = tmp_path / "again"
    bundle.save(bundle2_dir, extra)
    again = ModelBundle.load(bundle2_dir)
    texts = ["makanannya enak sekali", "vaksin mengandung chip sebarkan", ""]
    x1, x2 = bundle.sentiment_rows(texts), again.sentiment_rows(texts)
    assert (x1 != x2).nnz == 0
    np.testing.assert_allclose(bundle.sentiment.predict_proba(x1), again.sentiment.predict_proba(x2))
    assert again.versions == bundle.versions  # versions derive from content, so a re-save is the same model


def test_missing_models_say_run_sigap_train(tmp_path: Path) -> None:
    with pytest.raises(ModelsMissingError, match="sigap train"):
        ModelBundle.load(tmp_path)


def test_tampered_array_file_is_refused(copy_of_shipped: Path) -> None:
    data = bytearray((copy_of_shipped / "bundle.npz").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (copy_of_shipped / "bundle.npz").write_bytes(bytes(data))
    with pytest.raises(UntrustedArtifactError, match="SHA-256"):
        ModelBundle.load(copy_of_shipped)


def test_tampered_json_is_refused(copy_of_shipped: Path) -> None:
    meta = json.loads((copy_of_shipped / "bundle.json").read_text())
    meta["hoax"]["threshold"] = 0.0
    (copy_of_shipped / "bundle.json").write_text(json.dumps(meta))
    with pytest.raises(UntrustedArtifactError):
        ModelBundle.load(copy_of_shipped)


def test_pickled_arrays_are_refused_even_with_a_matching_hash(tmp_path: Path) -> None:
    buf = io.BytesIO()
    np.savez(buf, evil=np.array([{"a": 1}], dtype=object))  # needs pickle to load
    (tmp_path / "bundle.npz").write_bytes(buf.getvalue())
    (tmp_path / "bundle.json").write_text("{}")
    manifest = {
        "format": "sigap-models/1",
        "files": {n: {"sha256": sha256_bytes((tmp_path / n).read_bytes())} for n in ("bundle.npz", "bundle.json")},
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(UntrustedArtifactError):
        load_bundle(tmp_path)


@pytest.mark.parametrize("name", ["model.pkl", "model.skops", "../bundle.npz", "x.joblib"])
def test_untrusted_file_types_are_refused(copy_of_shipped: Path, name: str) -> None:
    manifest = json.loads((copy_of_shipped / "manifest.json").read_text())
    manifest["files"][name] = {"sha256": "0" * 64}
    (copy_of_shipped / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(UntrustedArtifactError, match="refusing"):
        ModelBundle.load(copy_of_shipped)


def test_unknown_format_is_refused(copy_of_shipped: Path) -> None:
    manifest = json.loads((copy_of_shipped / "manifest.json").read_text())
    manifest["format"] = "someone-else/9"
    (copy_of_shipped / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(UntrustedArtifactError, match="format"):
        ModelBundle.load(copy_of_shipped)


def test_save_refuses_object_arrays(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        save_bundle(tmp_path, {"x": np.array(["a"], dtype=object)}, {}, {})


def test_consistent_hash_but_wrong_shapes_is_refused(copy_of_shipped: Path) -> None:
    with np.load(copy_of_shipped / "bundle.npz", allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays["sentiment.coef"] = arrays["sentiment.coef"][:10]
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    (copy_of_shipped / "bundle.npz").write_bytes(buf.getvalue())
    _rehash(copy_of_shipped, "bundle.npz")
    with pytest.raises(ValueError):
        ModelBundle.load(copy_of_shipped)
