"""Drag and drop: what was dropped, and the overlay that says where it will go."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


@dataclass
class Dropped:
    documents: list[str] = field(default_factory=list)  # PDFs and folders, to index
    models: list[str] = field(default_factory=list)  # .gguf files, to offer as models
    ignored: list[str] = field(default_factory=list)  # anything else

    def __bool__(self) -> bool:
        return bool(self.documents or self.models or self.ignored)


def local_paths(mime: QMimeData) -> list[str]:
    if not mime.hasUrls():
        return []
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]


def sort_dropped(paths: list[str]) -> Dropped:
    dropped = Dropped()
    for text in paths:
        path = Path(text)
        suffix = path.suffix.lower()
        if suffix == ".gguf":
            dropped.models.append(text)
        elif path.is_dir() or suffix == ".pdf":
            dropped.documents.append(text)
        else:
            dropped.ignored.append(text)
    return dropped


class DropOverlay(QWidget):
    """Covers the window while files are dragged over it; once shown, the drag is over it."""

    dropped = Signal(list)  # local paths

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("DropOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        self.label = QLabel("Drop to add to your library")
        self.label.setObjectName("DropOverlayLabel")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(1)
        layout.addWidget(self.label, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(1)
        self.hide()

    def show_for(self, paths: list[str]) -> None:
        dropped = sort_dropped(paths)
        if dropped.models and not dropped.documents:
            self.label.setText("Drop to add this model to DocNook")
        elif dropped.documents:
            self.label.setText("Drop to add to your library")
        else:
            self.label.setText("DocNook reads PDF files and folders")
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect().adjusted(8, 8, -8, -8))
        self.raise_()
        self.show()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self._accept(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self._accept(event)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.hide()

    def dropEvent(self, event: QDropEvent) -> None:
        self.hide()
        paths = self._accept(event)
        if paths:
            self.dropped.emit(paths)

    @staticmethod
    def _accept(event: QDropEvent) -> list[str]:
        paths = local_paths(event.mimeData())
        if paths:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()
        return paths
