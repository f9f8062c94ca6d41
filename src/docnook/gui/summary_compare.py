"""Summaries of several documents side by side: one column per document selected in the
library, each filled as its summary is ready (saved ones at once), with the same page links
as the Summary tab. One worker summarises the documents in turn, so Stop or closing the
window stops it between (and within) documents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from docnook.gui.summary_view import point_citation, point_number, summary_html
from docnook.gui.workers import Worker, WorkerPool

if TYPE_CHECKING:
    from docnook.index.store import DocumentRecord


@dataclass(frozen=True)
class ColumnReady:
    """Progress of a CompareWorker: one document's summary."""

    document_id: int
    summary: Any  # Summary


class CompareWorker(Worker):
    """Summarises `document_ids` in turn at one `length`; each summary is progress."""

    action = "the summaries"

    def __init__(self, assistant: Any, document_ids: Sequence[int], length: str) -> None:
        super().__init__()
        self.assistant = assistant
        self.document_ids = list(document_ids)
        self.length = length

    def work(self) -> list[Any]:
        done = []
        for doc_id in self.document_ids:
            self.cancel_token.raise_if_cancelled()
            summary = self.assistant.summarize(doc_id, cancel=self.cancel_token, length=self.length)
            self.emit_progress(ColumnReady(doc_id, summary), force=True)
            done.append(summary)
        return done


class _Column(QWidget):
    point_clicked = Signal(object)  # StoredCitation

    def __init__(self, record: DocumentRecord) -> None:
        super().__init__()
        self.record = record
        self.summary: Any = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        title = QLabel(record.title)
        title.setObjectName("PaneTitle")
        title.setWordWrap(True)
        title.setToolTip(record.path)
        layout.addWidget(title)
        self.view = QTextBrowser()
        self.view.setObjectName("ResultText")
        self.view.setOpenLinks(False)
        self.view.anchorClicked.connect(self._anchor)
        self.view.setPlainText("Waiting for its turn…")
        layout.addWidget(self.view, 1)

    def show_summary(self, summary: Any) -> None:
        self.summary = summary
        self.view.setHtml(summary_html(summary.overview, summary.points, writing=False))

    def _anchor(self, url: QUrl) -> None:
        n = point_number(url.toString())
        if n is not None and self.summary is not None and 0 <= n < len(self.summary.points):
            self.point_clicked.emit(point_citation(self.record, self.summary.points[n], n))


class SummaryCompare(QDialog):
    """A window of summaries side by side; `point_clicked` opens the reader like a citation."""

    point_clicked = Signal(object)  # StoredCitation
    error = Signal(str)

    def __init__(
        self,
        records: Sequence[DocumentRecord],
        assistant: Any,
        pool: WorkerPool,
        length: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{len(records)} summaries side by side ({length})")
        self.setWindowFlag(Qt.WindowType.Window)
        self.resize(min(420 * len(records), 1400), 640)
        layout = QVBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.columns: dict[int, _Column] = {}
        for record in records:
            column = _Column(record)
            column.point_clicked.connect(self.point_clicked)
            splitter.addWidget(column)
            self.columns[record.id] = column
        layout.addWidget(splitter, 1)
        row = QHBoxLayout()
        self.status = QLabel("Summarising…")
        self.status.setObjectName("Caption")
        row.addWidget(self.status, 1)
        self.stop_button = QPushButton("Stop")
        self.stop_button.clicked.connect(self.stop)
        row.addWidget(self.stop_button)
        layout.addLayout(row)
        self.worker: Worker | None = CompareWorker(assistant, list(self.columns), length)
        self.worker.signals.progress.connect(self._progress)
        self.worker.signals.errored.connect(self._failed)
        self.worker.signals.cancelled.connect(lambda: self.status.setText("Stopped."))
        self.worker.signals.returned.connect(lambda _: self.status.setText("All summaries ready."))
        self.worker.signals.finished.connect(self._finished)
        pool.start(self.worker)

    def _progress(self, value: Any) -> None:
        if isinstance(value, ColumnReady) and value.document_id in self.columns:
            self.columns[value.document_id].show_summary(value.summary)
            ready = sum(1 for c in self.columns.values() if c.summary is not None)
            self.status.setText(f"{ready} of {len(self.columns)} summaries ready.")

    def _failed(self, message: str) -> None:
        self.status.setText(message)
        self.error.emit(message)

    def _finished(self) -> None:
        self.worker = None
        self.stop_button.setEnabled(False)

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.quit()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stop()
        super().closeEvent(event)
