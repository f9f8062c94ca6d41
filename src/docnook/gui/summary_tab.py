"""The Summary tab: one click, the summary streams in, and a saved one shows at once."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QTextBrowser, QWidget

from docnook.gui.task_tab import TaskTab


class SummaryTab(TaskTab):
    action_text = "Summarize"
    running_text = "Reading the document…"
    empty_text = "Select a document in the library, then summarize it here."
    export_filter = "Markdown (*.md)"
    export_suffix = ".md"

    def build_result(self) -> QWidget:
        self.text = ""
        self.cached = False
        self.model_name = ""
        self.view = QTextBrowser()
        self.view.setObjectName("ResultText")
        self.view.setOpenExternalLinks(False)
        self.view.setAcceptDrops(False)
        self.view.document().setDocumentMargin(14)
        return self.view

    def ready_text(self) -> str:
        return (
            "The model reads the whole document, part by part, and writes a short summary. "
            "It is saved, so next time it shows at once."
        )

    def has_result(self) -> bool:
        return bool(self.text.strip())

    def clear_result(self) -> None:
        self.text = ""
        self.cached = False
        self.view.clear()

    def begin(self) -> None:
        self.clear_result()
        self.set_running(True)

    def append(self, text: str) -> None:
        self.text += text
        bar = self.view.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 8
        self.view.setMarkdown(self.text)
        if at_end:
            bar.setValue(bar.maximum())

    def show_summary(self, summary: Any, model_name: str = "") -> None:
        """A Summary from the assistant (fresh or cached)."""
        self.text = summary.summary
        self.cached = bool(summary.cached)
        self.model_name = model_name
        self.view.setMarkdown(self.text)
        self.set_running(False)
        self.status.setText(
            "Saved summary, shown instantly." if self.cached else "Written just now."
        )
        self.status.setToolTip(f"Written by {model_name}" if model_name else "")

    def copy_text(self) -> str:
        return self.text.strip()

    def export_text(self) -> str:
        title = self.record.title if self.record else "Document"
        lines = [f"# Summary of {title}", "", self.text.strip(), ""]
        source = self.record.path if self.record else ""
        made = f"_Made by DocNook on {date.today().isoformat()}"
        if self.model_name:
            made += f" with {self.model_name}"
        lines += ["---", f"{made}, from {source}._", ""]
        return "\n".join(lines)
