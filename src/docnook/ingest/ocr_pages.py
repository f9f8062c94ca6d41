"""Which pages of a PDF are scans, and reading them in a small pool of processes.

Tesseract takes seconds a page and holds one core, and PyMuPDF neither releases the GIL nor
lets two threads share its context, so pages are spread over processes: one per core the
indexing process may use, each with `OMP_THREAD_LIMIT=1` so that no process spawns threads of
its own to fight the others. The pool is started when the first scanned page turns up and
lives until the indexing job ends; cancel stops it at once (a page in the middle of being read
is dropped, and the document is not written). Two threads may read documents through one
`PageReader` (`file_turn`), so that the next document's pages queue behind this one's.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pymupdf

from docnook.errors import Cancelled
from docnook.ingest import ocr, ocr_worker

MODES = ("auto", "always", "never")
# A page with fewer letters than this in its text layer has no usable text: OCR reads it.
MIN_LETTERS = 3
# A page mostly covered by pictures and with little text (a scan with a stamped line or a
# scanner's own note) is read too; its OCR replaces the text layer only when it reads more.
PICTURE_SHARE = 0.5
MIN_PICTURE_SHARE = 0.05  # of the page a picture must cover for an empty page to be read
FEW_LETTERS = 100
POLL_S = 0.1
_MAX_WORKERS = 8


@dataclass(frozen=True)
class OcrOptions:
    mode: str = "auto"
    languages: str = ocr.DEFAULT_LANGUAGES
    dpi: int | None = None  # None: each page at the resolution its text needs (ocr.py)
    workers: int = 0  # 0: one per core this process may run on


@dataclass
class OcrResult:
    """What OCR did to one document: its pages' words (1-based page -> words), and a sentence
    when scanned pages could not be read."""

    words: dict[int, list[ocr.Word]] = field(default_factory=dict)
    problem: str | None = None
    unread: list[int] = field(default_factory=list)  # 1-based scanned pages left unread


def worth_reading_again(status: str, ocr_pages: int | None, mode: str) -> bool:
    """Whether OCR makes a document already in the library, unchanged, worth reading again:
    when asked for on every page, or when it is a scan indexed without OCR."""
    if mode == "always":
        return True
    return mode != "never" and status == "no-text" and ocr_pages is None


def letters(text: str) -> int:
    return sum(ch.isalnum() for ch in text)


def picture_share(page: pymupdf.Page) -> float:
    """How much of the page its pictures cover (0..1)."""
    area = abs(page.rect) or 1.0
    covered = 0.0
    for info in page.get_image_info():
        covered += abs(pymupdf.Rect(info["bbox"]) & page.rect)
    return min(1.0, covered / area)


def pages_to_read(doc: pymupdf.Document, texts: list[str], mode: str) -> list[int]:
    """0-based pages of `doc` that OCR should read under `mode`."""
    if mode == "never":
        return []
    if mode == "always":
        return list(range(doc.page_count))
    chosen = []
    for index, text in enumerate(texts):
        count = letters(text)
        if count >= FEW_LETTERS:
            continue
        try:
            page = doc.load_page(index)
            # Pictures as the page draws them: inline ones too, which get_images() misses
            # and fax software writes. A blank page, or one with only a small logo, is skipped.
            share = picture_share(page)
            scanned = share >= MIN_PICTURE_SHARE if count < MIN_LETTERS else share >= PICTURE_SHARE
            if scanned:
                chosen.append(index)
        except Exception:  # MuPDF's error classes for a damaged page: reading reports it
            continue
    return chosen


# -- the worker processes (what runs inside them: ocr_worker.py) -----------------------------


@contextlib.contextmanager
def _children_allowed() -> Iterator[None]:
    """Let a daemonic process (the window's indexing process) start the pool. multiprocessing
    forbids it because a daemon killed abruptly leaves its children behind; pool workers,
    though, exit by themselves when their task pipe closes with their parent."""
    config = multiprocessing.current_process()._config  # type: ignore[attr-defined]
    daemon = config.get("daemon")
    config["daemon"] = False
    try:
        yield
    finally:
        if daemon is not None:
            config["daemon"] = daemon


def worker_count(wanted: int = 0) -> int:
    if wanted > 0:
        return wanted
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(_MAX_WORKERS, cores))


class _WorkerDied(Exception):
    """A process of the pool ended in the middle of the document."""


class PageReader:
    """Reads the scanned pages of documents for one indexing job; `close()` ends its pool.

    `should_stop()` is polled while pages are read (cancel); `on_page(path, done, total)` is
    called as each page comes back."""

    def __init__(
        self,
        options: OcrOptions,
        should_stop: Callable[[], bool] = lambda: False,
        on_page: Callable[[str, int, int], None] | None = None,
    ) -> None:
        self.options = options
        self.should_stop = should_stop
        self.on_page = on_page
        self._pool: Any = None
        self._workers: list[Any] = []
        self._pool_lock = threading.Lock()  # the pool is started and closed by any thread
        self._turn = threading.Lock()  # see file_turn
        self._holds = threading.local()  # whether this thread holds the turn

    @property
    def mode(self) -> str:
        return self.options.mode

    @property
    def reading(self) -> bool:
        """Whether this job has met scanned pages (its pool of processes is running)."""
        return self._pool is not None

    @contextlib.contextmanager
    def file_turn(self) -> Iterator[None]:
        """Held by a thread while it reads a file: PyMuPDF does not support threads (they
        share its context), so one reads at a time. `read` lets go of the turn while it waits
        for its pages, for another thread to read the next file and queue its pages behind."""
        with self._turn:
            self._holds.turn = True
            try:
                yield
            finally:
                self._holds.turn = False

    @contextlib.contextmanager
    def _turn_given_up(self) -> Iterator[None]:
        held = getattr(self._holds, "turn", False)
        if held:
            self._turn.release()
        try:
            yield
        finally:
            if held:
                self._turn.acquire()

    def close(self) -> None:
        self._close(None)

    def _close(self, only: Any) -> None:
        """End the pool (`only` that one: not a pool another thread started since)."""
        with self._pool_lock:
            pool = self._pool
            if pool is None or (only is not None and pool is not only):
                return
            self._pool, self._workers = None, []
        pool.terminate()
        pool.join()

    def _ensure_pool(self) -> tuple[Any, list[Any]]:
        with self._pool_lock:
            if self._pool is None:
                context = multiprocessing.get_context("spawn")  # never fork a Qt process
                with _children_allowed():
                    self._pool = context.Pool(worker_count(self.options.workers), ocr_worker.init)
                # Its processes, to notice one dying: the Pool would start another and leave
                # that page's result pending forever (a crash inside Tesseract on a hostile page).
                self._workers = list(self._pool._pool)
            return self._pool, self._workers

    def read(
        self, path: Path, password: str | None, doc: pymupdf.Document, texts: list[str]
    ) -> OcrResult:
        """Replace in `texts` (the page texts of `doc`) those of its scanned pages by what OCR
        reads there. Raises Cancelled when stopped."""
        result = OcrResult()
        chosen = pages_to_read(doc, texts, self.options.mode)
        if not chosen:
            return result
        try:
            tessdata = ocr.find_tessdata(self.options.languages)
        except ocr.OcrUnavailable as exc:
            result.problem = str(exc)
            result.unread = [i + 1 for i in chosen if letters(texts[i]) < MIN_LETTERS]
            return result
        jobs: list[ocr_worker.Job] = [
            (str(path), password, i, str(tessdata), self.options.languages, self.options.dpi)
            for i in chosen
        ]
        pool, workers = self._ensure_pool()
        pending = pool.imap_unordered(ocr_worker.read_page, jobs)
        if self.on_page is not None:
            self.on_page(str(path), 0, len(jobs))
        with self._turn_given_up():  # `doc` is not touched until the pages are back
            self._collect(path, texts, result, (pool, workers, pending), chosen)
        result.unread.sort()
        return result

    def _collect(
        self, path: Path, texts: list[str], result: OcrResult, pooled: tuple, chosen: list[int]
    ) -> None:
        waiting = set(chosen)
        for done in range(1, len(chosen) + 1):
            try:
                index, page, _error = self._next(*pooled)
            except _WorkerDied:
                result.problem = "OCR stopped: the process reading these pages ended."
                result.unread += [i + 1 for i in waiting if letters(texts[i]) < MIN_LETTERS]
                break
            waiting.discard(index)
            if page is not None and self._better(page.text, texts[index]):
                texts[index] = page.text
                result.words[index + 1] = page.words
            elif page is None and letters(texts[index]) < MIN_LETTERS:
                result.unread.append(index + 1)
            if self.on_page is not None:
                self.on_page(str(path), done, len(chosen))

    def _better(self, read: str, layer: str) -> bool:
        """Whether OCR's text replaces the page's own: always when asked for on every page
        (the text layer may be garbage), otherwise when it reads more."""
        if self.options.mode == "always":
            return letters(read) > 0
        return letters(read) > letters(layer)

    def _next(self, pool: Any, workers: list[Any], pending: Any) -> tuple[int, Any, str | None]:
        while True:
            if self.should_stop():
                self.close()  # the page in the works is dropped with its process
                raise Cancelled()
            try:
                return pending.next(timeout=POLL_S)
            except multiprocessing.TimeoutError:
                if self._pool is not pool:  # ended by the other reading thread: a crash
                    raise _WorkerDied() from None
                if any(worker.exitcode is not None for worker in workers):
                    self._close(pool)
                    raise _WorkerDied() from None


def scanned_note(result: OcrResult, page_count: int) -> str | None:
    """A sentence for a document indexed without some of its scanned pages, or None."""
    if not result.unread:
        return None
    shown = ", ".join(str(n) for n in result.unread[:10])
    if len(result.unread) > 10:
        shown += f" and {len(result.unread) - 10} more"
    one = len(result.unread) == 1
    noun, verb = ("Page", "is") if one else ("Pages", "are")
    reason = result.problem or f"OCR could not read {'it' if one else 'them'}."
    return f"{noun} {shown} of {page_count} {verb} scanned and could not be read. {reason}"
