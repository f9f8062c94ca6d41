"""Helpers for the window tests: simulated drops and the waits that go with them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget

MODEL_READY_MS = 180_000  # first start assembles the bundled model into the data folder
INDEX_MS = 180_000
ANSWER_MS = 240_000


def wait_model_ready(qtbot, window) -> None:
    panel = window.assistant_panel
    qtbot.waitUntil(
        lambda: panel.assistant is not None and panel.state == "ready" and bool(panel.model_name),
        timeout=MODEL_READY_MS,
    )


def drop_files(target: QWidget, paths: list[Path]) -> None:
    """What the window receives when files are dragged from a file manager onto `target`."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    centre = target.rect().center()
    args = (
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    try:  # Qt 6.12 takes a QPointF (and deprecates QPoint); earlier ones only a QPoint
        enter = QDragEnterEvent(QPointF(centre), *args)
    except TypeError:
        enter = QDragEnterEvent(centre, *args)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted(), "the window refused the drag"
    drop = QDropEvent(QPointF(centre), *args)
    QApplication.sendEvent(target, drop)
    assert drop.isAccepted(), "the window refused the drop"


def index_and_wait(qtbot, window, paths: list[Path]):
    """Drop `paths` on the reading area and wait for the indexing report."""
    with qtbot.waitSignal(window.indexing_finished, timeout=INDEX_MS) as blocker:
        drop_files(window.reader.view.viewport(), paths)
    return blocker.args[0]
