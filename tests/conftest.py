from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# The same start-up as the app: offline before any model library is imported.
from docnook.privacy import install_network_guard

install_network_guard()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private, empty data directory, also seen by the CLI through DOCNOOK_DATA_DIR."""
    path = tmp_path / "data"
    monkeypatch.setenv("DOCNOOK_DATA_DIR", str(path))
    return path


@pytest.fixture(scope="session")
def embedder():
    """The real bundled embedding model, loaded once for the whole run."""
    from docnook.index.embedder import shared_embedder

    model = shared_embedder()
    model.load()
    return model
