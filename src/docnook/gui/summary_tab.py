"""The Summary tab: the key points as they are chosen, each linked to its page, then the
overview streaming in above them; a saved summary shows at once.

A point's page link opens the reader there with the point's sentence marked, the way an
answer's citation does (`point_clicked` carries a `StoredCitation`). The length (brief or
detailed) and an optional page range are chosen in the header; each has its own saved
summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton, QTextBrowser, QWidget

from docnook.errors import InputError
from docnook.gui.summary_view import point_citation, point_number, points_text, summary_html
from docnook.gui.task_tab import TaskTab

LENGTHS = (("Brief", "brief"), ("Detailed", "detailed"))


@dataclass(frozen=True)
class SummaryOptions:
    """The tab's choice, as the worker gets it: read on the GUI thread, never a widget."""

    length: str = "brief"
    pages: str = ""  # "" for the whole document, else as typed ("3-7", "Finances")


def cached_summary(assistant: Any, doc_id: int, options: SummaryOptions) -> Any:
    """The saved summary for these options, or None (also when the pages name no part)."""
    try:
        page_range = assistant.scope_pages(doc_id, options.pages)
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
    compare_requested = Signal()  # the documents selected in the library, side by side

    def build_options(self) -> list[QWidget]:
        self.length_box = QComboBox()
        for label, value in LENGTHS:
            self.length_box.addItem(label, value)
        self.length_box.setToolTip("Brief: about five key points. Detailed: points per section.")
        self.length_box.currentIndexChanged.connect(lambda _: self.options_changed.emit())
        self.pages_edit = QLineEdit()
        self.pages_edit.setPlaceholderText("All pages")
        self.pages_edit.setToolTip(
            "Summarise only these pages (3-7) or one numbered section (3 Finances: Finances)"
        )
        self.pages_edit.setMaximumWidth(90)
        self.pages_edit.editingFinished.connect(self.options_changed.emit)
        self.compare_button = QPushButton("Side by side")
        self.compare_button.setToolTip(
            "Summaries of the documents selected in the library, side by side"
        )
        self.compare_button.clicked.connect(self.compare_requested.emit)
        self.set_selection_count(0)
        return [self.length_box, self.pages_edit, self.compare_button]

    def set_selection_count(self, count: int) -> None:
        self.compare_button.setVisible(count >= 2)
        self.compare_button.setText(f"Side by side ({count})")

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
        first_last = summary.page_range
        scope = f" of pages {first_last[0]}-{first_last[1]}" if first_last else ""
        said = "Saved summary, shown instantly" if self.cached else "Written just now"
        self.status.setText(f"{said}{scope}. Click a page to see the point in the document.")
        self.status.setToolTip(f"Written by {model_name}" if model_name else "")

    def _render(self) -> None:
        bar = self.view.verticalScrollBar()
        keep = bar.value()
        self.view.setHtml(summary_html(self.overview, self.points, not self.overview_done))
        bar.setValue(keep)

    def _anchor(self, url: QUrl) -> None:
        n = point_number(url.toString())
        if n is not None and self.record is not None and 0 <= n < len(self.points):
            self.point_clicked.emit(point_citation(self.record, self.points[n], n))

    def copy_text(self) -> str:
        return points_text(self.overview, self.points)

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
