"""The Sentiment tab: the document's tone with its probabilities, and page by page."""

from __future__ import annotations

import csv
import io
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from docnook.gui.sentiment_chart import LABELS, PageChart, ScoreBar
from docnook.gui.sentiment_explain import ExplanationPanel
from docnook.gui.task_tab import TaskTab
from docnook.gui.theme import Theme, mix


class SentimentTab(TaskTab):
    action_text = "Read the tone"
    running_text = "Reading each page…"
    empty_text = (
        "Select a document in the library to see whether it reads positive, neutral or "
        "negative, page by page."
    )
    export_filter = "CSV (*.csv)"
    export_suffix = ".csv"

    page_clicked = Signal(int)
    sentence_clicked = Signal(int, object)  # page, SentenceWeight: open it marked
    explain_requested = Signal(int)  # page: score its sentences

    def build_result(self) -> QWidget:
        self.sentiment: Any = None
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        card = QFrame()
        card.setObjectName("Card")
        inner = QVBoxLayout(card)
        inner.setContentsMargins(14, 12, 14, 12)
        inner.setSpacing(10)
        top = QHBoxLayout()
        caption = QLabel("Overall")
        caption.setObjectName("Caption")
        top.addWidget(caption)
        top.addStretch(1)
        self.chip = QLabel("")
        self.chip.setObjectName("Chip")
        top.addWidget(self.chip)
        inner.addLayout(top)
        self.bar = ScoreBar()
        inner.addWidget(self.bar)
        layout.addWidget(card)

        pages_card = QFrame()
        pages_card.setObjectName("Card")
        pages_layout = QVBoxLayout(pages_card)
        pages_layout.setContentsMargins(12, 12, 12, 10)
        pages_layout.setSpacing(6)
        heading = QLabel("Page by page")
        heading.setObjectName("Caption")
        pages_layout.addWidget(heading)
        self.chart = PageChart()
        self.chart.page_clicked.connect(self.page_clicked)
        self.chart.page_clicked.connect(self.explain)
        # The explanation panel below says what a click on a column does, once.
        pages_layout.addWidget(self.chart, 1)
        layout.addWidget(pages_card, 1)
        self.explanation = ExplanationPanel()
        self.explanation.sentence_clicked.connect(self.sentence_clicked)
        layout.addWidget(self.explanation)
        return box

    def explain(self, page_no: int) -> None:
        """Show why page `page_no` got its label: at once when its sentences were scored
        before, else ask for them (`explain_requested`; `ExplainController` runs the job)."""
        page = next((p for p in self.chart.pages if p.page == page_no), None)
        if page is None:
            return
        self.chart.set_selected(page_no)
        if page.reasons:
            self.explanation.show_page(page)
        else:
            self.explanation.show_waiting(page)
            self.explain_requested.emit(page_no)

    def show_reasons(self, page: Any) -> None:
        """A page explained: kept in the chart (a second click is instant) and shown if it is
        still the page selected."""
        pages = self.chart.pages
        for i, p in enumerate(pages):
            if p.page == page.page:
                pages[i] = page
        if self.chart.selected == page.page:
            self.explanation.show_page(page)

    def ready_text(self) -> str:
        return (
            "The model scores every page as positive, neutral or negative from its own "
            "probabilities, then the whole document. Saved for next time."
        )

    def has_result(self) -> bool:
        return self.sentiment is not None

    def clear_result(self) -> None:
        self.sentiment = None
        self.chart.set_pages([])
        self.explanation.clear()
        self.bar.set_scores({})
        self.chip.setText("")

    def begin(self) -> None:
        self.clear_result()
        self.set_running(True)

    def show_sentiment(self, sentiment: Any, cached: bool = False) -> None:
        self.sentiment = sentiment
        theme = Theme.current()
        colour = {
            "positive": theme.positive,
            "neutral": theme.neutral,
            "negative": theme.negative,
        }.get(sentiment.label, theme.muted)
        self.chip.setText(sentiment.label.capitalize())
        self.chip.setStyleSheet(
            f"background: {mix(colour, theme.base, 0.16).name()}; color: {colour};font-size: 12pt;"
        )
        self.bar.set_scores(sentiment.scores)
        self.chart.set_pages(sentiment.pages)
        self.explanation.clear()
        self.set_running(False)
        self.status.setText("Saved reading, shown instantly." if cached else "")

    def _rows(self) -> list[list[str]]:
        s = self.sentiment
        rows = [["page", "label", *LABELS]]
        rows.append(["document", s.label, *(f"{float(s.scores.get(k, 0.0)):.4f}" for k in LABELS)])
        for p in s.pages:
            rows.append(
                [str(p.page), p.label, *(f"{float(p.scores.get(k, 0.0)):.4f}" for k in LABELS)]
            )
        return rows

    def copy_text(self) -> str:
        s = self.sentiment
        title = self.record.title if self.record else "Document"
        lines = [
            f"Sentiment of {title}: {s.label}",
            ", ".join(f"{k} {float(s.scores.get(k, 0.0)) * 100:.0f}%" for k in LABELS),
            "",
            "| Page | Label | Positive | Neutral | Negative |",
            "| ---: | --- | ---: | ---: | ---: |",
        ]
        for p in s.pages:
            cells = " | ".join(f"{float(p.scores.get(k, 0.0)) * 100:.0f}%" for k in LABELS)
            lines.append(f"| {p.page} | {p.label} | {cells} |")
        for p in self.chart.pages:  # the pages explained so far, with their reasons
            if p.reasons:
                lines += ["", f"Why page {p.page} reads {p.label}:"]
                lines += [f"- “{r.text}”" for r in p.reasons]
        return "\n".join(lines)

    def export_text(self) -> str:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(self._rows())
        return buffer.getvalue()
