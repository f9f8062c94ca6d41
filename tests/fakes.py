"""Fakes for the fast tier (tests/fast): an embedder, a language model and an engine that
stand behind the real interfaces, so library, search and assistant logic runs in
milliseconds on real SQLite and real PDFs. The integration tests never use them.

- `FakeEmbedder`: 384-d unit vectors from hashed words: texts that share words are near,
  others are not; the same text gives the same vector in every process.
- `FakeModel`: what `LoadedModel` offers a job (`style`, `count`, `stream`,
  `label_logprobs`, `memo`), with words for tokens, scripted replies and label scores from
  a small lexicon. It records every prompt it was given.
- `FakeEngine`: what `Engine` offers the assistant (`load`, `run`, `state`, `loaded`,
  `close`), running each job at once on the calling thread with one `FakeModel`; `jobs`
  counts the jobs it ran.
- `use_tiny_model`: makes a data dir use a tiny GGUF header instead of the bundled model,
  so nothing is assembled or hashed at length.
- `assistant_with`: the real `Assistant` on a data dir, with the fake embedder and a fake
  engine around `model`; `refuse_the_engine`: makes any use of that engine fail the test.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from docnook.assistant import Assistant
from docnook.config import Settings, save_settings
from docnook.errors import ModelError
from docnook.jobs import CancelToken
from docnook.llm import prompts
from docnook.llm.engine import Generation, LoadSpec
from docnook.llm.models import ModelCatalog
from gguf_tools import tiny_gguf

_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)
_WORD = re.compile(r"\w+", re.UNICODE)
_COMMON = frozenset(
    [
        "phone",
        "number",
        "year",
        "chart",
        "plot",
        "fee",
        "cost",
        "open",
        "opening",
        "hours",
        "garden",
        "plot",
        "water",
        "tell",
        "tells",
        "better",
        "paper",
        "people",
        "company",
        "stock",
        "controller",
        "configured",
    ]
)


class FakeEmbedder:
    """Deterministic bag-of-words embeddings behind `Embedder`'s interface."""

    dimensions = 384
    slice = 8  # texts per step: cancel and on_done come between steps, as in the real one

    def __init__(self) -> None:
        self.embedded = 0  # texts embedded so far, queries included

    def load(self) -> FakeEmbedder:
        return self

    def common_words(self) -> frozenset[str]:
        """A few common English words, as the real vocabulary holds them (rare ones it lacks)."""
        return _COMMON

    def token_spans(self, texts: Sequence[str]) -> list[list[tuple[int, int]]]:
        """Each word and each punctuation mark is a token."""
        return [[m.span() for m in _TOKEN.finditer(text)] for text in texts]

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimensions, dtype=np.float32)
        for word in _WORD.findall(text.lower()):
            # Stable across processes (unlike hash()); a crude stem so "walruses" ~ "walrus".
            digest = hashlib.blake2b(word[:6].encode("utf-8"), digest_size=8).digest()
            slot = int.from_bytes(digest[:4], "little") % self.dimensions
            vector[slot] += 1.0 if digest[4] & 1 else -1.0
        norm = float(np.linalg.norm(vector))
        if norm == 0.0:
            vector[0] = 1.0  # no words: still a unit vector, like the real model's
            return vector
        return vector / norm

    def embed(
        self,
        texts: Sequence[str],
        cancel: CancelToken | None = None,
        on_done: Callable[[int], None] | None = None,
        batch_size: int | None = None,
    ) -> np.ndarray:
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for start in range(0, len(texts), self.slice):
            if cancel is not None:
                cancel.raise_if_cancelled()
            for i in range(start, min(start + self.slice, len(texts))):
                out[i] = self._vector(texts[i])
            self.embedded += min(self.slice, len(texts) - start)
            if on_done is not None:
                on_done(min(start + self.slice, len(texts)))
        return out

    def embed_with_sentences(
        self,
        texts: Sequence[str],
        sentence_spans: Sequence[Sequence[tuple[int, int]]],
        cancel: CancelToken | None = None,
        on_done: Callable[[int], None] | None = None,
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """As the real one: each sentence's vector comes with its text's, at no extra call."""
        vectors = self.embed(texts, cancel, on_done)
        sentences = [
            np.array([self._vector(text[a:b]) for a, b in spans], dtype=np.float32).reshape(
                len(spans), self.dimensions
            )
            for text, spans in zip(texts, sentence_spans, strict=True)
        ]
        return vectors, sentences

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]


# -- the language model ----------------------------------------------------------------------

POSITIVE_WORDS = frozenset(
    {
        *("wonderful", "joyful", "loved", "brilliant", "delicious", "happy", "grateful"),
        *("best", "kind", "beautiful", "perfect", "delighted", "great", "excellent"),
    }
)
NEGATIVE_WORDS = frozenset(
    {
        *("terrible", "disaster", "failed", "furious", "lost", "miserable", "angry", "awful"),
        *("worst", "filthy", "rude", "sick", "hated", "horrible", "broke"),
    }
)
Reply = Callable[[prompts.Prompt], str]


def lexicon_logprobs(text: str) -> dict[str, float]:
    """Label log-probabilities from the words of `text`: happy and unhappy words pull towards
    their label, every other word a little towards neutral, so text with no opinion reads as
    neutral once calibration has divided out the answer for content-free text."""
    words = [w.lower() for w in _WORD.findall(text)]
    positive = sum(w in POSITIVE_WORDS for w in words)
    negative = sum(w in NEGATIVE_WORDS for w in words)
    weights = {
        "positive": 1.0 + 2.0 * positive,
        "neutral": 1.0 + 0.25 * (len(words) - positive - negative),
        "negative": 1.0 + 2.0 * negative,
    }
    total = sum(weights.values())
    return {label: math.log(weight / total) for label, weight in weights.items()}


def scored_text(prompt: prompts.Prompt) -> str:
    """The text a sentiment prompt asks about: what follows its last "Text:"."""
    body = prompt.text.rsplit("Text:", 1)[-1]
    return body.rsplit("\nSentiment:", 1)[0].strip()


class FakeModel:
    """Stands in for `LoadedModel`: words are tokens; `reply` scripts what `stream` says."""

    def __init__(
        self,
        n_ctx: int = 1024,
        reply: Reply | Sequence[str] | str = "A scripted reply.",
        scores: Callable[[str], dict[str, float]] = lexicon_logprobs,
    ) -> None:
        self.n_ctx = n_ctx
        self.memo: dict[str, Any] = {}
        self.streamed: list[prompts.Prompt] = []  # every prompt given to `stream`
        self.scored: list[prompts.Prompt] = []  # every prompt given to `label_logprobs`
        self._reply = reply
        self._scores = scores

    @property
    def style(self) -> prompts.PromptStyle:
        return prompts.PromptStyle(count=self.count, n_ctx=self.n_ctx)

    def count(self, text: str) -> int:
        return len(_TOKEN.findall(text))

    def tokenize(self, text: str, special: bool = False) -> list[int]:
        return list(range(self.count(text)))

    def reply_for(self, prompt: prompts.Prompt) -> str:
        if callable(self._reply):
            return self._reply(prompt)
        if isinstance(self._reply, str):
            return self._reply
        replies = list(self._reply)
        return replies[min(len(self.streamed) - 1, len(replies) - 1)]

    def stream(
        self, prompt: prompts.Prompt, emit: Callable[[str], None], cancel: CancelToken
    ) -> Generation:
        """Emit the scripted reply word by word, ending it where `prompt` would: at a stop
        sequence, or after `max_tokens` words."""
        self.streamed.append(prompt)
        text, finish = self.reply_for(prompt), "eos"
        for stop in prompt.stop:
            if stop in text:
                text, finish = text[: text.index(stop)], "stop"
        pieces = re.findall(r"\s*\S+\s*?", text)
        if len(pieces) > prompt.max_tokens:
            pieces, finish = pieces[: prompt.max_tokens], "length"
        out: list[str] = []
        for piece in pieces:
            cancel.raise_if_cancelled()
            out.append(piece)
            emit(piece)
        return Generation(
            text="".join(out),
            prompt_tokens=self.count(prompt.text),
            cached_tokens=0,
            tokens=len(pieces),
            finish=finish,
            prefill_seconds=0.0,
            seconds=0.0,
        )

    def label_logprobs(
        self, prompt: prompts.Prompt, labels: dict[str, Sequence[str]], cancel: CancelToken
    ) -> dict[str, float]:
        cancel.raise_if_cancelled()
        self.scored.append(prompt)
        scores = self._scores(scored_text(prompt))
        return {label: scores[label] for label in labels}


class FakeEngine:
    """Stands in for `Engine`: jobs run at once, one at a time, on the calling thread."""

    def __init__(self, model: FakeModel | None = None) -> None:
        self.model = model or FakeModel()
        self.loads: list[LoadSpec] = []
        self.jobs = 0
        self.last_error: str | None = None
        self._spec: LoadSpec | None = None
        self._state = "idle"
        self._closed = False
        self._lock = threading.RLock()  # one job at a time, like the engine's one worker

    @property
    def state(self) -> str:
        return self._state

    @property
    def loaded(self) -> LoadSpec | None:
        return self._spec

    def offloaded_layers(self) -> int | None:
        return None if self._spec is None else 0  # a fake places nothing on a GPU

    def load(self, spec: LoadSpec) -> None:
        with self._lock:
            if self._closed:
                raise ModelError("The language model engine has been closed.")
            self.loads.append(spec)
            self._spec, self._state = spec, "ready"

    def run(
        self,
        job: Callable[[Any, Callable[[str], None], CancelToken], Any],
        on_token: Callable[[str], None] | None = None,
        cancel: CancelToken | None = None,
    ) -> Any:
        cancel = cancel or CancelToken()
        with self._lock:
            if self._closed:
                raise ModelError("The language model engine has been closed.")
            if self._spec is None:
                raise ModelError("No language model is loaded.")
            cancel.raise_if_cancelled()
            self.jobs += 1
            self._state = "generating"
            try:
                return job(self.model, on_token or (lambda _: None), cancel)
            finally:
                self._state = "ready"

    def close(self) -> None:
        with self._lock:
            self._closed, self._spec, self._state = True, None, "idle"


def use_tiny_model(data_dir: Path) -> str:
    """Make `data_dir` use a tiny GGUF (a header and a few zeros) as its language model, and
    return its name: resolving it reads a few hundred bytes, where the bundled default would
    be assembled and hashed (hundreds of MB)."""
    path = tiny_gguf(data_dir.parent / f"{data_dir.name}-tiny.gguf")
    name = ModelCatalog(data_dir).add(path).name
    save_settings(data_dir, Settings(model=name, n_ctx=1024, n_threads=1))
    return name


def assistant_with(data_dir: Path, model: FakeModel) -> tuple[Assistant, FakeEngine]:
    """The real assistant on `data_dir`, answering with `model` through a `FakeEngine`."""
    use_tiny_model(data_dir)
    engine = FakeEngine(model)
    return Assistant(data_dir, FakeEmbedder(), engine=engine), engine  # type: ignore[arg-type]


def refuse_the_engine(monkeypatch: pytest.MonkeyPatch, engine: FakeEngine) -> None:
    """Any load or job on `engine` from now on fails the test: the model must not be used."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the language model was used")

    monkeypatch.setattr(engine, "run", refuse)
    monkeypatch.setattr(engine, "load", refuse)
