"""The assistant service: ask the library, summarise a document, read its sentiment.

Plain Python with callbacks (tokens, progress) and cancel tokens; the CLI prints what it gets,
the window wraps each call in a worker thread. Methods may be called from any thread but the
one language model is shared: the engine runs one job at a time, in order. Every call opens
its own `Library` (and so its own SQLite connection), because connections are not shared
between threads.

Answers come from hybrid retrieval: when no passage is relevant enough the assistant says so
without asking the model (a small model asked anyway would invent something). Long jobs are
split into engine jobs (one per part of a summary, one per page of sentiment), so cancel and
progress come between them and a question asked meanwhile does not wait for a whole book.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from docnook import paths
from docnook.config import Settings, load_settings, save_settings
from docnook.errors import InputError, ModelError
from docnook.index import search as search_module
from docnook.index import vectors
from docnook.index.analyses import AnalysisKey, get_analysis, put_analysis
from docnook.index.embedder import Embedder
from docnook.index.store import DocumentRecord
from docnook.jobs import CancelToken
from docnook.library import Library
from docnook.llm import citations, gpu, memory, prompts
from docnook.llm.engine import (
    Engine,
    Generation,
    GpuInfo,
    LoadedModel,
    LoadSpec,
    gpu_info,
    with_kept_note,
)
from docnook.llm.gguf import GgufInfo
from docnook.llm.models import ModelCatalog, ModelInfo

__all__ = [
    "Answer",
    "Assistant",
    "Citation",
    "GpuInfo",
    "ModelInfo",
    "PageSentiment",
    "Sentiment",
    "Summary",
    "TaskProgress",
]

TokenCallback = Callable[[str], None]

# Retrieval: how many passages are offered to the model, and what counts as relevant. The
# cosine similarities are those of all-MiniLM-L6-v2. Measured on the R manuals: questions the
# manuals answer find passages at 0.43-0.65, unrelated questions (capital of France, Mount
# Everest) top out at 0.29, or 0.21 among passages that share a word with them (BM25 match).
CANDIDATES = 6
MIN_SIMILARITY = 0.35
MIN_SIMILARITY_WITH_WORDS = 0.28
NOT_FOUND = "The library holds nothing that answers this question."
# Questions longer than this are measured with the model's tokenizer before anything else.
LONG_QUESTION_CHARS = 500
NO_ANSWER = "The model did not answer from these sources; they are listed below."


@dataclass(frozen=True)
class Citation:
    n: int
    document_id: int
    path: str
    title: str
    page: int  # the page the cited passage answers from: where a link opens
    page_end: int  # the passage's last page
    chunk_id: int
    text: str

    def as_json(self) -> dict[str, Any]:
        return {"n": self.n, "path": self.path, "title": self.title, "page": self.page}

    def label(self) -> str:
        return f"[{self.n}] {self.title}, p. {self.page}"


@dataclass(frozen=True)
class Answer:
    answer: str
    found: bool  # False: the library held nothing relevant and the model was not asked
    citations: list[Citation] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "found": self.found,
            "citations": [c.as_json() for c in self.citations],
        }


@dataclass(frozen=True)
class Summary:
    summary: str
    cached: bool

    def as_json(self) -> dict[str, Any]:
        return {"summary": self.summary, "cached": self.cached}


@dataclass(frozen=True)
class PageSentiment:
    page: int
    label: str
    scores: dict[str, float]

    def as_json(self) -> dict[str, Any]:
        return {"page": self.page, "label": self.label, "scores": _rounded(self.scores)}


@dataclass(frozen=True)
class Sentiment:
    label: str
    scores: dict[str, float]  # positive, neutral, negative; they sum to 1
    pages: list[PageSentiment] = field(default_factory=list)
    cached: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "scores": _rounded(self.scores),
            "pages": [p.as_json() for p in self.pages],
        }

    def _stored(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "scores": self.scores,
            "pages": [{"page": p.page, "label": p.label, "scores": p.scores} for p in self.pages],
        }

    @classmethod
    def _from_stored(cls, data: dict[str, Any]) -> Sentiment:
        pages = [PageSentiment(p["page"], p["label"], dict(p["scores"])) for p in data["pages"]]
        return cls(data["label"], dict(data["scores"]), pages, cached=True)


@dataclass(frozen=True)
class TaskProgress:
    done: int
    total: int
    message: str


def _rounded(scores: dict[str, float]) -> dict[str, float]:
    return {label: round(float(scores[label]), 4) for label in prompts.LABELS}


def _label(scores: dict[str, float]) -> str:
    return max(prompts.LABELS, key=lambda label: scores[label])


class Assistant:
    """The language-model side of DocNook for one data directory."""

    def __init__(self, data_dir: Path | None = None, embedder: Embedder | None = None) -> None:
        self.data_dir = paths.ensure_private_dir(data_dir or paths.data_dir())
        self._embedder = embedder
        self._catalog = ModelCatalog(self.data_dir)
        self._settings = load_settings(self.data_dir)
        self._lock = threading.RLock()  # settings and model loading
        self._engine = Engine()
        self._previous_sources: tuple[int, ...] = ()
        # Token counts and timings of the last answer, for benchmarks and diagnostics.
        self.last_generation: Generation | None = None

    # -- settings and models -------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        with self._lock:
            return self._settings

    def apply_settings(self, settings: Settings) -> None:
        """Load the model as `settings` say (on the engine's worker; this call waits), then
        save them. On failure raise ModelError: the previous model and settings stay."""
        with self._lock:
            self._engine.load(self._spec(settings))
            save_settings(self.data_dir, settings)
            self._settings = settings

    def models(self) -> list[ModelInfo]:
        return self._catalog.infos(in_use=self.settings.model)

    def add_model(self, path: Path) -> ModelInfo:
        return self._catalog.add(Path(path), in_use=self.settings.model)

    def use_model(self, name: str) -> None:
        self.apply_settings(self.settings.replace(model=name))

    def gpu_info(self) -> GpuInfo:
        return gpu_info()

    def engine_state(self) -> str:
        return self._engine.state

    def close(self) -> None:
        self._engine.close()

    def __enter__(self) -> Assistant:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _spec(self, settings: Settings) -> LoadSpec:
        def fits(info: GgufInfo) -> None:
            devices = gpu_info()  # Auto and a build without a usable GPU offload nothing
            layers = gpu.resolve_layers(settings.n_gpu_layers, info, settings.n_ctx, devices)
            memory.check_fits(info, settings.n_ctx, layers, devices.available)

        try:
            model = self._catalog.resolve(settings.model, check=fits)
        except (InputError, ModelError) as exc:
            loaded = self._engine.loaded
            in_use = self._engine.state == "ready" and loaded is not None
            raise with_kept_note(exc, loaded.name if in_use else None) from None
        return LoadSpec.from_settings(model, settings)

    def _ensure_model(self) -> LoadSpec:
        """The model of the current settings, loaded on first use."""
        with self._lock:
            spec = self._spec(self._settings)
            self._engine.load(spec)
            return spec

    def _library(self) -> Library:
        return Library(self.data_dir, self._embedder)

    # -- asking --------------------------------------------------------------------------

    def ask(
        self,
        question: str,
        document_ids: list[int] | None = None,
        on_token: TokenCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> Answer:
        """Answer from the library (or from `document_ids` only), streaming the answer's text
        to `on_token`. When nothing relevant is found the model is not asked, nothing is
        streamed, and the answer says so with `found` False. The final `Answer.answer` carries
        the checked citation markers, which the streamed text may lack."""
        question = " ".join(question.split())
        if not question:
            raise InputError("Ask a question.")
        cancel = cancel or CancelToken()
        if len(question) > LONG_QUESTION_CHARS:
            # Said before searching: "too long" is the answer, not "nothing relevant found".
            self._ensure_model()
            self._engine.run(lambda m, emit, c: prompts.check_question(m.style, question))
        with self._library() as library:
            ids = [self._document(library, ref).id for ref in document_ids or []] or None
            hits = library.search(question, k=CANDIDATES, document_ids=ids)
            hits = self._relevant(library, question, hits, ids)
        if not hits:
            return Answer(NOT_FOUND, False, [])
        cancel.raise_if_cancelled()
        self._ensure_model()
        candidates = [
            prompts.SourceText(h.chunk_id, h.title, h.page_start, h.page_end, h.text) for h in hits
        ]
        previous = self._previous_sources

        def build(model: LoadedModel, emit: TokenCallback, cancel: CancelToken) -> Any:
            return prompts.ask_prompt(model.style, question, candidates, previous)

        prompt, used = self._engine.run(build, cancel=cancel)
        if not used:
            raise ModelError(
                "The context length is too small to hold a source. Raise n_ctx in settings."
            )
        checker = citations.CitationStream([s.text for s in used])

        def forward(text: str) -> None:
            checked = checker.feed(text)
            if checked and on_token is not None:
                on_token(checked)

        def generate(model: LoadedModel, emit: TokenCallback, cancel: CancelToken) -> Any:
            return model.stream(prompt, emit, cancel)

        self.last_generation = self._engine.run(generate, forward, cancel)
        forward(checker.flush())
        self._previous_sources = tuple(s.key for s in used)
        attribution = citations.attribute(checker.text.strip(), [s.text for s in used])
        text = attribution.text.strip() or NO_ANSWER
        numbers = attribution.numbers or tuple(range(1, len(used) + 1))
        by_chunk = {h.chunk_id: h for h in hits}
        with self._library() as library:
            cited = [
                self._citation(library, n, by_chunk[used[n - 1].key], text, question)
                for n in numbers
            ]
        return Answer(text, True, cited)

    def _relevant(
        self,
        library: Library,
        question: str,
        hits: list[search_module.SearchHit],
        document_ids: list[int] | None,
    ) -> list[search_module.SearchHit]:
        """The hits close enough to the question to be worth the model's time."""
        if not hits:
            return []
        query = library.embedder.embed_query(question)
        matrix = vectors.load_matrix(library.store)
        rows = np.searchsorted(matrix.chunk_ids, [h.chunk_id for h in hits])
        similarity = {}
        for hit, row in zip(hits, rows, strict=True):
            if row < len(matrix.chunk_ids) and matrix.chunk_ids[row] == hit.chunk_id:
                similarity[hit.chunk_id] = float(matrix.matrix[row] @ query)
        worded = set(
            search_module.bm25_ranked(library.store, question, 4 * CANDIDATES, document_ids)
        )
        return [
            h
            for h in hits
            if similarity.get(h.chunk_id, 0.0) >= MIN_SIMILARITY
            or (
                h.chunk_id in worded
                and similarity.get(h.chunk_id, 0.0) >= MIN_SIMILARITY_WITH_WORDS
            )
        ]

    @staticmethod
    def _citation(
        library: Library, n: int, hit: search_module.SearchHit, answer: str, question: str
    ) -> Citation:
        """Source `n`, pointing at the page of its passage that the sentences citing it (or,
        failing that, the question) have most in common with."""
        page = getattr(hit, "page", hit.page_start)
        if hit.page_end > hit.page_start:
            rows = library.store.query(
                "SELECT page_no, text FROM pages WHERE document_id = ? AND page_no BETWEEN ? "
                "AND ? ORDER BY page_no",
                (hit.document_id, hit.page_start, hit.page_end),
            )
            pages = [(p, citations.content_words(t)) for p, t in rows]
            for text in (citations.citing_text(answer, n), question):
                wanted = citations.content_words(text)
                overlaps = [(len(wanted & words), -p) for p, words in pages]
                if overlaps and max(overlaps)[0] > 0:
                    page = -max(overlaps)[1]  # most words in common; the earlier page on a tie
                    break
        return Citation(
            n, hit.document_id, hit.path, hit.title, page, hit.page_end, hit.chunk_id, hit.text
        )

    # -- summaries -----------------------------------------------------------------------

    def cached_summary(self, document_id: int) -> Summary | None:
        """The cached summary for the current model, or None; never loads the model."""
        key = self._cache_key("summary", document_id, prompts.SUMMARY_VERSION, known_only=True)
        if key is None:
            return None
        with self._library() as library:
            data = get_analysis(library.store, key)
        if not data or not isinstance(data.get("summary"), str):
            return None
        return Summary(data["summary"], True)

    def summarize(
        self,
        document_id: int,
        on_token: TokenCallback | None = None,
        progress: Callable[[TaskProgress], None] | None = None,
        cancel: CancelToken | None = None,
    ) -> Summary:
        """A summary of the whole document: its chunks are summarised in groups that fit the
        context (map), and the summaries of those again until one is left (reduce). Only the
        final step streams to `on_token`; `progress` follows the steps. Cached per document
        bytes, model and prompt version."""
        cancel = cancel or CancelToken()
        report = progress or (lambda _: None)
        cached = self.cached_summary(document_id)
        if cached is not None:
            report(TaskProgress(1, 1, "Summary from the cache."))
            return cached
        with self._library() as library:
            record = self._document(library, document_id)
            texts = [
                row[0]
                for row in library.store.query(
                    "SELECT text FROM chunks WHERE document_id = ? ORDER BY seq", (record.id,)
                )
            ]
        if not texts:
            raise InputError(f"{record.title} has no text to summarise.")
        spec = self._ensure_model()
        summary = self._map_reduce(texts, on_token, report, cancel)
        key = AnalysisKey("summary", record.sha256, spec.sha256, prompts.SUMMARY_VERSION)
        with self._library() as library:
            put_analysis(library.store, key, {"summary": summary})
        return Summary(summary, False)

    def _map_reduce(
        self,
        texts: list[str],
        on_token: TokenCallback | None,
        report: Callable[[TaskProgress], None],
        cancel: CancelToken,
    ) -> str:
        groups = self._engine.run(_grouper(texts, final=False), cancel=cancel)
        done, level = 0, 1
        total = len(groups) + (1 if len(groups) > 1 else 0)
        report(TaskProgress(0, total, f"Summarising {len(groups)} part(s)."))
        while len(groups) > 1:
            partials = []
            for i, group in enumerate(groups, 1):
                partials.append(self._summarise(group, False, level > 1, None, cancel))
                done += 1
                report(TaskProgress(done, total, f"Level {level}: part {i} of {len(groups)}."))
            regrouped = self._engine.run(_grouper(partials, final=True), cancel=cancel)
            if len(regrouped) >= len(groups):
                raise ModelError(
                    "The context length is too small to summarise this document. "
                    "Raise n_ctx in settings."
                )
            groups, level = regrouped, level + 1
            total = done + len(groups) + (1 if len(groups) > 1 else 0)
        summary = self._summarise(groups[0], True, level > 1, on_token, cancel)
        report(TaskProgress(total, total, "Summary ready."))
        return summary

    def _summarise(
        self,
        text: str,
        final: bool,
        parts: bool,
        on_token: TokenCallback | None,
        cancel: CancelToken,
    ) -> str:
        def job(model: LoadedModel, emit: TokenCallback, cancel: CancelToken) -> str:
            prompt = prompts.summary_prompt(model.style, text, final, parts)
            generation = model.stream(prompt, emit, cancel)
            result = generation.text.strip()
            if generation.finish == "length":
                result = prompts.trim_to_sentence(result)
            if not result:
                # Nothing came out: the group's own opening stands in for its summary.
                budget = prompts.summary_tokens(model.n_ctx, final)
                result = prompts.split_to_budget(text, budget, model.count)[0]
                emit(result)
            return result

        return self._engine.run(job, on_token, cancel)

    # -- sentiment -----------------------------------------------------------------------

    def cached_sentiment(self, document_id: int) -> Sentiment | None:
        key = self._cache_key("sentiment", document_id, prompts.SENTIMENT_VERSION, known_only=True)
        if key is None:
            return None
        with self._library() as library:
            data = get_analysis(library.store, key)
        try:
            return Sentiment._from_stored(data) if data else None
        except (KeyError, TypeError, ValueError):
            return None

    def sentiment(
        self,
        document_id: int,
        progress: Callable[[TaskProgress], None] | None = None,
        cancel: CancelToken | None = None,
    ) -> Sentiment:
        """Sentiment per page and for the document, from the model's own probabilities for
        the three label words; the document's is the pages' average weighted by their length.
        Cached like summaries."""
        cancel = cancel or CancelToken()
        report = progress or (lambda _: None)
        cached = self.cached_sentiment(document_id)
        if cached is not None:
            report(TaskProgress(1, 1, "Sentiment from the cache."))
            return cached
        with self._library() as library:
            record = self._document(library, document_id)
            texts = library.store.page_texts(record.id)
        pages = [(n, text) for n, text in enumerate(texts, 1) if text.strip()]
        if not pages:
            raise InputError(f"{record.title} has no text to read.")
        spec = self._ensure_model()
        results: list[PageSentiment] = []
        weights: list[int] = []
        report(TaskProgress(0, len(pages), f"Reading {len(pages)} page(s)."))
        for i, (page_no, text) in enumerate(pages, 1):
            scores, weight = self._engine.run(_page_scorer(text), cancel=cancel)
            results.append(PageSentiment(page_no, _label(scores), scores))
            weights.append(weight)
            report(TaskProgress(i, len(pages), f"Page {page_no}: {_label(scores)}."))
        total = sum(weights) or 1
        overall = {
            label: sum(p.scores[label] * w for p, w in zip(results, weights, strict=True)) / total
            for label in prompts.LABELS
        }
        result = Sentiment(_label(overall), overall, results)
        key = AnalysisKey("sentiment", record.sha256, spec.sha256, prompts.SENTIMENT_VERSION)
        with self._library() as library:
            put_analysis(library.store, key, result._stored())
        return result

    # -- shared ----------------------------------------------------------------------------

    @staticmethod
    def _document(library: Library, ref: int | str) -> DocumentRecord:
        record = library.resolve(ref)
        if record.status != "indexed":
            reason = f": {record.error}" if record.error else ""
            raise InputError(f"{record.title} is not indexed ({record.status}{reason}).")
        return record

    def _cache_key(
        self, kind: str, document_id: int, version: str, known_only: bool
    ) -> AnalysisKey | None:
        with self._library() as library:
            record = library.resolve(document_id)  # a document not indexed has no cache: None
        name = self.settings.model
        sha = self._catalog.known_sha256(name)
        if sha is None and not known_only:
            sha = self._catalog.resolve(name).sha256
        return AnalysisKey(kind, record.sha256, sha, version) if sha else None


def _grouper(texts: Sequence[str], final: bool) -> Callable[..., list[str]]:
    """An engine job packing `texts` into groups that fit one summary prompt."""

    def job(model: LoadedModel, emit: TokenCallback, cancel: CancelToken) -> list[str]:
        style = model.style
        return prompts.group_to_budget(texts, prompts.summary_window(style, final), style.count)

    return job


def _page_scorer(text: str) -> Callable[..., tuple[dict[str, float], int]]:
    """An engine job: the calibrated label distribution of one page (its pieces, if it is
    long, averaged by length) and the page's length in tokens."""

    def job(
        model: LoadedModel, emit: TokenCallback, cancel: CancelToken
    ) -> tuple[dict[str, float], int]:
        style = model.style
        variants = prompts.label_variants(style)

        def probabilities(piece: str) -> dict[str, float]:
            prompt = prompts.sentiment_prompt(style, piece)
            return prompts.normalise(model.label_logprobs(prompt, variants, cancel))

        key = f"sentiment-prior:{prompts.SENTIMENT_VERSION}"
        if key not in model.memo:
            free = [probabilities(t) for t in prompts.CONTENT_FREE]
            model.memo[key] = {k: sum(p[k] for p in free) / len(free) for k in prompts.LABELS}
        prior = model.memo[key]
        pieces = prompts.split_to_budget(text, prompts.sentiment_window(style), style.count)
        sums = dict.fromkeys(prompts.LABELS, 0.0)
        total = 0
        for piece in pieces:
            cancel.raise_if_cancelled()
            calibrated = prompts.calibrate(probabilities(piece), prior)
            size = max(1, model.count(piece))
            for label in prompts.LABELS:
                sums[label] += calibrated[label] * size
            total += size
        return {label: sums[label] / max(total, 1) for label in prompts.LABELS}, total

    return job
