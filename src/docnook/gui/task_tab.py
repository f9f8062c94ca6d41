"""What the Summary and Sentiment tabs share: a document, one button, progress, a result."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from docnook.gui import icons
from docnook.gui.theme import Theme

if TYPE_CHECKING:
    from docnook.index.store import DocumentRecord


class TaskTab(QWidget):
    """Header (document + action), progress with Stop, the result, and Copy / Export."""

    run_requested = Signal()
    stop_requested = Signal()
    copied = Signal(str)

    action_text = "Run"
    running_text = "Working…"
    empty_title = "Choose a document"
    empty_text = ""
    export_filter = "Markdown (*.md)"
    export_suffix = ".md"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.record: DocumentRecord | None = None
        self.running = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 14, 14, 14)
        layout.setSpacing(12)

        header = QFrame()
        header.setObjectName("Card")
        row = QHBoxLayout(header)
        row.setContentsMargins(12, 10, 10, 10)
        row.setSpacing(10)
        self.doc_icon = QLabel()
        row.addWidget(self.doc_icon)
        names = QVBoxLayout()
        names.setSpacing(1)
        self.doc_title = QLabel("No document selected")
        self.doc_title.setObjectName("PaneTitle")
        self.doc_title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        names.addWidget(self.doc_title)
        self.doc_caption = QLabel("Select one in the library")
        self.doc_caption.setObjectName("Caption")
        self.doc_caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        names.addWidget(self.doc_caption)
        row.addLayout(names, 1)
        for option in self.build_options():
            row.addWidget(option)
        self.run_button = QPushButton(self.action_text)
        self.run_button.setProperty("primary", True)
        self.run_button.clicked.connect(self._run_clicked)
        row.addWidget(self.run_button)
        layout.addWidget(header)

        self.progress_box = QWidget()
        prow = QVBoxLayout(self.progress_box)
        prow.setContentsMargins(2, 0, 2, 0)
        prow.setSpacing(6)
        self.progress_label = QLabel("")
        self.progress_label.setObjectName("Caption")
        prow.addWidget(self.progress_label)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        prow.addWidget(self.progress)
        self.progress_box.hide()
        layout.addWidget(self.progress_box)

        self.stack = QStackedWidget()
        self.placeholder = QLabel()
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setTextFormat(Qt.TextFormat.RichText)
        self.placeholder.setContentsMargins(24, 0, 24, 40)
        self.stack.addWidget(self.placeholder)
        self.result = self.build_result()
        self.stack.addWidget(self.result)
        layout.addWidget(self.stack, 1)

        footer = QHBoxLayout()
        footer.setSpacing(8)
        self.status = QLabel("")
        self.status.setObjectName("Caption")
        self.status.setWordWrap(True)
        footer.addWidget(self.status, 1)
        self.copy_button = QPushButton("Copy")
        self.copy_button.clicked.connect(self.copy)
        footer.addWidget(self.copy_button)
        self.export_button = QPushButton("Export…")
        self.export_button.clicked.connect(self.export)
        footer.addWidget(self.export_button)
        layout.addLayout(footer)
        self.set_record(None)

    # -- for subclasses -----------------------------------------------------------------------

    def build_options(self) -> list[QWidget]:
        """Widgets in the header, before the action button (a length, a page range)."""
        return []

    def build_result(self) -> QWidget:
        raise NotImplementedError

    def has_result(self) -> bool:
        raise NotImplementedError

    def clear_result(self) -> None:
        raise NotImplementedError

    def copy_text(self) -> str:
        raise NotImplementedError

    def export_text(self) -> str:
        raise NotImplementedError

    # -- state --------------------------------------------------------------------------------

    def refresh_icons(self) -> None:
        theme = Theme.current()
        self.doc_icon.setPixmap(icons.icon("document", theme.accent).pixmap(22, 22))
        self.copy_button.setIcon(icons.icon("copy", theme.text, theme.muted))
        self.export_button.setIcon(icons.icon("export", theme.text, theme.muted))
        self._show_placeholder_text()

    def set_record(self, record: DocumentRecord | None) -> None:
        """The document this tab works on (the one open in the reader)."""
        same = record is not None and self.record is not None and record.id == self.record.id
        self.record = record
        if record is None:
            self._title_text = "No document selected"
            self.doc_caption.setText("Select one in the library")
        else:
            self._title_text = record.title
            self.doc_title.setToolTip(record.path)
            pages = f"{record.pages} page" + ("s" if record.pages != 1 else "")
            self.doc_caption.setText(f"{pages} · {Path(record.path).name}")
        self._elide_title()
        if not same:
            self.clear_result()
            self.status.setText("")
        self._sync()

    def _elide_title(self) -> None:
        metrics = QFontMetrics(self.doc_title.font())
        width = max(40, self.doc_title.width())
        text = getattr(self, "_title_text", "")
        self.doc_title.setText(metrics.elidedText(text, Qt.TextElideMode.ElideRight, width))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide_title()

    def set_running(self, on: bool, label: str = "") -> None:
        self.running = on
        if on:
            self.progress.setRange(0, 0)
            self.progress_label.setText(label or self.running_text)
            self.status.setText("")
        self.progress_box.setVisible(on)
        self._sync()

    def set_progress(self, done: int, total: int, message: str = "") -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        if message:
            self.progress_label.setText(message)

    def _sync(self) -> None:
        usable = self.record is not None and self.record.status == "indexed"
        self.run_button.setText("Stop" if self.running else self.action_text)
        self.run_button.setProperty("primary", not self.running)
        self.run_button.style().unpolish(self.run_button)
        self.run_button.style().polish(self.run_button)
        self.run_button.setEnabled(self.running or usable)
        has = self.has_result()
        # A saved result is final for this document and model: running again would only
        # fetch it from the cache, so the button makes way for it.
        self.run_button.setVisible(self.running or not has)
        self.copy_button.setEnabled(has and not self.running)
        self.export_button.setEnabled(has and not self.running)
        self.stack.setCurrentIndex(1 if has or self.running else 0)
        self._show_placeholder_text()
        QTimer.singleShot(0, self._elide_title)  # once the header has its new layout

    def _show_placeholder_text(self) -> None:
        theme = Theme.current()
        if self.record is None:
            title, text = self.empty_title, self.empty_text
        elif self.record.status != "indexed":
            title = "Not readable yet"
            text = "This document has no indexed text. " + (self.record.error or "")
        else:
            title, text = self.ready_title(), self.ready_text()
        self.placeholder.setText(
            f'<div style="font-size:12pt; font-weight:600; color:{theme.text};">{title}</div>'
            f'<div style="margin-top:6px; color:{theme.muted};">{text}</div>'
        )

    def ready_title(self) -> str:
        return self.action_text

    def ready_text(self) -> str:
        return ""

    def _run_clicked(self) -> None:
        if self.running:
            self.stop_requested.emit()
        else:
            self.run_requested.emit()

    # -- copy and export ----------------------------------------------------------------------

    def copy(self) -> None:
        from PySide6.QtWidgets import QApplication

        if self.has_result():
            QApplication.clipboard().setText(self.copy_text())
            self.copied.emit("Copied to the clipboard.")

    def suggested_name(self) -> str:
        stem = Path(self.record.path).stem if self.record else "docnook"
        return f"{stem} - {self.action_text.lower()}{self.export_suffix}"

    def export(self) -> str | None:
        if not self.has_result():
            return None
        start = str(Path.home() / self.suggested_name())
        path, _ = QFileDialog.getSaveFileName(self, "Export", start, self.export_filter)
        if not path:
            return None
        return self.export_to(path)

    def export_to(self, path: str) -> str | None:
        if not path.lower().endswith(self.export_suffix):
            path += self.export_suffix
        try:
            Path(path).write_text(self.export_text(), encoding="utf-8")
        except OSError as exc:
            self.status.setText(f"Could not save {Path(path).name}: {exc.strerror or exc}.")
            return None
        self.status.setText(f"Saved to {path}.")
        return path
