"""Sentiment of the library: every document with its label, scores, and its most negative and
most positive page, in a sortable table; CSV export; and the documents not read yet, read as
a job with progress and Stop (never on the GUI thread, never without being asked).

The table comes from the saved readings only (`Assistant.library_tone`, read on a worker);
a double click opens the document, at the page of the column clicked when it names one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from docnook.gui.engine_status import BUSY
from docnook.gui.workers import CallWorker, Worker, WorkerPool

if TYPE_CHECKING:
    from docnook.gui.engine_status import EngineStatus

LABELS = ("positive", "neutral", "negative")
COLUMNS = (
    "Document",
    "Label",
    "Positive",
    "Neutral",
    "Negative",
    "Most negative page",
    "Most positive page",
)
NEGATIVE_PAGE, POSITIVE_PAGE = 5, 6
JOB = "library sentiment"


class AnalyseLibraryWorker(Worker):
    """Reads the documents without a saved sentiment, one after another; progress is
    `TaskProgress` per document, the result a `LibraryTone`."""

    action = "reading the library's sentiment"

    def __init__(self, assistant: Any) -> None:
        super().__init__()
        self.assistant = assistant

    def work(self) -> Any:
        return self.assistant.analyse_library(
            progress=lambda p: self.emit_progress(p, force=True), cancel=self.cancel_token
        )


class _Item(QTableWidgetItem):
    """A cell that sorts by a key of its own (numbers as numbers, blanks last)."""

    def __init__(self, text: str, key: Any) -> None:
        super().__init__(text)
        self.key = key
        self.setFlags(self.flags() & ~Qt.ItemFlag.ItemIsEditable)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        if isinstance(other, _Item):
            return bool(self.key < other.key)
        return super().__lt__(other)


class LibrarySentimentDialog(QDialog):
    page_requested = Signal(int, int)  # document id, page
    loaded = Signal(object)  # LibraryTone shown
    analysis_finished = Signal(object)  # LibraryTone, or None when stopped / failed

    def __init__(
        self,
        pool: WorkerPool,
        assistant: Callable[[], Any],
        status: EngineStatus | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sentiment of the library")
        self.resize(860, 480)
        self.pool = pool
        self._assistant = assistant
        self._status = status
        self.tone: Any = None
        self.worker: Worker | None = None
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)  # by title until clicked
        self.table.cellDoubleClicked.connect(self._open)
        layout.addWidget(self.table, 1)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.hide()
        layout.addWidget(self.progress)
        row = QHBoxLayout()
        self.message = QLabel("Reading the saved sentiment…")
        self.message.setObjectName("Caption")
        self.message.setWordWrap(True)
        row.addWidget(self.message, 1)
        self.analyse_button = QPushButton("Analyse them")
        self.analyse_button.clicked.connect(self.analyse)
        self.analyse_button.hide()
        row.addWidget(self.analyse_button)
        self.stop_button = QPushButton("Stop")
        self.stop_button.clicked.connect(self.stop)
        self.stop_button.hide()
        row.addWidget(self.stop_button)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.clicked.connect(self.export)
        row.addWidget(self.export_button)
        layout.addLayout(row)

    # -- the saved readings ------------------------------------------------------------------

    def refresh(self) -> Worker | None:
        assistant = self._assistant()
        if assistant is None:
            self.message.setText("The language model is still starting; try again in a moment.")
            return None
        worker = CallWorker(assistant.library_tone, "reading the library's sentiment")
        worker.signals.returned.connect(self.show_tone)
        worker.signals.errored.connect(self.message.setText)
        self.pool.start(worker)
        return worker

    def refresh_if_shown(self) -> None:
        if self.isVisible() and self.worker is None:
            self.refresh()

    def show_tone(self, tone: Any) -> None:
        self.tone = tone
        table = self.table
        table.setSortingEnabled(False)
        table.setRowCount(len(tone.rows))
        for r, row in enumerate(tone.rows):
            scores = row.scores
            label = row.label or ("not analysed" if row.status == "indexed" else row.status)
            title = _Item(row.title, row.title.lower())
            title.setData(Qt.ItemDataRole.UserRole, row.document_id)
            title.setToolTip(row.path)
            cells = [title, _Item(label, (row.label is None, label))]
            for k in LABELS:
                value = scores[k] if scores else None
                text = f"{value * 100:.0f}%" if value is not None else ""
                cells.append(_Item(text, value if value is not None else -1.0))
            for page in (row.most_negative_page, row.most_positive_page):
                cells.append(_Item(str(page or ""), page or 0))
            for c, item in enumerate(cells):
                if c >= 2:  # numbers
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                table.setItem(r, c, item)
        table.setSortingEnabled(True)
        waiting = len(tone.not_analysed)
        if waiting and self.worker is None:
            self.message.setText(
                f"{waiting} document(s) not analysed yet. Reading them uses the language "
                "model for a while; you can stop at any time."
            )
        elif not tone.rows:
            self.message.setText("The library is empty.")
        elif self.worker is None:
            self.message.setText("Every document has been read. Double-click one to open it.")
        self.analyse_button.setVisible(bool(waiting) and self.worker is None)
        self.loaded.emit(tone)

    # -- reading the rest --------------------------------------------------------------------

    def analyse(self) -> Worker | None:
        assistant = self._assistant()
        if assistant is None or self.worker is not None:
            return None
        worker = AnalyseLibraryWorker(assistant)
        worker.signals.progress.connect(self._progress)
        worker.signals.returned.connect(self._analysed)
        worker.signals.errored.connect(self.message.setText)
        worker.signals.cancelled.connect(lambda: self.message.setText("Stopped."))
        worker.signals.finished.connect(self._finished)
        self.worker = worker
        self.analyse_button.hide()
        self.stop_button.show()
        self.progress.setRange(0, 0)
        self.progress.show()
        if self._status is not None:
            self._status.job_started(JOB, BUSY)
        self.pool.start(worker)
        return worker

    def stop(self) -> bool:
        if self.worker is None:
            return False
        self.worker.quit()
        return True

    def _progress(self, value: Any) -> None:
        self.progress.setRange(0, max(1, int(value.total)))
        self.progress.setValue(int(value.done))
        self.message.setText(str(value.message))

    def _analysed(self, tone: Any) -> None:
        self._result = tone

    def _finished(self) -> None:
        self.worker = None
        self.progress.hide()
        self.stop_button.hide()
        if self._status is not None:
            self._status.job_ended(JOB)
        result, self._result = getattr(self, "_result", None), None
        if result is not None and result.failures:
            self.message.setText(f"{len(result.failures)} document(s) could not be read.")
        self.refresh()  # the table shows what was saved, finished or stopped
        self.analysis_finished.emit(result)

    # -- actions -----------------------------------------------------------------------------

    def _open(self, row: int, column: int) -> None:
        doc_id = self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)
        page = 1
        if column in (NEGATIVE_PAGE, POSITIVE_PAGE):
            page = int(self.table.item(row, column).key or 1)
        self.page_requested.emit(int(doc_id), page)

    def export(self) -> str | None:
        if self.tone is None:
            return None
        start = str(Path.home() / "library-sentiment.csv")
        path, _ = QFileDialog.getSaveFileName(self, "Export", start, "CSV (*.csv)")
        return self.export_to(path) if path else None

    def export_to(self, path: str) -> str | None:
        if self.tone is None:
            return None
        if not path.lower().endswith(".csv"):
            path += ".csv"
        try:
            Path(path).write_text(self.tone.csv_text(), encoding="utf-8")
        except OSError as exc:
            self.message.setText(f"Could not save {Path(path).name}: {exc.strerror or exc}.")
            return None
        self.message.setText(f"Saved to {path}.")
        return path


def open_library_sentiment(window: Any) -> LibrarySentimentDialog:
    """Show the window's library sentiment dialog (one per window), refreshed."""
    dialog = getattr(window, "library_sentiment", None)
    if dialog is None:
        panel = window.assistant_panel
        dialog = LibrarySentimentDialog(window.pool, lambda: panel.assistant, panel.status, window)
        dialog.page_requested.connect(window.citations.open_page)
        # A document read in the Sentiment tab meanwhile shows up here too.
        panel.sentiment_finished.connect(lambda _result: dialog.refresh_if_shown())
        window.library_sentiment = dialog
    dialog.show()
    dialog.raise_()
    if dialog.worker is None:
        dialog.refresh()
    return dialog
