"""An installed DocNook finds the models it ships and uses them in place, read-only."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

from docnook import paths
from docnook.config import DEFAULT_MODEL
from docnook.errors import ModelError
from docnook.llm import models
from docnook.llm.models import ModelCatalog

MODEL_BYTES = b"GGUF" + bytes(range(256)) * 64
SHA256 = hashlib.sha256(MODEL_BYTES).hexdigest()


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A shipped models folder (as packaging/prepare_models.py makes it) holding a small
    stand-in for the default model. The model package must not be needed at all."""
    folder = tmp_path / "install" / "models"
    folder.mkdir(parents=True)
    model = folder / "default.gguf"
    model.write_bytes(MODEL_BYTES)
    model.chmod(0o444)
    manifest = {"language_model": {"file": model.name, "sha256": SHA256}}
    (folder / models.SHIPPED_MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    folder.chmod(0o555)  # an installed app's files cannot be written by the person

    def no_package():
        raise AssertionError("the installed app has no model package")

    monkeypatch.setattr(models, "_bundled", no_package)
    monkeypatch.setenv(paths.BUNDLED_MODELS_ENV, str(folder))
    yield model
    folder.chmod(0o755)


def test_the_shipped_default_is_used_in_place(shipped, tmp_path, monkeypatch):
    catalog = ModelCatalog(tmp_path / "data")
    resolved = catalog.resolve(DEFAULT_MODEL)
    assert resolved.path == shipped
    assert catalog.default_path() == shipped
    assert resolved.sha256 == SHA256 == catalog.default_sha256()
    # No copy in the data dir: only the catalog, which remembers the check.
    assert sorted(p.name for p in catalog.dir.iterdir()) == ["catalog.json"]

    def no_second_hash(path):
        raise AssertionError("the shipped model was checked already")

    monkeypatch.setattr(models, "sha256_file", no_second_hash)
    assert ModelCatalog(tmp_path / "data").ensure_default() == shipped


def test_a_damaged_shipped_default_asks_for_a_reinstall(shipped, tmp_path):
    shipped.parent.chmod(0o755)
    shipped.chmod(0o644)
    shipped.write_bytes(MODEL_BYTES[:-1] + b"!")
    with pytest.raises(ModelError, match="Reinstall DocNook"):
        ModelCatalog(tmp_path / "data").ensure_default()


def test_bundled_models_dir(tmp_path, monkeypatch):
    monkeypatch.delenv(paths.BUNDLED_MODELS_ENV, raising=False)
    assert paths.bundled_models_dir() is None  # running from the Python packages
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.bundled_models_dir() == tmp_path / "models"
    monkeypatch.setenv(paths.BUNDLED_MODELS_ENV, str(tmp_path / "elsewhere"))
    assert paths.bundled_models_dir() == tmp_path / "elsewhere"


def test_without_a_manifest_the_package_is_used(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.BUNDLED_MODELS_ENV, str(tmp_path / "nothing-here"))
    catalog = ModelCatalog(tmp_path / "data")
    assert catalog.default_path().parent == catalog.dir
