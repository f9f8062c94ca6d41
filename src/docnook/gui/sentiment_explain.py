"""Why a page got its label: the sentences that weighed most, each one a link to the page.

The weights come with the reading (`assistant.sentiment_scoring`): a page's probability of
its label is the sum over its sentences of their share of the page times their own
probability of the label, so nothing is computed here and nothing waits for the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

HINT = "Click a column to see the sentences that weighed most for its label."


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
