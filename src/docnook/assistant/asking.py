"""Asking the library: retrieve, then a cited answer from the language model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from docnook.assistant.runtime import Runtime, indexed_document
from docnook.errors import InputError, ModelError
from docnook.index import search as search_module
from docnook.index import vectors
from docnook.jobs import CancelToken
from docnook.library import Library
from docnook.llm import citations, prompts
from docnook.llm.engine import Generation, LoadedModel

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


class Asking:
    """Questions to the library of one runtime."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime
        self._previous_sources: tuple[int, ...] = ()
        # Token counts and timings of the last answer, for benchmarks and diagnostics.
        self.last_generation: Generation | None = None

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
            self._rt.ensure_model()
            self._rt.engine.run(lambda m, emit, c: prompts.check_question(m.style, question))
        with self._rt.library() as library:
            ids = [indexed_document(library, ref).id for ref in document_ids or []] or None
            hits = library.search(question, k=CANDIDATES, document_ids=ids)
            hits = self._relevant(library, question, hits, ids)
        if not hits:
            return Answer(NOT_FOUND, False, [])
        cancel.raise_if_cancelled()
        self._rt.ensure_model()
        candidates = [
            prompts.SourceText(h.chunk_id, h.title, h.page_start, h.page_end, h.text) for h in hits
        ]
        previous = self._previous_sources

        def build(model: LoadedModel, emit: TokenCallback, cancel: CancelToken) -> Any:
            return prompts.ask_prompt(model.style, question, candidates, previous)

        prompt, used = self._rt.engine.run(build, cancel=cancel)
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

        self.last_generation = self._rt.engine.run(generate, forward, cancel)
        forward(checker.flush())
        self._previous_sources = tuple(s.key for s in used)
        attribution = citations.attribute(checker.text.strip(), [s.text for s in used])
        text = attribution.text.strip() or NO_ANSWER
        numbers = attribution.numbers or tuple(range(1, len(used) + 1))
        by_chunk = {h.chunk_id: h for h in hits}
        with self._rt.library() as library:
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
