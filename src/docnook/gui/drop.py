"""Drag and drop: what was dropped, and the overlay that says where it will go."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from docnook.ingest.suffixes import DOCUMENT_SUFFIXES


@dataclass
class Dropped:
    documents: list[str] = field(default_factory=list)  # documents and folders, to index
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
        elif path.is_dir() or suffix in DOCUMENT_SUFFIXES:
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


class WindowDrops:
    """Drag and drop anywhere on the main window: a mixin of `MainWindow`, which provides
    `overlay` (a DropOverlay) and `handle_dropped(paths)`.

    A drag event goes to the widget under the pointer and, when that widget takes no drops, on
    up to its parents. No widget inside takes file drops (text fields are told not to), so
    every drop on the window ends here. An application-wide event filter would do the same, but
    it would call into Python for every event of every widget, and each call would have to wait
    for the GIL while workers run: the window would stutter.
    """

    overlay: DropOverlay
    handle_dropped: Callable[[list[str]], None]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        paths = self._accept_drag(event)
        if paths:
            self.overlay.show_for(paths)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self._accept_drag(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.overlay.hide()
        paths = self._accept_drag(event)
        if paths:
            self.handle_dropped(paths)

    @staticmethod
    def _accept_drag(event: QDropEvent) -> list[str]:
        paths = local_paths(event.mimeData())
        if paths:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()  # text dragged about inside the window is not ours
        return paths
