"""The two embedding backends: the ONNX one matches torch, and torch takes over when it fails."""

from __future__ import annotations

import numpy as np
import pytest

from docnook.errors import ModelError
from docnook.index import onnx_model
from docnook.index.embedder import Embedder

pytestmark = pytest.mark.slow

TEXTS = [
    "How do I fit a linear model with an interaction term?",
    "Missing values are represented by the symbol NA (not available).",
    "apply(X, MARGIN, FUN, ..., simplify = TRUE)",
    "The municipal library opens at nine on weekdays and at ten on Saturdays. " * 20,
    "NA",
]


@pytest.fixture(scope="module")
def torch_embedder() -> Embedder:
    embedder = Embedder(backend="torch")
    embedder.load()
    return embedder


def test_onnx_backend_matches_torch(torch_embedder):
    onnx = Embedder(backend="onnx")
    got = onnx.embed(TEXTS)
    assert onnx.backend == "onnx", onnx.fallback_reason
    expected = torch_embedder.embed(TEXTS)
    assert got.shape == expected.shape == (len(TEXTS), 384)
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    cosines = np.sum(got * expected, axis=1)
    assert cosines.min() > 0.98, cosines
    # The nearest text to each text is itself, under either backend's vectors.
    assert list(np.argmax(got @ expected.T, axis=1)) == list(range(len(TEXTS)))


def test_onnx_model_is_built_once_and_reused(monkeypatch):
    embedder = Embedder(backend="onnx")
    first = onnx_model.ensure_model(embedder.model_path, 256, 1)

    def no_second_build(*args, **kwargs):
        raise AssertionError("the cached model should have been used")

    monkeypatch.setattr(onnx_model, "build", no_second_build)
    assert onnx_model.ensure_model(embedder.model_path, 256, 1) == first


def test_torch_takes_over_when_the_onnx_model_cannot_be_made(monkeypatch, torch_embedder):
    def broken(*args, **kwargs):
        raise OSError("no space left on device")

    monkeypatch.setattr(onnx_model, "ensure_model", broken)
    embedder = Embedder(backend="onnx")
    vectors = embedder.embed(TEXTS[:2])
    assert embedder.backend == "torch"
    assert "no space left" in (embedder.fallback_reason or "")
    np.testing.assert_allclose(vectors, torch_embedder.embed(TEXTS[:2]), atol=1e-5)


def test_backend_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("DOCNOOK_EMBED_BACKEND", "torch")
    assert Embedder().backend == "torch"
    monkeypatch.setenv("DOCNOOK_EMBED_BACKEND", "tensorflow")
    with pytest.raises(ModelError, match="Unknown embedding backend"):
        Embedder()
