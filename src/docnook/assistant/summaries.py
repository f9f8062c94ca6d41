"""Summaries of whole documents: map-reduce over the chunks so any length fits the context."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from docnook.assistant.results import Summary, TaskProgress
from docnook.assistant.runtime import Runtime, indexed_document
from docnook.errors import InputError, ModelError
from docnook.index.analyses import AnalysisKey, get_analysis, put_analysis
from docnook.jobs import CancelToken
from docnook.llm import prompts
from docnook.llm.engine import LoadedModel

TokenCallback = Callable[[str], None]


class Summaries:
    """Summaries of the documents in one runtime's library, cached per document and model."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def cached_summary(self, document_id: int) -> Summary | None:
        """The cached summary for the current model, or None; never loads the model."""
        key = self._rt.cache_key("summary", document_id, prompts.SUMMARY_VERSION, known_only=True)
        if key is None:
            return None
        with self._rt.library() as library:
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
        with self._rt.library() as library:
            record = indexed_document(library, document_id)
            texts = [
                row[0]
                for row in library.store.query(
                    "SELECT text FROM chunks WHERE document_id = ? ORDER BY seq", (record.id,)
                )
            ]
        if not texts:
            raise InputError(f"{record.title} has no text to summarise.")
        spec = self._rt.ensure_model()
        summary = self._map_reduce(texts, on_token, report, cancel)
        key = AnalysisKey("summary", record.sha256, spec.sha256, prompts.SUMMARY_VERSION)
        with self._rt.library() as library:
            put_analysis(library.store, key, {"summary": summary})
        return Summary(summary, False)

    def _map_reduce(
        self,
        texts: list[str],
        on_token: TokenCallback | None,
        report: Callable[[TaskProgress], None],
        cancel: CancelToken,
    ) -> str:
        groups = self._rt.engine.run(_grouper(texts, final=False), cancel=cancel)
        done, level = 0, 1
        total = len(groups) + (1 if len(groups) > 1 else 0)
        report(TaskProgress(0, total, f"Summarising {len(groups)} part(s)."))
        while len(groups) > 1:
            partials = []
            for i, group in enumerate(groups, 1):
                partials.append(self._summarise(group, False, level > 1, None, cancel))
                done += 1
                report(TaskProgress(done, total, f"Level {level}: part {i} of {len(groups)}."))
            regrouped = self._rt.engine.run(_grouper(partials, final=True), cancel=cancel)
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

        return self._rt.engine.run(job, on_token, cancel)


def _grouper(texts: Sequence[str], final: bool) -> Callable[..., list[str]]:
    """An engine job packing `texts` into groups that fit one summary prompt."""

    def job(model: LoadedModel, emit: TokenCallback, cancel: CancelToken) -> list[str]:
        style = model.style
        return prompts.group_to_budget(texts, prompts.summary_window(style, final), style.count)

    return job
