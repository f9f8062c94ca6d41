"""What every assistant job shares: the settings, the model catalog, the one engine, and a
way to open the library. Jobs (asking, summaries, sentiment) take a `Runtime` in their
constructor, so each can be tested with a fake engine passed in.

Methods may be called from any thread, but the one language model is shared: the engine runs
one job at a time, in order. Every call opens its own `Library` (and so its own SQLite
connection), because connections are not shared between threads.
"""

from __future__ import annotations

import threading
from pathlib import Path

from docnook import paths
from docnook.config import Settings, load_settings, option, save_settings
from docnook.errors import InputError, ModelError
from docnook.index.analyses import AnalysisKey
from docnook.index.embedder import Embedder
from docnook.index.store import DocumentRecord
from docnook.library import Library
from docnook.llm import gpu, memory
from docnook.llm.engine import Engine, LoadSpec, gpu_info, with_kept_note
from docnook.llm.gguf import GgufInfo
from docnook.llm.models import ModelCatalog


class Runtime:
    """Settings, models and the engine of one data directory."""

    def __init__(
        self,
        data_dir: Path | None = None,
        embedder: Embedder | None = None,
        engine: Engine | None = None,
    ) -> None:
        self.data_dir = paths.ensure_private_dir(data_dir or paths.data_dir())
        self.embedder = embedder
        self.catalog = ModelCatalog(self.data_dir)
        self._settings = load_settings(self.data_dir)
        self._lock = threading.RLock()  # settings and model loading
        self.engine = engine or Engine()

    @property
    def settings(self) -> Settings:
        with self._lock:
            return self._settings

    def apply_settings(self, settings: Settings) -> None:
        """Load the model as `settings` say (on the engine's worker; this call waits), then
        save them. On failure raise ModelError: the previous model and settings stay."""
        with self._lock:
            changed = self._settings.changed(settings)
            # Settings of indexing (ocr) leave the model as it is: no reload for them.
            if not changed or any(option(name).reload for name in changed):
                self.engine.load(self.spec(settings))
            save_settings(self.data_dir, settings)
            self._settings = settings

    def spec(self, settings: Settings) -> LoadSpec:
        def fits(info: GgufInfo) -> None:
            devices = gpu_info()  # Auto and a build without a usable GPU offload nothing
            layers = gpu.resolve_layers(settings.n_gpu_layers, info, settings.n_ctx, devices)
            memory.check_fits(info, settings.n_ctx, layers, devices.available)

        try:
            model = self.catalog.resolve(settings.model, check=fits)
        except (InputError, ModelError) as exc:
            loaded = self.engine.loaded
            in_use = self.engine.state == "ready" and loaded is not None
            raise with_kept_note(exc, loaded.name if in_use else None) from None
        return LoadSpec.from_settings(model, settings)

    def ensure_model(self) -> LoadSpec:
        """The model of the current settings, loaded on first use."""
        with self._lock:
            spec = self.spec(self._settings)
            self.engine.load(spec)
            return spec

    def offloaded_layers(self) -> int | None:
        """The layers llama.cpp placed on a GPU for the loaded model (None: none loaded)."""
        return self.engine.offloaded_layers()

    def library(self) -> Library:
        return Library(self.data_dir, self.embedder)

    def cache_key(
        self, kind: str, document_id: int, version: str, known_only: bool
    ) -> AnalysisKey | None:
        """The cache key of an analysis of `document_id` by the current model; with
        `known_only`, None when the model's hash is not known yet (nothing is hashed)."""
        with self.library() as library:
            record = library.resolve(document_id)  # a document not indexed has no cache: None
        name = self.settings.model
        sha = self.catalog.known_sha256(name)
        if sha is None and not known_only:
            sha = self.catalog.resolve(name).sha256
        return AnalysisKey(kind, record.sha256, sha, version) if sha else None

    def close(self) -> None:
        self.engine.close()


def indexed_document(library: Library, ref: int | str) -> DocumentRecord:
    """The document `ref` names, which must be indexed to be worked on."""
    record = library.resolve(ref)
    if record.status != "indexed":
        reason = f": {record.error}" if record.error else ""
        raise InputError(f"{record.title} is not indexed ({record.status}{reason}).")
    return record
