"""Sentiment per page and per document, from the model's own label probabilities, calibrated
and explained (how: `sentiment_scoring`); and the library's sentiment, document by document."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from docnook.assistant.calibration_cache import CalibrationCache
from docnook.assistant.results import PageSentiment, Sentiment, TaskProgress, top_label
from docnook.assistant.runtime import Runtime, indexed_document
from docnook.assistant.sentiment_library import DocumentTone, LibraryTone
from docnook.assistant.sentiment_scoring import page_scorer, prior_job, reasons, sentence_scorer
from docnook.errors import Cancelled, DocNookError, InputError
from docnook.index.analyses import AnalysisKey, get_analysis, put_analysis
from docnook.jobs import CancelToken
from docnook.llm import calibration, prompts
from docnook.llm.engine import LoadSpec

ProgressCallback = Callable[[TaskProgress], None]


class SentimentReader:
    """Sentiment of the documents in one runtime's library, cached per document and model."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime
        self._calibration = CalibrationCache(runtime.data_dir)

    def cached_sentiment(self, document_id: int) -> Sentiment | None:
        version = prompts.SENTIMENT_VERSION
        key = self._rt.cache_key("sentiment", document_id, version, known_only=True)
        if key is None:
            return None
        with self._rt.library() as library:
            data = get_analysis(library.store, key)
        return _from_stored(data)

    def prior(self, spec: LoadSpec, cancel: CancelToken | None = None) -> dict[str, float]:
        """The model's bias for the sentiment prompt, measured on content-free inputs once per
        model file and prompt version, then kept."""
        version = prompts.SENTIMENT_VERSION
        prior = self._calibration.get(spec.sha256, version)
        if prior is None:
            prior = self._rt.engine.run(prior_job, cancel=cancel or CancelToken())
            self._calibration.put(spec.sha256, version, prior)
        return prior

    def sentiment(
        self,
        document_id: int,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> Sentiment:
        """Sentiment per page and for the document; the document's is the pages' average
        weighted by their length. Cached like summaries."""
        cancel = cancel or CancelToken()
        report = progress or (lambda _: None)
        cached = self.cached_sentiment(document_id)
        if cached is not None:
            report(TaskProgress(1, 1, "Sentiment from the cache."))
            return cached
        with self._rt.library() as library:
            record = indexed_document(library, document_id)
            texts = library.store.page_texts(record.id)
        pages = [(n, text) for n, text in enumerate(texts, 1) if text.strip()]
        if not pages:
            raise InputError(f"{record.title} has no text to read.")
        spec = self._rt.ensure_model()
        prior = self.prior(spec, cancel)
        results: list[PageSentiment] = []
        weights: list[int] = []
        report(TaskProgress(0, len(pages), f"Reading {len(pages)} page(s)."))
        for i, (page_no, text) in enumerate(pages, 1):
            scores, weight = self._rt.engine.run(page_scorer(text, prior), cancel=cancel)
            results.append(PageSentiment(page_no, top_label(scores), scores))
            weights.append(weight)
            report(TaskProgress(i, len(pages), f"Page {page_no}: {top_label(scores)}."))
        overall = calibration.weighted_mean([p.scores for p in results], weights)
        result = Sentiment(top_label(overall), overall, results)
        key = AnalysisKey("sentiment", record.sha256, spec.sha256, prompts.SENTIMENT_VERSION)
        with self._rt.library() as library:
            put_analysis(library.store, key, result.stored())
        return result

    def explain_page(
        self, document_id: int, page_no: int, cancel: CancelToken | None = None
    ) -> PageSentiment:
        """Page `page_no` of a document already read, with the sentences that weighed most for
        its label (`sentiment_scoring`); scored on first request, then kept with the reading."""
        cancel = cancel or CancelToken()
        sentiment = self.cached_sentiment(document_id)
        if sentiment is None:
            raise InputError("Read the document's tone first; then each page can be explained.")
        index = next((i for i, p in enumerate(sentiment.pages) if p.page == page_no), None)
        if index is None:
            raise InputError(f"Page {page_no} has no sentiment reading (it has no text).")
        page = sentiment.pages[index]
        if page.reasons:
            return page
        with self._rt.library() as library:
            record = indexed_document(library, document_id)
            text = library.store.page_text(record.id, page_no) or ""
        spec = self._rt.ensure_model()
        scored = self._rt.engine.run(sentence_scorer(text, self.prior(spec, cancel)), cancel=cancel)
        explained = replace(page, reasons=reasons(text, scored, page.label))
        pages = [*sentiment.pages[:index], explained, *sentiment.pages[index + 1 :]]
        key = AnalysisKey("sentiment", record.sha256, spec.sha256, prompts.SENTIMENT_VERSION)
        with self._rt.library() as library:
            put_analysis(library.store, key, replace(sentiment, pages=pages).stored())
        return explained

    # -- the library --------------------------------------------------------------------------

    def library_tone(self) -> LibraryTone:
        """Every document with its saved sentiment by the current model, or none yet. Reads
        the cache only: nothing here runs the model."""
        sha = self._rt.catalog.known_sha256(self._rt.settings.model)
        rows = []
        with self._rt.library() as library:
            for record in library.documents():
                sentiment = None
                if sha is not None and record.status == "indexed":
                    key = AnalysisKey("sentiment", record.sha256, sha, prompts.SENTIMENT_VERSION)
                    sentiment = _from_stored(get_analysis(library.store, key))
                rows.append(DocumentTone.of(record, sentiment))
        return LibraryTone(rows)

    def analyse_library(
        self,
        document_ids: list[int] | None = None,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> LibraryTone:
        """Read the sentiment of `document_ids` (default: every indexed document without one),
        one document after another; progress counts documents. A document that fails is
        skipped with its reason in the result; cancel keeps the ones finished."""
        cancel = cancel or CancelToken()
        report = progress or (lambda _: None)
        todo = document_ids
        if todo is None:
            todo = [row.document_id for row in self.library_tone().rows if row.can_analyse]
        failures: dict[int, str] = {}
        for i, doc_id in enumerate(todo):
            cancel.raise_if_cancelled()
            report(TaskProgress(i, len(todo), f"Document {i + 1} of {len(todo)}."))
            try:
                self.sentiment(doc_id, cancel=cancel)
            except Cancelled:
                raise
            except DocNookError as exc:  # no text, not indexed: the next one still runs
                failures[doc_id] = str(exc)
        report(TaskProgress(len(todo), len(todo), f"Read {len(todo)} document(s)."))
        tone = self.library_tone()
        return LibraryTone(tone.rows, failures)


def _from_stored(data: dict | None) -> Sentiment | None:
    try:
        return Sentiment.from_stored(data) if data else None
    except (KeyError, TypeError, ValueError, AttributeError):
        return None  # unreadable: treated as absent, and replaced by the next reading
