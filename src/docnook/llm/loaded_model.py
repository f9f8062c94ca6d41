"""`LoadedModel`: the small facade in front of llama-cpp-python's big `Llama` class.

Tokenize, render a chat template, stream a completion, score the next token. It reuses
llama.cpp's KV cache for the longest prefix shared with the previous prompt, so a follow-up
question over the same sources only has to read what changed. Only the engine's worker thread
(`engine.py`) ever calls it. `LoadSpec` says what to load and how.
"""

from __future__ import annotations

import codecs
import collections
import contextlib
import ctypes
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from docnook.config import Settings
from docnook.errors import ModelError
from docnook.jobs import CancelToken
from docnook.llm import gpu, prompts
from docnook.llm.gguf import GgufInfo
from docnook.llm.gpu import gpu_info
from docnook.llm.models import ResolvedModel
from docnook.llm.stops import StopScanner

log = logging.getLogger("docnook.llm")
log.addHandler(logging.NullHandler())
_native_log = logging.getLogger("docnook.llm.llama_cpp")

Emit = Callable[[str], None]


def import_llama() -> Any:
    """llama_cpp, with its log routed to `logging`; ModelError when it cannot be loaded."""
    try:
        import llama_cpp
    except (ImportError, OSError) as exc:
        if "libvulkan" in str(exc):  # the Vulkan build links the loader; the .deb depends on it
            raise ModelError(
                "llama.cpp needs the Vulkan loader (libvulkan.so.1), which this system lacks: "
                "install libvulkan1, or run the install.sh that came with DocNook."
            ) from exc
        raise ModelError(
            f"llama.cpp (llama-cpp-python) cannot be loaded: {exc}. Run DocNook's setup again."
        ) from exc
    _route_native_logs(llama_cpp)
    return llama_cpp


# -- llama.cpp's log -> Python logging -----------------------------------------------------

# ggml_log_level: 1 debug, 2 info, 3 warn, 4 error, 5 continues the previous line.
_LEVELS = {1: logging.DEBUG, 2: logging.DEBUG, 3: logging.INFO, 4: logging.WARNING}
_recent_errors: collections.deque[str] = collections.deque(maxlen=8)
# The device of each layer, from the load log: what llama.cpp really placed on a GPU.
_layer_devices: list[str] = []
_log_state = {"level": logging.DEBUG, "callback": None}


def _route_native_logs(llama_cpp: Any) -> None:
    """llama.cpp writes to stderr unless told otherwise; DocNook keeps its terminal and window
    clean and sends those lines to `logging` (its warnings at INFO: they are about tuning, not
    about the person's work). Error lines are also kept to explain a failed load."""
    if _log_state["callback"] is not None:
        return

    @llama_cpp.llama_log_callback
    def callback(level: int, text: bytes, user_data: Any) -> None:
        line = text.decode("utf-8", errors="replace").rstrip()
        py_level = _log_state["level"] if level == 5 else _LEVELS.get(level, logging.DEBUG)
        _log_state["level"] = py_level
        if level == 4 and line:
            _recent_errors.append(line)
        device = gpu.layer_device(line) if "assigned to device" in line else None
        if device is not None:
            _layer_devices.append(device)
        if line and _native_log.isEnabledFor(py_level):
            _native_log.log(py_level, "%s", line)

    _log_state["callback"] = callback  # kept alive: llama.cpp holds only a raw pointer
    llama_cpp.llama_log_set(callback, ctypes.c_void_p(0))


def _load_error(exc: BaseException) -> str:
    """The most telling line llama.cpp logged about a failed load: the one with the reason
    ("error loading model: key not found ...") rather than the final "failed to load"."""
    lines = list(_recent_errors)
    for line in lines:
        if "error loading model:" in line:
            return line.rsplit("error loading model:", 1)[1].strip().rstrip(".")
    return (lines[-1] if lines else str(exc)).rstrip(".")


def with_kept_note(exc: Exception, kept: str | None) -> ModelError:
    """A model that could not be loaded, said as a ModelError that names the model still in
    use (`kept`), when there is one."""
    note = f" The previous model ({kept}) is still in use." if kept is not None else ""
    return ModelError(f"{exc}{note}")


# -- what the engine loads -----------------------------------------------------------------


@dataclass(frozen=True)
class LoadSpec:
    """A model file and the llama.cpp parameters to load it with."""

    name: str
    path: Path
    sha256: str
    n_gpu_layers: int | str = 0  # a number, or config.AUTO (resolved when the model loads)
    n_ctx: int = 4096
    n_threads: int = 0
    n_batch: int = 512
    flash_attn: bool = False
    use_mmap: bool = True
    use_mlock: bool = False

    @classmethod
    def from_settings(cls, model: ResolvedModel, settings: Settings) -> LoadSpec:
        return cls(
            name=model.name,
            path=model.path,
            sha256=model.sha256,
            n_gpu_layers=settings.n_gpu_layers,
            n_ctx=settings.n_ctx,
            n_threads=settings.n_threads,
            n_batch=settings.n_batch,
            flash_attn=settings.flash_attn,
            use_mmap=settings.use_mmap,
            use_mlock=settings.use_mlock,
        )

    def same_model_except_threads(self, other: LoadSpec) -> bool:
        return self.n_threads != other.n_threads and self == _with_threads(other, self.n_threads)


def _with_threads(spec: LoadSpec, n_threads: int) -> LoadSpec:
    values = {name: getattr(spec, name) for name in spec.__dataclass_fields__}
    values["n_threads"] = n_threads
    return LoadSpec(**values)


@dataclass(frozen=True)
class Generation:
    text: str
    prompt_tokens: int
    cached_tokens: int  # prompt tokens found in the KV cache and not read again
    tokens: int  # generated
    finish: str  # "stop" (stop sequence), "eos" (end of text), "length" (max_tokens)
    prefill_seconds: float  # until the first token was sampled
    seconds: float
    offloaded_layers: int = 0  # layers of the model llama.cpp placed on a GPU


# -- the model facade (worker thread only) -------------------------------------------------


class LoadedModel:
    """A loaded llama.cpp model. Only the engine's worker thread may call it."""

    def __init__(self, spec: LoadSpec, info: GgufInfo, gpu_layers: int | None = None) -> None:
        """`gpu_layers` overrides the layers `spec` asks for (0: the CPU fallback of Auto)."""
        llama_cpp = import_llama()
        self._llama_cpp = llama_cpp
        self.spec = spec
        self.info = info
        trained = info.context_length
        n_ctx = min(spec.n_ctx, trained) if trained > 0 else spec.n_ctx
        n_batch = min(spec.n_batch, n_ctx)
        threads = spec.n_threads or None  # None: llama-cpp-python picks from the CPU count
        if gpu_layers is None:
            gpu_layers = gpu.resolve_layers(spec.n_gpu_layers, info, n_ctx, gpu_info())
        _recent_errors.clear()
        _layer_devices.clear()
        try:
            self.llama = llama_cpp.Llama(
                model_path=str(spec.path),
                n_gpu_layers=gpu_layers,
                n_ctx=n_ctx,
                n_batch=n_batch,
                n_ubatch=n_batch,
                n_threads=threads,
                n_threads_batch=threads,
                flash_attn=spec.flash_attn,
                use_mmap=spec.use_mmap,
                use_mlock=spec.use_mlock,
                # Sliding-window models (Gemma 3) otherwise drop the KV cells a reused prefix
                # needs; the full-size cache keeps prefix reuse exact.
                swa_full=True,
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelError(
                f"llama.cpp could not load the model {spec.path.name}: {_load_error(exc)}."
            ) from exc
        self.n_ctx = self.llama.n_ctx()
        # Read from llama.cpp's own account of the load, not from the setting.
        self.offloaded_layers = gpu.count_offloaded(_layer_devices)
        self.memo: dict[str, Any] = {}  # values derived from this model, computed once
        self.vocab = self.llama._model.vocab
        self._formatter = self._chat_formatter()

    def _chat_formatter(self) -> Any:
        template = self.info.chat_template
        if template is None:
            return None
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        model = self.llama._model
        bos, eos = self.llama.token_bos(), self.llama.token_eos()
        return Jinja2ChatFormatter(
            template=template,
            eos_token=model.token_get_text(eos) if eos != -1 else "",
            bos_token=model.token_get_text(bos) if bos != -1 else "",
        )

    def close(self) -> None:
        self.llama.close()

    # -- text and tokens -----------------------------------------------------------------

    @property
    def style(self) -> prompts.PromptStyle:
        return prompts.PromptStyle(
            count=self.count,
            n_ctx=self.n_ctx,
            render_chat=self.render_chat if self._formatter is not None else None,
        )

    def render_chat(self, messages: list[dict[str, str]]) -> str:
        try:
            return str(self._formatter(messages=messages).prompt)
        except Exception as exc:  # a template is a program from the model file: anything goes
            raise ModelError(
                f"The chat template of {self.spec.path.name} cannot be used: {exc}"
            ) from exc

    def tokenize(self, text: str, special: bool = False) -> list[int]:
        """Tokens of a whole prompt, with the BOS token the model expects (once)."""
        data = text.encode("utf-8")
        add_bos = self.llama._model.add_bos_token()
        if special and add_bos:
            bos = self.llama.token_bos()
            bos_text = self.llama._model.token_get_text(bos) if bos != -1 else ""
            add_bos = not (bos_text and text.startswith(bos_text))  # template wrote it
        return self.llama.tokenize(data, add_bos=add_bos, special=special)

    def count(self, text: str) -> int:
        return len(self.llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    # -- the KV cache --------------------------------------------------------------------

    def _prefill(self, tokens: Sequence[int], cancel: CancelToken) -> int:
        """Evaluate `tokens`, reusing the longest prefix already in the KV cache; at least one
        token is evaluated so the logits are fresh. Cancel is checked between batches.
        Returns how many tokens were reused."""
        llama = self.llama
        if len(tokens) >= self.n_ctx:
            raise ModelError(
                f"The prompt ({len(tokens)} tokens) does not fit the context ({self.n_ctx})."
            )
        cached = llama.n_tokens
        limit = min(cached, len(tokens) - 1)
        reused = 0
        if limit > 0:
            held = llama.input_ids[:limit]
            wanted = np.asarray(tokens[:limit], dtype=held.dtype)
            differ = np.flatnonzero(held != wanted)
            reused = int(differ[0]) if differ.size else limit
        if reused < cached and (reused == 0 or not llama._ctx.kv_cache_seq_rm(-1, reused, -1)):
            reused = 0
            llama.reset()
            llama._ctx.kv_cache_clear()
        llama.n_tokens = reused
        rest = list(tokens[reused:])
        step = max(1, llama.n_batch)
        for start in range(0, len(rest), step):
            cancel.raise_if_cancelled()
            llama.eval(rest[start : start + step])
        return reused

    # -- generation ----------------------------------------------------------------------

    def stream(self, prompt: prompts.Prompt, emit: Emit, cancel: CancelToken) -> Generation:
        """Complete `prompt`, emitting text as it is generated; stops at a stop sequence, the
        end of text, `max_tokens`, or the end of the context."""
        started = time.perf_counter()
        tokens = self.tokenize(prompt.text, special=prompt.special)
        cached = self._prefill(tokens, cancel)
        room = self.n_ctx - len(tokens)
        limit = max(0, min(prompt.max_tokens, room))
        sampling = prompt.sampling
        scanner = StopScanner(prompt.stop)
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        out: list[str] = []
        count, finish = 0, "length"
        first_at: float | None = None
        is_eog = self._llama_cpp.llama_vocab_is_eog
        generator = self.llama.generate(
            tokens,
            temp=sampling.temperature,
            top_k=sampling.top_k,
            top_p=sampling.top_p,
            min_p=sampling.min_p,
            repeat_penalty=sampling.repeat_penalty,
        )
        with contextlib.closing(generator):
            for token in generator if limit else ():
                if first_at is None:
                    first_at = time.perf_counter()
                if is_eog(self.vocab, token):
                    finish = "eos"
                    break
                count += 1
                text = scanner.feed(decoder.decode(self.llama.detokenize([token])))
                if text:
                    out.append(text)
                    emit(text)
                if scanner.stopped:
                    finish = "stop"
                    break
                if count >= limit:
                    break
                cancel.raise_if_cancelled()
        if not scanner.stopped:
            tail = scanner.feed(decoder.decode(b"", final=True)) + scanner.flush()
            if tail:
                out.append(tail)
                emit(tail)
        ended = time.perf_counter()
        return Generation(
            text="".join(out),
            prompt_tokens=len(tokens),
            cached_tokens=cached,
            tokens=count,
            finish=finish,
            prefill_seconds=(first_at or ended) - started,
            seconds=ended - started,
            offloaded_layers=self.offloaded_layers,
        )

    def label_logprobs(
        self,
        prompt: prompts.Prompt,
        labels: Mapping[str, Sequence[str]],
        cancel: CancelToken,
    ) -> dict[str, float]:
        """log P(label | prompt) for each label, from the model's own next-token distribution.
        A label written several ways (" positive", "Positive") sums its variants; a variant of
        several tokens multiplies their probabilities, read one token at a time."""
        tokens = self.tokenize(prompt.text, special=prompt.special)
        self._prefill(tokens, cancel)
        base = self.llama.n_tokens
        first = self._logprobs()
        scores: dict[str, float] = {}
        for label, variants in labels.items():
            values = []
            for variant in variants:
                ids = self.llama.tokenize(variant.encode("utf-8"), add_bos=False, special=False)
                if not ids:
                    continue
                total = float(first[ids[0]])
                for i in range(1, len(ids)):
                    if base + i >= self.n_ctx:
                        break
                    self.llama.eval([ids[i - 1]])
                    total += float(self._logprobs()[ids[i]])
                if len(ids) > 1:
                    self._rewind(base)
                values.append(total)
            scores[label] = float(np.logaddexp.reduce(values)) if values else float("-inf")
        return scores

    def _logprobs(self) -> np.ndarray:
        pointer = self.llama._ctx.get_logits_ith(-1)
        logits = np.ctypeslib.as_array(pointer, shape=(self.llama.n_vocab(),)).astype(np.float64)
        return logits - np.logaddexp.reduce(logits)

    def _rewind(self, n_tokens: int) -> None:
        if not self.llama._ctx.kv_cache_seq_rm(-1, n_tokens, -1):
            n_tokens = 0
            self.llama.reset()
        self.llama.n_tokens = n_tokens
        self.llama._requires_eval = True  # the logits no longer belong to the last token

    def set_threads(self, n_threads: int) -> None:
        import multiprocessing

        generation = n_threads or max(multiprocessing.cpu_count() // 2, 1)
        batch = n_threads or multiprocessing.cpu_count()
        self.llama._ctx.set_n_threads(generation, batch)
        self.llama.n_threads, self.llama.n_threads_batch = generation, batch


# -- the engine ----------------------------------------------------------------------------
