"""QThread workers: every blocking service call runs here, never on the GUI thread.

The superqt shape: a worker's signals live on an object created on (and staying on) the GUI
thread, so its slots run there; the worker itself moves to its own QThread; `_run` turns any
exception into `errored`; `quit()` only sets the abort flag, a `CancelToken` the service checks
between units of work. Workers get immutable inputs (paths, ids, a settings snapshot) and the
thread-safe services, never widgets. A worker that needs the library opens its own `Library`
(a SQLite connection belongs to the thread that opened it); indexing runs in a child process
(see index_process.py), driven from its worker here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from docnook.errors import Cancelled, DocNookError
from docnook.gui.index_process import IndexProcess
from docnook.jobs import CancelToken

if TYPE_CHECKING:
    from docnook.assistant import Citation

log = logging.getLogger("docnook.gui")

PROGRESS_INTERVAL_S = 0.05  # at most 20 progress redraws a second
TOKEN_INTERVAL_S = 0.03  # tokens are sent to the window in small batches, ~30 a second


def unexpected_message(exc: BaseException, action: str) -> str:
    """The sentence for a failure nobody planned for: what stopped, and where the details are."""
    kind = type(exc).__name__
    return (
        f"Something unexpected stopped {action} ({kind}: {exc}). "
        "DocNook keeps working; the details are in the log file."
    )


class WorkerSignals(QObject):
    started = Signal()
    progress = Signal(object)
    token = Signal(str)
    returned = Signal(object)
    errored = Signal(str)
    cancelled = Signal()
    finished = Signal()


class Worker(QObject):
    """One job on its own QThread. Subclasses implement `work()`."""

    action = "the job"  # finishes "Something unexpected stopped …"

    def __init__(self) -> None:
        super().__init__()
        self.signals = WorkerSignals()
        self.cancel_token = CancelToken()
        self._thread: QThread | None = None
        self._last_progress = 0.0
        self._tokens: list[str] = []
        self._last_tokens = 0.0

    # -- called on the GUI thread -----------------------------------------------------------

    def start(self) -> QThread:
        thread = QThread()
        thread.setObjectName(f"docnook-{type(self).__name__}")
        self.moveToThread(thread)
        thread.started.connect(self._run)
        self._thread = thread
        thread.start()
        return thread

    def quit(self) -> None:
        """Ask the job to stop at its next check; it still finishes through `finished`."""
        self.cancel_token.cancel()

    # -- called on the worker thread --------------------------------------------------------

    def work(self) -> Any:
        raise NotImplementedError

    @Slot()
    def _run(self) -> None:
        self.signals.started.emit()
        try:
            result = self.work()
            self._flush_tokens()
        except Cancelled:
            self._flush_tokens()
            self.signals.cancelled.emit()
        except DocNookError as exc:
            self.signals.errored.emit(str(exc))
        except Exception as exc:
            log.exception("%s failed", type(self).__name__)
            self.signals.errored.emit(unexpected_message(exc, self.action))
        else:
            self.signals.returned.emit(result)
        finally:
            self.signals.finished.emit()
            thread = self.thread()
            if thread is not None:
                thread.quit()

    def emit_progress(self, value: Any, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._last_progress >= PROGRESS_INTERVAL_S:
            self._last_progress = now
            self.signals.progress.emit(value)

    def emit_token(self, text: str) -> None:
        self._tokens.append(text)
        now = time.monotonic()
        if now - self._last_tokens >= TOKEN_INTERVAL_S:
            self._flush_tokens(now)

    def _flush_tokens(self, now: float | None = None) -> None:
        if self._tokens:
            text = "".join(self._tokens)
            self._tokens.clear()
            self.signals.token.emit(text)
        self._last_tokens = now if now is not None else time.monotonic()


class WorkerPool(QObject):
    """Keeps running workers alive, cancels them all on demand, and says when none is left."""

    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._running: dict[int, tuple[Worker, QThread]] = {}

    def start(self, worker: Worker) -> Worker:
        thread = worker.start()
        key = id(worker)
        self._running[key] = (worker, thread)
        thread.finished.connect(lambda: self._forget(key))
        return worker

    def _forget(self, key: int) -> None:
        pair = self._running.get(key)
        if pair is not None and not pair[1].isFinished():
            # `finished` is emitted just before the thread really ends; its last steps need
            # the GIL, so waiting for them here could hold the window up while workers are
            # busy. Look again shortly instead: the references go once the thread is gone.
            QTimer.singleShot(5, lambda: self._forget(key))
            return
        self._running.pop(key, None)
        if not self._running:
            self.idle.emit()

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def workers(self) -> list[Worker]:
        return [worker for worker, _ in self._running.values()]

    def cancel_all(self) -> None:
        for worker, _ in list(self._running.values()):
            worker.quit()

    def wait_all(self, timeout_ms: int = 30_000) -> bool:
        """Block until every thread has ended (used at shutdown, after `cancel_all`)."""
        deadline = time.monotonic() + timeout_ms / 1000
        for _key, (_worker, thread) in list(self._running.items()):
            left = max(0, int((deadline - time.monotonic()) * 1000))
            if not thread.wait(left):
                return False
        self._running.clear()
        return True


# -- library jobs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexRequest:
    targets: tuple[str, ...]
    password: str | None = None
    kind: str = "index"  # or "watch" (follow these folders) or "sync" (every watched folder)


class IndexWorker(Worker):
    """Indexes files and folders in the indexing process; progress is `IndexProgress`, the
    result an `IndexReport`."""

    action = "indexing"

    def __init__(self, process: IndexProcess, data_dir: Path, request: IndexRequest) -> None:
        super().__init__()
        self.process = process
        self.data_dir = data_dir
        self.request = request

    def work(self) -> Any:
        def progress(value: Any) -> None:
            finished = value.files_done == value.files_total
            self.emit_progress(value, force=finished or value.pages_done == 0)

        return self.process.run(
            self.data_dir,
            self.request.targets,
            self.request.password,
            progress,
            self.cancel_token,
            self.request.kind,
        )


class RemoveWorker(Worker):
    """Removes documents from the library; the result is the list of removed records."""

    action = "removing the documents"

    def __init__(self, data_dir: Path, document_ids: Sequence[int]) -> None:
        super().__init__()
        self.data_dir = data_dir
        self.document_ids = tuple(document_ids)

    def work(self) -> Any:
        from docnook.library import Library

        with Library(self.data_dir) as library:
            return [library.remove(doc_id) for doc_id in self.document_ids]


class CallWorker(Worker):
    """Runs one blocking call (a service method) and returns its result."""

    def __init__(self, call: Callable[[], Any], action: str) -> None:
        super().__init__()
        self.call = call
        self.action = action

    def work(self) -> Any:
        return self.call()


# -- assistant jobs -------------------------------------------------------------------------
# The assistant is one thread-safe service object shared by these workers; each call blocks
# its worker's thread, never the window's.


@dataclass(frozen=True)
class ChatStarted:
    """Progress of an AskWorker: the chat the question was filed under (new or existing)."""

    chat_id: int


@dataclass(frozen=True)
class Rate:
    """Progress of a generating worker: tokens so far and tokens per second."""

    tokens: int
    tokens_per_second: float


@dataclass(frozen=True)
class QuoteFound:
    """The sentence an answer rests on, found before the model phrases the answer."""

    citation: Citation


@dataclass(frozen=True)
class AskResult:
    chat_id: int
    answer: str  # as the service composed it: the phrasing [1], then “the quote” [1]
    citations: list[Citation]  # found: the source; else the closest passages
    found: bool
    stopped: bool
    phrasing: str | None = None  # the model's checked words, when there were any


class _Generating(Worker):
    """Counts streamed tokens and reports the generation speed as `Rate` progress."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._first: float | None = None

    def on_token(self, text: str) -> None:
        now = time.monotonic()
        if self._first is None:
            self._first = now
        self.parts.append(text)
        self.emit_token(text)
        elapsed = now - self._first
        if elapsed > 0.2:
            self.emit_progress(Rate(len(self.parts), (len(self.parts) - 1) / elapsed))


class AskWorker(_Generating):
    """Asks the assistant, streams the answer, and files question and answer in the history."""

    action = "the answer"

    def __init__(
        self,
        assistant: Any,
        data_dir: Path,
        chat_id: int | None,
        question: str,
        document_ids: Sequence[int] | None,
    ) -> None:
        super().__init__()
        self.assistant = assistant
        self.data_dir = data_dir
        self.chat_id = chat_id
        self.question = question
        self.document_ids = list(document_ids) if document_ids is not None else None

    def work(self) -> AskResult:
        # The service files the question and the answer (or what was said before a stop).
        chat_id = self.chat_id or self.assistant.new_chat(self.question)
        self.emit_progress(ChatStarted(chat_id), force=True)
        answer = self.assistant.ask(
            self.question,
            document_ids=self.document_ids,
            on_token=self.on_token,
            on_quote=lambda citation: self.emit_progress(QuoteFound(citation), force=True),
            cancel=self.cancel_token,
            chat_id=chat_id,
        )
        citations = list(answer.citations)
        return AskResult(chat_id, answer.answer, citations, answer.found, False, answer.phrasing)


@dataclass(frozen=True)
class PointReady:
    """Progress of a SummaryWorker: a key point, final, before the overview is written."""

    point: Any  # SummaryPoint


class SummaryWorker(_Generating):
    """Summarises one document; progress is `TaskProgress`, `PointReady` for each key point
    and `Rate` while the overview streams. `options` is the tab's choice (a snapshot taken
    on the GUI thread): `length` and `pages` ("", "3-7" or a section, checked by the
    service)."""

    action = "the summary"

    def __init__(self, assistant: Any, document_id: int, options: Any = None) -> None:
        super().__init__()
        self.assistant = assistant
        self.document_id = document_id
        self.length = getattr(options, "length", "brief")
        self.pages = getattr(options, "pages", "")

    def work(self) -> Any:
        page_range = self.assistant.scope_pages(self.document_id, self.pages)
        return self.assistant.summarize(
            self.document_id,
            on_token=self.on_token,
            progress=lambda p: self.emit_progress(p, force=p.done in (0, p.total)),
            cancel=self.cancel_token,
            length=self.length,
            page_range=page_range,
            on_point=lambda point: self.emit_progress(PointReady(point), force=True),
        )


class SentimentWorker(Worker):
    """Reads the sentiment of one document, page by page; progress is `TaskProgress`."""

    action = "the sentiment reading"

    def __init__(self, assistant: Any, document_id: int) -> None:
        super().__init__()
        self.assistant = assistant
        self.document_id = document_id

    def work(self) -> Any:
        return self.assistant.sentiment(
            self.document_id,
            progress=lambda p: self.emit_progress(p, force=p.done in (0, p.total)),
            cancel=self.cancel_token,
        )
