"""The fast tier: library, search and assistant logic on real SQLite files and real PDFs made
by the tests, with the fake embedder and fake engine of `tests/fakes.py` in place of the
models. The whole tier runs in seconds (`make test-fast`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from docnook.library import Library
from fakes import FakeEmbedder


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def library(data_dir: Path, fake_embedder: FakeEmbedder):
    lib = Library(data_dir, embedder=fake_embedder)  # type: ignore[arg-type]
    yield lib
    lib.close()
