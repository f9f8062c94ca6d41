"""Sentiment per page and per document, from the model's own label probabilities."""

from __future__ import annotations

from collections.abc import Callable

from docnook.assistant.results import PageSentiment, Sentiment, TaskProgress, top_label
from docnook.assistant.runtime import Runtime, indexed_document
from docnook.errors import InputError
from docnook.index.analyses import AnalysisKey, get_analysis, put_analysis
from docnook.jobs import CancelToken
from docnook.llm import prompts
from docnook.llm.engine import LoadedModel

TokenCallback = Callable[[str], None]


class SentimentReader:
    """Sentiment of the documents in one runtime's library, cached per document and model."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def cached_sentiment(self, document_id: int) -> Sentiment | None:
        version = prompts.SENTIMENT_VERSION
        key = self._rt.cache_key("sentiment", document_id, version, known_only=True)
        if key is None:
            return None
        with self._rt.library() as library:
            data = get_analysis(library.store, key)
        try:
            return Sentiment.from_stored(data) if data else None
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
        with self._rt.library() as library:
            record = indexed_document(library, document_id)
            texts = library.store.page_texts(record.id)
        pages = [(n, text) for n, text in enumerate(texts, 1) if text.strip()]
        if not pages:
            raise InputError(f"{record.title} has no text to read.")
        spec = self._rt.ensure_model()
        results: list[PageSentiment] = []
        weights: list[int] = []
        report(TaskProgress(0, len(pages), f"Reading {len(pages)} page(s)."))
        for i, (page_no, text) in enumerate(pages, 1):
            scores, weight = self._rt.engine.run(_page_scorer(text), cancel=cancel)
            results.append(PageSentiment(page_no, top_label(scores), scores))
            weights.append(weight)
            report(TaskProgress(i, len(pages), f"Page {page_no}: {top_label(scores)}."))
        total = sum(weights) or 1
        overall = {
            label: sum(p.scores[label] * w for p, w in zip(results, weights, strict=True)) / total
            for label in prompts.LABELS
        }
        result = Sentiment(top_label(overall), overall, results)
        key = AnalysisKey("sentiment", record.sha256, spec.sha256, prompts.SENTIMENT_VERSION)
        with self._rt.library() as library:
            put_analysis(library.store, key, result.stored())
        return result


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
