"""The Summary tab: the key points as they are chosen, each linked to its page, then the
overview streaming in above them; a saved summary shows at once.

A point's page link opens the reader there with the point's sentence marked, the way an
answer's citation does (`point_clicked` carries a `StoredCitation`). The length (brief or
detailed) and an optional page range are chosen in the header; each has its own saved
summary.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QTextBrowser, QWidget

from docnook.assistant.summaries import parse_page_range
from docnook.errors import InputError
from docnook.gui.citations import StoredCitation
from docnook.gui.task_tab import TaskTab
from docnook.gui.theme import Theme

LENGTHS = (("Brief", "brief"), ("Detailed", "detailed"))


@dataclass(frozen=True)
class SummaryOptions:
    """The tab's choice, as the worker gets it: read on the GUI thread, never a widget."""

    length: str = "brief"
    pages: str = ""  # "" for the whole document, else as typed ("3-7"): the service checks it


def cached_summary(assistant: Any, doc_id: int, options: SummaryOptions) -> Any:
    """The saved summary for these options, or None (also when the pages are no range)."""
    try:
        page_range = parse_page_range(options.pages) if options.pages else None
    except InputError:
        return None
    return assistant.cached_summary(doc_id, options.length, page_range)


class SummaryTab(TaskTab):
    action_text = "Summarize"
    running_text = "Choosing the key points…"
    empty_text = "Select a document in the library, then summarize it here."
    export_filter = "Markdown (*.md)"
    export_suffix = ".md"

    point_clicked = Signal(object)  # StoredCitation: the point's sentence on its page
    options_changed = Signal()  # length or pages: another saved summary may apply

    def build_options(self) -> list[QWidget]:
        self.length_box = QComboBox()
        for label, value in LENGTHS:
            self.length_box.addItem(label, value)
        self.length_box.setToolTip("Brief: about five key points. Detailed: points per section.")
        self.length_box.currentIndexChanged.connect(lambda _: self.options_changed.emit())
        self.pages_edit = QLineEdit()
        self.pages_edit.setPlaceholderText("All pages")
        self.pages_edit.setToolTip("Summarise only these pages, like 3-7")
        self.pages_edit.setMaximumWidth(90)
        self.pages_edit.editingFinished.connect(self.options_changed.emit)
        return [self.length_box, self.pages_edit]

    def build_result(self) -> QWidget:
        self.text = ""
        self.overview = ""
        self.points: list[Any] = []  # SummaryPoint
        self.overview_done = False
        self.cached = False
        self.model_name = ""
        self.view = QTextBrowser()
        self.view.setObjectName("ResultText")
        self.view.setOpenLinks(False)
        self.view.setOpenExternalLinks(False)
        self.view.setAcceptDrops(False)
        self.view.document().setDocumentMargin(14)
        self.view.anchorClicked.connect(self._anchor)
        return self.view

    def options(self) -> SummaryOptions:
        return SummaryOptions(str(self.length_box.currentData()), self.pages_edit.text().strip())

    def take_progress(self, value: Any) -> bool:
        """A key point from the worker (`PointReady`): shown at once."""
        point = getattr(value, "point", None)
        if point is None:
            return False
        self.add_point(point)
        return True

    def ready_text(self) -> str:
        return (
            "DocNook picks the sentences that carry the document's facts, each linked to its "
            "page, and the model writes a short overview from them. Nothing is stated that the "
            "pages do not hold. It is saved, so next time it shows at once."
        )

    def has_result(self) -> bool:
        return bool(self.points or self.overview.strip())

    def clear_result(self) -> None:
        self.text = ""
        self.overview = ""
        self.points = []
        self.overview_done = False
        self.cached = False
        self.view.clear()

    def begin(self) -> None:
        self.clear_result()
        self.set_running(True)

    def add_point(self, point: Any) -> None:
        """A key point, final, as the service chose it."""
        self.points.append(point)
        self._render()

    def append(self, text: str) -> None:
        """A piece of the overview as it streams (checked text only)."""
        self.overview += text
        self._render()

    def show_summary(self, summary: Any, model_name: str = "") -> None:
        """A Summary from the assistant (fresh or cached)."""
        self.text = summary.summary
        self.overview = summary.overview
        self.points = list(summary.points)
        self.overview_done = True
        self.cached = bool(summary.cached)
        self.model_name = model_name
        self._render()
        self.set_running(False)
        scope = f" of pages {summary.page_range[0]}-{summary.page_range[1]}"
        scope = scope if summary.page_range else ""
        said = "Saved summary, shown instantly" if self.cached else "Written just now"
        self.status.setText(f"{said}{scope}. Click a page to see the point in the document.")
        self.status.setToolTip(f"Written by {model_name}" if model_name else "")

    def _render(self) -> None:
        theme = Theme.current()
        bar = self.view.verticalScrollBar()
        keep = bar.value()
        parts = []
        if self.overview.strip():
            parts.append(f"<p>{html.escape(self.overview.strip())}</p>")
        elif self.points and not self.overview_done:
            parts.append(f'<p style="color:{theme.muted};">Writing the overview…</p>')
        if self.points:
            parts.append('<p style="font-weight:600;">Key points</p><ul>')
            for n, point in enumerate(self.points):
                link = f'<a href="point:{n}">{html.escape(point.label())}</a>'
                parts.append(
                    f'<li style="margin-bottom:6px;">{html.escape(point.text)} '
                    f'<span style="color:{theme.muted};">({link})</span></li>'
                )
            parts.append("</ul>")
        self.view.setHtml("".join(parts))
        bar.setValue(keep)

    def _anchor(self, url: QUrl) -> None:
        text = url.toString()
        if not text.startswith("point:") or self.record is None:
            return
        n = int(text.split(":", 1)[1])
        if 0 <= n < len(self.points):
            self.point_clicked.emit(self.citation(n))

    def citation(self, n: int) -> StoredCitation:
        """Point `n` as a citation the reader opens: its pages, its sentence marked."""
        point, record = self.points[n], self.record
        assert record is not None
        return StoredCitation(
            n + 1,
            record.id,
            record.path,
            record.title,
            min(point.pages),
            max(point.pages),
            point.source,
            point.source,
        )

    def copy_text(self) -> str:
        lines = [self.overview.strip(), ""] if self.overview.strip() else []
        lines += [f"- {p.text} ({p.label()})" for p in self.points]
        return "\n".join(lines).strip()

    def export_text(self) -> str:
        title = self.record.title if self.record else "Document"
        lines = [f"# Summary of {title}", ""]
        if self.overview.strip():
            lines += [self.overview.strip(), ""]
        lines += ["## Key points", ""] + [f"- {p.text} ({p.label()})" for p in self.points]
        source = self.record.path if self.record else ""
        made = f"_Made by DocNook on {date.today().isoformat()}"
        if self.model_name:
            made += f" with {self.model_name}"
        lines += ["", "---", f"{made}, from {source}._", ""]
        return "\n".join(lines)
