"""Document tasks: the summary and the sentiment reading, run the same way by one class.

A task works on the document being read: it checks there is one with text, runs its worker
with progress and Stop, shows the result in its tab, and shows a saved result at once when
the document is opened. What differs between tasks (which worker, how the tab shows the
result, how the saved one is read) is data: a `TaskSpec`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from docnook.gui.engine_status import EngineStatus
from docnook.gui.task_tab import TaskTab
from docnook.gui.workers import CallWorker, Rate, Worker, WorkerPool

if TYPE_CHECKING:
    from docnook.assistant import Assistant, TaskProgress
    from docnook.index.store import DocumentRecord


@dataclass(frozen=True)
class TaskSpec:
    name: str  # "summary", "sentiment": also the job's name for the engine status
    kind: str  # engine_status.GENERATING (streams tokens) or BUSY
    worker: Callable[..., Worker]  # (assistant, document id[, options]) -> the job
    cached: Callable[..., Any]  # (assistant, document id[, options]) -> saved result or None
    show: Callable[[Any, bool], None]  # (result, cached): the tab shows it
    streams: bool = False  # tokens go to the tab as they come (`tab.append`)
    # The tab's options, read on the GUI thread and passed to `worker` and `cached` as a third
    # argument (workers get a snapshot, never widgets); None: the task has none.
    options: Callable[[], Any] | None = None
    # Progress that is neither `TaskProgress` nor `Rate` (a summary's points): True if handled.
    item: Callable[[Any], bool] | None = None


class TaskController(QObject):
    error = Signal(str)
    # Emitted once the worker is gone, so a listener can start the next job at once.
    finished = Signal(object)  # the result, or None when stopped / failed

    def __init__(
        self,
        tab: TaskTab,
        spec: TaskSpec,
        pool: WorkerPool,
        status: EngineStatus,
        assistant: Callable[[], Assistant | None],
        show: Callable[[], None],
    ) -> None:
        super().__init__(tab)
        self.tab = tab
        self.spec = spec
        self.pool = pool
        self.status = status
        self._assistant = assistant
        self._show = show  # brings the tab into view
        self.current: DocumentRecord | None = None
        self.worker: Worker | None = None
        self._result: Any = None
        tab.run_requested.connect(self.run)
        tab.stop_requested.connect(self.stop)

    @property
    def busy(self) -> bool:
        return self.worker is not None

    # -- the document being read --------------------------------------------------------------

    def set_document(self, record: DocumentRecord | None) -> None:
        changed = (record.id if record else None) != (self.current.id if self.current else None)
        self.current = record
        if self.worker is None:
            self.tab.set_record(record)
        if changed and record is not None:
            self.load_cached(record)

    def load_cached(self, record: DocumentRecord) -> Worker | None:
        assistant = self._assistant()
        if assistant is None or record.status != "indexed":
            return None
        args = self._args(assistant, record.id)
        doc_id = record.id
        worker = CallWorker(lambda: self.spec.cached(*args), "reading saved results")
        worker.signals.returned.connect(lambda result: self._cached(doc_id, result))
        self.pool.start(worker)
        return worker

    def _args(self, assistant: Assistant, doc_id: int) -> tuple[Any, ...]:
        if self.spec.options is None:
            return (assistant, doc_id)
        return (assistant, doc_id, self.spec.options())

    def reload(self) -> None:
        """The tab's options changed: show the saved result for them, if any."""
        if self.worker is not None or self.current is None:
            return
        self.tab.clear_result()
        self.tab.set_running(False)
        self.load_cached(self.current)

    def _cached(self, doc_id: int, result: Any) -> None:
        if result is None or self.worker is not None:
            return
        if self.current is not None and self.current.id == doc_id:
            self.spec.show(result, True)

    # -- running --------------------------------------------------------------------------------

    def _document(self) -> DocumentRecord | None:
        record = self.current
        if record is None:
            self.error.emit("Select a document in the library first.")
        elif record.status != "indexed":
            self.error.emit(f"“{record.title}” has no indexed text to work on.")
        elif self._assistant() is None:
            self.error.emit("The language model is still starting; try again in a moment.")
        else:
            return record
        return None

    def run(self) -> Worker | None:
        self._show()
        record = self._document()
        assistant = self._assistant()
        if record is None or assistant is None or self.worker is not None:
            return None
        tab = self.tab
        tab.set_record(record)
        tab.begin()
        worker = self.spec.worker(*self._args(assistant, record.id))
        if self.spec.streams:
            worker.signals.token.connect(tab.append)
        worker.signals.progress.connect(self._progress)
        worker.signals.returned.connect(self._done)
        worker.signals.errored.connect(self._failed)
        worker.signals.cancelled.connect(self._cancelled)
        worker.signals.finished.connect(self._finished)
        self.worker = worker
        self.status.job_started(self.spec.name, self.spec.kind)
        self.pool.start(worker)
        return worker

    def stop(self) -> bool:
        if self.worker is None:
            return False
        self.worker.quit()
        return True

    def _progress(self, value: TaskProgress | Rate) -> None:
        if isinstance(value, Rate):
            self.status.set_rate(value.tokens_per_second)
            return
        if self.spec.item is not None and self.spec.item(value):
            return
        self.tab.set_progress(int(value.done), int(value.total), str(value.message or ""))

    def _done(self, result: Any) -> None:
        self.spec.show(result, False)
        self._result = result

    def _failed(self, message: str) -> None:
        self.tab.status.setText(message)
        self.error.emit(message)

    def _cancelled(self) -> None:
        self.tab.clear_result()
        self.tab.status.setText("Stopped.")

    def _finished(self) -> None:
        self.worker = None
        self.tab.set_running(False)
        self.status.job_ended(self.spec.name)
        shown = self.tab.record
        if self.current is not None and shown is not None and self.current.id != shown.id:
            # The person opened another document meanwhile: the tab follows it now.
            self.tab.set_record(self.current)
            self.load_cached(self.current)
        result, self._result = self._result, None
        self.finished.emit(result)
