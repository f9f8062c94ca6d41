"""Why a page got its label: the sentences that weighed most, each one a link to the page.

The sentences of a page are scored when its column is first clicked (a job on a worker, a few
seconds: `Assistant.explain_page`, see `assistant.sentiment_scoring` for the method), then
kept with the reading, so the next click shows them at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from docnook.gui.engine_status import BUSY
from docnook.gui.workers import Worker, WorkerPool

if TYPE_CHECKING:
    from docnook.gui.engine_status import EngineStatus
    from docnook.gui.sentiment_tab import SentimentTab

HINT = "Click a column to open that page and see the sentences that weighed most for its label."


@dataclass(frozen=True)
class SentenceCitation:
    """A sentence of a page as the window opens citations (`gui.citations.CitedSource`)."""

    document_id: int | None
    path: str
    title: str
    page: int
    text: str
    n: int = 0

    @property
    def page_end(self) -> int:
        return self.page

    @property
    def quote(self) -> str:
        return self.text

    def label(self) -> str:
        return f"{self.title}, p. {self.page}"


class SentenceLink(QLabel):
    """One sentence, with its score; a click asks for the page with the sentence marked."""

    clicked = Signal(object)  # SentenceWeight

    def __init__(self, reason: Any, label: str, parent: QWidget | None = None) -> None:
        share = reason.weight
        own = float(reason.scores.get(label, 0.0))
        super().__init__(
            f"“{reason.text}”<br><span style='font-size: small'>{label} {own * 100:.0f}% "
            f"on its own · {share * 100:.0f} points of the page's {label}</span>",
            parent,
        )
        self.reason = reason
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Open the page with this sentence marked")
        self.setObjectName("SentenceLink")

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.reason)


class ExplanationPanel(QFrame):
    """The reasons of one page; empty (a hint) until a column is clicked."""

    sentence_clicked = Signal(int, object)  # page, SentenceWeight

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Card")
        self.page: Any = None  # the PageSentiment shown
        self.links: list[SentenceLink] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(12, 10, 12, 10)
        self._layout.setSpacing(6)
        self.heading = QLabel(HINT)
        self.heading.setObjectName("Caption")
        self.heading.setWordWrap(True)
        self._layout.addWidget(self.heading)

    def clear(self) -> None:
        self.page = None
        for link in self.links:
            self._layout.removeWidget(link)
            link.deleteLater()
        self.links = []
        self.heading.setText(HINT)

    def show_waiting(self, page: Any) -> None:
        self.clear()
        self.page = page
        self.heading.setText(f"Page {page.page} reads {page.label}. Scoring its sentences…")

    def show_message(self, text: str) -> None:
        self.clear()
        self.heading.setText(text)

    def show_page(self, page: Any) -> None:
        self.clear()
        self.page = page
        if not page.reasons:
            self.heading.setText(
                f"Page {page.page} reads {page.label}; it has no sentences to show."
            )
            return
        self.heading.setText(
            f"Why page {page.page} reads {page.label}: the sentences that weighed most"
        )
        for reason in page.reasons:
            link = SentenceLink(reason, page.label, self)
            link.clicked.connect(lambda r, n=page.page: self.sentence_clicked.emit(n, r))
            self._layout.addWidget(link)
            self.links.append(link)


class ExplainWorker(Worker):
    """Scores the sentences of one page; the result is the `PageSentiment` with its reasons."""

    action = "explaining the page"

    def __init__(self, assistant: Any, document_id: int, page: int) -> None:
        super().__init__()
        self.assistant = assistant
        self.document_id = document_id
        self.page = page

    def work(self) -> Any:
        return self.assistant.explain_page(self.document_id, self.page, self.cancel_token)


class ExplainController(QObject):
    """Runs the explanation a sentiment tab asks for; a new request (or another document)
    stops the one running, so only the page in view is ever worked on."""

    explained = Signal(object)  # PageSentiment with its reasons

    JOB = "explaining a page"

    def __init__(
        self,
        tab: SentimentTab,
        pool: WorkerPool,
        status: EngineStatus,
        assistant: Callable[[], Any],
    ) -> None:
        super().__init__(tab)
        self.tab = tab
        self.pool = pool
        self.status = status
        self._assistant = assistant
        self.worker: ExplainWorker | None = None
        tab.explain_requested.connect(self.explain)

    def explain(self, page: int) -> ExplainWorker | None:
        assistant = self._assistant()
        record = self.tab.record
        if assistant is None or record is None:
            return None
        self.stop()
        worker = ExplainWorker(assistant, record.id, page)
        doc_id = record.id
        worker.signals.returned.connect(lambda result: self._done(doc_id, result))
        worker.signals.errored.connect(self.tab.explanation.show_message)
        worker.signals.finished.connect(lambda: self._finished(worker))
        self.worker = worker
        self.status.job_started(self.JOB, BUSY)
        self.pool.start(worker)
        return worker

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.quit()

    def _done(self, doc_id: int, page: Any) -> None:
        if self.tab.record is not None and self.tab.record.id == doc_id:
            self.tab.show_reasons(page)
        self.explained.emit(page)

    def _finished(self, worker: ExplainWorker) -> None:
        if self.worker is worker:
            self.worker = None
            self.status.job_ended(self.JOB)
