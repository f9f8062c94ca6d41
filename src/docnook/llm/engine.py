"""The engine: one object that owns the `llama_cpp.Llama`, on one worker thread.

Jobs (callables) arrive on a queue and run one at a time on the worker, which is the only
thread that ever touches llama.cpp. A job streams text back with `emit`; `Engine.run` hands each
piece to the caller's `on_token` on the caller's own thread, so a GUI worker or the terminal
sees tokens as they come. A `CancelToken` stops a job between tokens (and between prompt
batches), and the engine is ready for the next job right after.

Loading also happens on the worker. A new model file is checked (GGUF header, size) before the
current model is let go, so a missing, truncated or non-GGUF file fails with a sentence and the
previous model simply stays; if llama.cpp itself then refuses the file, the previous model is
loaded again.

The model itself, `LoadedModel`, is in `loaded_model.py`.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar

from docnook.config import AUTO
from docnook.errors import Cancelled, ModelError
from docnook.jobs import CancelToken
from docnook.llm import gpu, memory
from docnook.llm.gguf import GgufInfo, read_gguf
from docnook.llm.gpu import GpuInfo, gpu_info
from docnook.llm.loaded_model import (
    Generation,
    LoadedModel,
    LoadSpec,
    import_llama,
    with_kept_note,
)

__all__ = [
    "Engine",
    "Generation",
    "GpuInfo",
    "LoadSpec",
    "LoadedModel",
    "gpu_info",
    "import_llama",
    "with_kept_note",
]

log = logging.getLogger("docnook.llm")
log.addHandler(logging.NullHandler())
_native_log = logging.getLogger("docnook.llm.llama_cpp")

T = TypeVar("T")
Emit = Callable[[str], None]
Job = Callable[["LoadedModel", Emit, CancelToken], T]

STATES = ("idle", "loading", "ready", "generating", "error")


_DONE = object()


@dataclass
class _Work:
    run: Callable[[], Any]
    future: Future
    after: Callable[[], None] = lambda: None


class Engine:
    """Owns the one `LoadedModel`; runs jobs on its worker thread, one at a time."""

    def __init__(self, loader: Callable[[LoadSpec, GgufInfo], Any] | None = None) -> None:
        # `loader` makes the model from a checked file; tests pass a fake, the product never.
        self._loader = loader or LoadedModel
        self._queue: queue.Queue[_Work | None] = queue.Queue()
        self._lock = threading.Lock()
        self._state = "idle"
        self._model: LoadedModel | None = None
        self._last_error: str | None = None
        self._active: set[CancelToken] = set()
        self._closed = False
        self._thread = threading.Thread(target=self._work, name="docnook-engine", daemon=True)
        self._thread.start()

    # -- what callers see ----------------------------------------------------------------

    @property
    def state(self) -> str:
        """idle (nothing loaded yet), loading, ready, generating, or error (the last load
        failed and no model is loaded)."""
        with self._lock:
            return self._state

    @property
    def loaded(self) -> LoadSpec | None:
        with self._lock:
            return self._model.spec if self._model is not None else None

    def offloaded_layers(self) -> int | None:
        """Layers of the loaded model that llama.cpp placed on a GPU; None: none loaded."""
        with self._lock:
            model = self._model
        return None if model is None else model.offloaded_layers

    @property
    def last_error(self) -> str | None:
        with self._lock:
            return self._last_error

    def load(self, spec: LoadSpec) -> None:
        """Load `spec` on the worker and wait. On failure raise ModelError; the model loaded
        before (if any) is still loaded and usable."""
        self._submit(lambda: self._load(spec)).result()

    def run(
        self,
        job: Job[T],
        on_token: Callable[[str], None] | None = None,
        cancel: CancelToken | None = None,
    ) -> T:
        """Run `job(model, emit, cancel)` on the worker and wait for its result. Text passed
        to `emit` reaches `on_token` on this (the calling) thread. If `on_token` raises, the
        job is cancelled and the error re-raised once the engine is free again."""
        cancel = cancel or CancelToken()
        pieces: queue.SimpleQueue[Any] = queue.SimpleQueue()
        with self._lock:
            self._active.add(cancel)
        try:
            future = self._submit(
                lambda: self._run_job(job, pieces.put, cancel), after=lambda: pieces.put(_DONE)
            )
            failure: BaseException | None = None
            while True:
                try:
                    item = pieces.get()
                except BaseException as exc:  # KeyboardInterrupt while waiting
                    if failure is not None:
                        raise  # a second one: stop waiting for the job to wind down
                    cancel.cancel()
                    failure = exc
                    continue
                if item is _DONE:
                    break
                if on_token is not None and failure is None:
                    try:
                        on_token(item)
                    except BaseException as exc:
                        failure = exc
                        cancel.cancel()
            if failure is not None:
                raise failure
            return future.result()
        finally:
            with self._lock:
                self._active.discard(cancel)

    def close(self) -> None:
        """Cancel what runs, free the model and stop the worker. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            for token in self._active:
                token.cancel()
        self._queue.put(None)
        if threading.current_thread() is not self._thread:
            self._thread.join()

    # -- the worker ------------------------------------------------------------------------

    def _submit(self, run: Callable[[], Any], after: Callable[[], None] = lambda: None) -> Future:
        future: Future = Future()
        with self._lock:
            if self._closed:
                raise ModelError("The language model engine has been closed.")
            self._queue.put(_Work(run, future, after))
        return future

    def _work(self) -> None:
        while True:
            work = self._queue.get()
            if work is None:
                break
            try:
                if work.future.set_running_or_notify_cancel():
                    try:
                        work.future.set_result(work.run())
                    except BaseException as exc:
                        work.future.set_exception(exc)
            finally:
                work.after()
        # Jobs queued behind close() are refused, never left waiting.
        while True:
            try:
                work = self._queue.get_nowait()
            except queue.Empty:
                break
            if work is not None:
                work.future.set_exception(ModelError("The language model engine has been closed."))
                work.after()
        with self._lock:
            model, self._model = self._model, None
            self._state = "idle"
        if model is not None:
            model.close()

    def _set_state(self, state: str) -> None:
        with self._lock:
            self._state = state

    def _run_job(self, job: Job[T], emit: Emit, cancel: CancelToken) -> T:
        with self._lock:
            model = self._model
            error = self._last_error
        if model is None:
            raise ModelError(error or "No language model is loaded.")
        cancel.raise_if_cancelled()
        self._set_state("generating")
        try:
            return job(model, emit, cancel)
        except Cancelled:
            raise
        except MemoryError as exc:
            raise ModelError("The language model ran out of memory.") from exc
        except RuntimeError as exc:  # llama_decode failures surface as RuntimeError
            raise ModelError(f"The language model failed: {exc}.") from exc
        finally:
            self._set_state("ready")

    def _load(self, spec: LoadSpec) -> None:
        with self._lock:
            current = self._model
        if current is not None and current.spec == spec:
            return
        if current is not None and spec.same_model_except_threads(current.spec):
            current.set_threads(spec.n_threads)
            current.spec = spec
            return
        try:
            info = read_gguf(spec.path)  # fails fast, before the current model is let go
            devices = gpu_info()
            gpu.check_request(spec.n_gpu_layers, info, spec.n_ctx, devices)
            layers = gpu.resolve_layers(spec.n_gpu_layers, info, spec.n_ctx, devices)
            memory.check_fits(info, spec.n_ctx, layers, gpu_offload=devices.available)
        except ModelError as exc:
            self._failed(str(exc), keep=current is not None)
            raise self._with_note(exc, current) from None
        self._set_state("loading")
        if current is not None:
            with self._lock:
                self._model = None
            current.close()
        try:
            model = self._load_model(spec, info, on_gpu=layers != 0)
        except ModelError as exc:
            restored = self._restore(current.spec if current is not None else None)
            self._failed(str(exc), keep=restored)
            raise self._with_note(exc, current if restored else None) from None
        with self._lock:
            self._model = model
            self._state = "ready"
            self._last_error = None
        log.info("loaded %s (n_ctx=%d)", spec.path.name, model.n_ctx)

    def _load_model(self, spec: LoadSpec, info: GgufInfo, on_gpu: bool) -> Any:
        """Auto chose the GPU, not the person: when the GPU cannot take the model (a driver
        fault, memory the estimate missed), it loads on the CPU instead."""
        try:
            return self._loader(spec, info)
        except ModelError as exc:
            if spec.n_gpu_layers != AUTO or not on_gpu:
                raise
            log.warning("the GPU could not load %s (%s); using the CPU", spec.path.name, exc)
            return self._loader(spec, info, gpu_layers=0)

    def _restore(self, previous: LoadSpec | None) -> bool:
        if previous is None:
            return False
        try:
            model = self._load_model(previous, read_gguf(previous.path), on_gpu=True)
        except ModelError:
            log.exception("the previous model could not be loaded again")
            return False
        with self._lock:
            self._model = model
        return True

    def _failed(self, message: str, keep: bool) -> None:
        with self._lock:
            self._last_error = message
            self._state = "ready" if keep else "error"

    @staticmethod
    def _with_note(exc: ModelError, kept: LoadedModel | None) -> ModelError:
        return with_kept_note(exc, kept.spec.name if kept is not None else None)
