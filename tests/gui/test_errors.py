"""Nothing dies silently, and nothing shows a traceback: the excepthook's dialog."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from docnook.gui.crash import CrashReporter, setup_logging


@pytest.mark.qt_no_exception_capture
def test_unexpected_error_is_logged_and_shown_as_sentences(qtbot, tmp_path):
    log_file = setup_logging(tmp_path)
    reporter = CrashReporter(log_file)
    reporter.install()
    shown: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        shown.append(box.text() + "\n" + box.informativeText())
        box.button(QMessageBox.StandardButton.Ok).click()

    def broken_slot() -> None:
        raise ValueError("the sprocket is missing")

    try:
        QTimer.singleShot(0, answer)
        QTimer.singleShot(0, broken_slot)
        qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    finally:
        reporter.uninstall()

    assert reporter.count == 1
    text = shown[0]
    assert "ValueError: the sprocket is missing" in text
    assert "Traceback" not in text and "line " not in text
    assert str(log_file) in text
    logged = log_file.read_text()
    assert "Traceback" in logged and "the sprocket is missing" in logged
