"""Summaries made of key points, each with its pages, and a short overview.

One road, like answers: select, then phrase, then check.

1. select: the document's own sentences are chosen as key points (`key_points.py`: coverage
   of its sections, centrality by the stored embeddings, facts favoured, no repeats); this
   takes well under a second and no model;
2. phrase: a long point is shortened by a chat model (a base model copies it word for word,
   so it is not asked), and the overview is written from the points;
3. check: a shortened point is kept only where every number and name in it is on the pages
   it cites and it kept the sentence's own numbers and names (`summary_checks.py`); otherwise
   the source sentence stands. The overview's generation stops at its first unsupported fact,
   and it is shown only once it passed every check (else dropped).

So the model reads a few sentences, not the whole document, and nothing in a summary is
absent from the pages it cites. Points reach `on_point` as each is final, before the
overview, which reaches `on_token` whole once checked. Cached per document bytes, model,
prompt version, length and page range (the last three in the key's `prompt_version`, so no
schema change was needed).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from docnook import text as textrules
from docnook.assistant import key_points, point_spans, summary_checks
from docnook.assistant.key_points import Candidate, ChunkInfo
from docnook.assistant.results import Summary, SummaryPoint, TaskProgress, summary_text
from docnook.assistant.runtime import Runtime, indexed_document
from docnook.errors import Cancelled, InputError
from docnook.index.analyses import AnalysisKey, get_analysis, put_analysis
from docnook.index.store import DocumentRecord
from docnook.ingest.chunker import join_pages
from docnook.ingest.headings import find_headings
from docnook.jobs import CancelToken
from docnook.library import Library
from docnook.llm import grounding, prompts, summary_prompts
from docnook.llm.engine import LoadedModel

TokenCallback = Callable[[str], None]
PointCallback = Callable[[SummaryPoint], None]
LENGTHS = ("brief", "detailed")
SHORTEN_FROM_WORDS = 25  # a shorter point reads as it is: the model is not asked
OVERVIEW_POINTS = 6  # the best points the overview is written from


@dataclass(frozen=True)
class _Document:
    record: DocumentRecord
    pages: list[str]
    page_starts: list[int]
    chunks: list[ChunkInfo]


def check_length(length: str) -> str:
    if length not in LENGTHS:
        raise InputError(f"The length must be one of {', '.join(LENGTHS)}, not “{length}”.")
    return length


def parse_page_range(text: str) -> tuple[int, int]:
    """ "3-7" (or "3–7", or one page, "5") as (first, last); InputError when it is not one."""
    parts = [p.strip() for p in text.replace("–", "-").split("-")]
    if not 1 <= len(parts) <= 2 or not all(p.isdigit() for p in parts):
        raise InputError(f"“{text}” is not a page range: write it like 3-7, or 5 for one page.")
    first, last = int(parts[0]), int(parts[-1])
    if first < 1 or last < first:
        raise InputError(f"“{text}” is not a page range: the first page is 1, and it comes first.")
    return first, last


def scope_name(page_range: tuple[int, int] | None) -> str:
    return "all" if page_range is None else f"p{page_range[0]}-{page_range[1]}"


class Summaries:
    """Summaries of the documents in one runtime's library, cached per document and model."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def _version(self, length: str, page_range: tuple[int, int] | None) -> str:
        return f"{summary_prompts.SUMMARY_VERSION}:{length}:{scope_name(page_range)}"

    def scope_pages(self, document_id: int, text: str) -> tuple[int, int] | None:
        """What a person typed as the part to summarise: nothing (the whole document), pages
        ("3-7", "5") or a numbered section's number-less name ("Finances")."""
        text = text.strip()
        if not text:
            return None
        if all(ch.isdigit() or ch in "-– " for ch in text):
            return parse_page_range(text)
        return self.section_pages(document_id, text)

    def section_pages(self, document_id: int, section: str) -> tuple[int, int]:
        """The pages of the document's numbered top-level section that `section` names ("3",
        "Finances", "3 Finances"), as a page range to summarise; InputError when none does.
        The page where the next section starts belongs to it too unless that section starts
        at the top of the page."""
        with self._rt.library() as library:
            record = indexed_document(library, document_id)
            pages = library.store.page_texts(record.id)
        text, starts = join_pages(pages)
        tops = [h for h in find_headings(text) if h.depth == 1]
        wanted = " ".join(section.lower().split())
        index = next((i for i, h in enumerate(tops) if _names_section(h.text, wanted)), None)
        if index is None:
            listed = "; ".join(h.text for h in tops[:8]) or "none: it numbers no sections"
            raise InputError(f"{record.title} has no section “{section}”. Its sections: {listed}.")
        first = bisect.bisect_right(starts, tops[index].offset)
        last = len(pages)
        if index + 1 < len(tops):
            following = tops[index + 1].offset
            last = bisect.bisect_right(starts, following)
            if not text[starts[last - 1] : following].strip() and last > first:
                last -= 1
        return first, last

    def cached_summary(
        self, document_id: int, length: str = "brief", page_range: tuple[int, int] | None = None
    ) -> Summary | None:
        """The cached summary for the current model, or None; never loads the model."""
        version = self._version(check_length(length), page_range)
        key = self._rt.cache_key("summary", document_id, version, known_only=True)
        if key is None:
            return None
        with self._rt.library() as library:
            data = get_analysis(library.store, key)
        try:
            return Summary.from_stored(data) if data else None
        except (KeyError, TypeError, ValueError, IndexError):
            return None  # an older or damaged entry: made anew

    def summarize(
        self,
        document_id: int,
        on_token: TokenCallback | None = None,
        progress: Callable[[TaskProgress], None] | None = None,
        cancel: CancelToken | None = None,
        length: str = "brief",
        page_range: tuple[int, int] | None = None,
        on_point: PointCallback | None = None,
    ) -> Summary:
        """Key points of the document (or of `page_range`, first and last page included) and
        an overview. `on_point` gets each point as it is final, `on_token` the overview once
        it passed its checks, `progress` the steps."""
        cancel = cancel or CancelToken()
        report = progress or (lambda _: None)
        check_length(length)
        cached = self.cached_summary(document_id, length, page_range)
        if cached is not None:
            report(TaskProgress(1, 1, "Summary from the cache."))
            for point in cached.points:
                (on_point or (lambda _: None))(point)
            if cached.overview and on_token is not None:
                on_token(cached.overview)
            return cached
        with self._rt.library() as library:
            document = _load(library, document_id, page_range)
        found = key_points.candidates(
            document.pages, document.page_starts, document.chunks, page_range
        ) or key_points.candidates(
            document.pages, document.page_starts, document.chunks, page_range, relaxed=True
        )
        chosen = key_points.pick(found, length)
        if not chosen:
            where = "these pages" if page_range else document.record.title
            raise InputError(f"{where} has no sentences to summarise.")
        spec = self._rt.ensure_model()
        total = len(chosen) + 1
        report(TaskProgress(0, total, f"Choosing {len(chosen)} key point(s)."))
        points: list[SummaryPoint] = []
        for i, candidate in enumerate(chosen, 1):
            cancel.raise_if_cancelled()
            point = self._point(candidate, document.pages, cancel)
            points.append(point)
            if on_point is not None:
                on_point(point)
            report(TaskProgress(i, total, f"Key point {i} of {len(chosen)}."))
        report(TaskProgress(len(chosen), total, "Writing the overview."))
        overview = self._overview(document, chosen, on_token, cancel)
        report(TaskProgress(total, total, "Summary ready."))
        result = Summary(
            summary_text(overview, points), False, tuple(points), overview, length, page_range
        )
        version = self._version(length, page_range)
        key = AnalysisKey("summary", document.record.sha256, spec.sha256, version)
        with self._rt.library() as library:
            put_analysis(library.store, key, result.stored())
        return result

    def _point(
        self, candidate: Candidate, pages: Sequence[str], cancel: CancelToken
    ) -> SummaryPoint:
        """The candidate as a point: shortened by the model where it is long and the shorter
        text passes the check, else the sentence itself."""
        sentence = candidate.text
        text = sentence
        # A point of two sentences may cross a page break: it cites, and is checked
        # against, every page it is on, so the reader marks both halves.
        cited = point_spans.pages(candidate)
        if len(textrules.words(sentence)) > SHORTEN_FROM_WORDS:
            shortened = self._rt.engine.run(_shortener(sentence), cancel=cancel)
            pages_text = "\n\n".join(pages[p - 1] for p in cited)
            if summary_checks.shortened_ok(shortened, sentence, pages_text):
                text = " ".join(shortened.split())
        return SummaryPoint(text, cited, sentence)

    def _overview(
        self,
        document: _Document,
        chosen: Sequence[Candidate],
        on_token: TokenCallback | None,
        cancel: CancelToken,
    ) -> str:
        best = sorted(chosen, key=lambda c: -c.score)[:OVERVIEW_POINTS]
        cited = sorted({p for c in best for p in point_spans.pages(c)})
        pages_text = "\n\n".join(document.pages[p - 1] for p in cited)
        points = [c.text for c in best]
        overview = self._rt.engine.run(
            _overview_writer(document.record.title, points, pages_text), cancel=cancel
        )
        if not summary_checks.overview_ok(overview, "\n".join(points), pages_text):
            return ""
        # Shown whole once it passed every check: a streamed overview that failed the last
        # one would have been on screen, then gone.
        if on_token is not None:
            on_token(overview)
        return overview


def _names_section(heading: str, wanted: str) -> bool:
    """Whether `wanted` names the section `heading` ("3 Finances"): by its number, its
    title or both."""
    heading = " ".join(heading.lower().split())
    number, _, title = heading.partition(" ")
    return wanted in (heading, number.rstrip("."), title) or (len(wanted) > 3 and wanted in heading)


def _load(library: Library, document_id: int, page_range: tuple[int, int] | None) -> _Document:
    record = indexed_document(library, document_id)
    store = library.store
    pages = store.page_texts(record.id)
    if not any(p.strip() for p in pages):
        raise InputError(f"{record.title} has no text to summarise.")
    if page_range is not None:
        first, last = page_range
        if not 1 <= first <= last <= len(pages):
            raise InputError(
                f"Pages {first}-{last} are not in {record.title}, which has {len(pages)} "
                f"page{'s' if len(pages) != 1 else ''}."
            )
    rows = store.chunk_layout(record.id)
    chunks = [
        ChunkInfo(
            int(start),
            int(end),
            str(heading or ""),
            np.frombuffer(blob, dtype="<f4") if blob else None,
        )
        for start, end, heading, blob in rows
    ]
    return _Document(record, pages, store.page_starts(record.id), chunks)


def _shortener(sentence: str) -> Callable[..., str]:
    """An engine job: the model's shorter version of `sentence` (unchecked), or "" from a
    base model: the bundled 270M one gives the sentence back word for word (benchmarks/
    README.md, "Summaries"), so asking it only costs seconds a point."""

    def job(model: LoadedModel, emit: TokenCallback, cancel: CancelToken) -> str:
        if not model.style.chat:
            return ""
        prompt = summary_prompts.shorten_prompt(model.style, sentence)
        return model.stream(prompt, lambda _: None, cancel).text.strip()

    return job


def _overview_writer(title: str, points: Sequence[str], pages_text: str) -> Callable[..., str]:
    """An engine job: the overview as long as it stays grounded in `pages_text`, ended at a
    sentence ("" when nothing fits)."""

    def job(model: LoadedModel, emit: TokenCallback, cancel: CancelToken) -> str:
        style = model.style
        room = style.n_ctx - summary_prompts.OVERVIEW_TOKENS - prompts.MARGIN
        shown = list(points)
        prompt = summary_prompts.overview_prompt(style, title, shown)
        while shown and style.count(prompt.text) > room:
            shown.pop()
            prompt = summary_prompts.overview_prompt(style, title, shown)
        if not shown:
            return ""
        # Generation stops at the first fact the pages do not hold: nothing after it is shown.
        stop = _EitherToken(cancel)
        stream = grounding.GroundedStream(pages_text, lambda _: None)

        def feed(piece: str) -> None:
            stream.feed(piece)
            if stream.failed is not None:
                stop.cancel()

        try:
            generation = model.stream(prompt, feed, stop)
        except Cancelled:
            cancel.raise_if_cancelled()
            generation = None
        stream.finish()
        text = stream.passed.strip()
        if generation is None or generation.finish == "length":
            text = prompts.trim_to_sentence(text)
        return text if text.endswith((".", "!", "?")) else ""

    return job


class _EitherToken(CancelToken):
    """Cancelled by its own `cancel()` or by the job's token (a person's Stop)."""

    def __init__(self, outer: CancelToken) -> None:
        super().__init__()
        self._outer = outer

    @property
    def cancelled(self) -> bool:
        return super().cancelled or self._outer.cancelled

    def raise_if_cancelled(self) -> None:
        if self.cancelled:
            raise Cancelled()
