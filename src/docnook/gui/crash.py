"""Nothing dies silently: unexpected errors are logged in full and shown as a plain dialog.

Known failures (`DocNookError`) never get here; workers turn them into sentences in the window.
What does get here is a bug: the person sees what happened in one sentence, that their files are
safe, and where the details are. The traceback goes to the log file, not on screen.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox

from docnook.errors import DocNookError

log = logging.getLogger("docnook")


def log_path(data_dir: Path) -> Path:
    return data_dir / "logs" / "docnook.log"


def setup_logging(data_dir: Path) -> Path:
    """Log to a small rotating file in the data folder (and warnings to stderr)."""
    path = log_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=2, encoding="utf-8"
    )
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s")
    )
    root = logging.getLogger("docnook")
    root.setLevel(logging.INFO)
    for old in [h for h in root.handlers if isinstance(h, logging.handlers.RotatingFileHandler)]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    return path


class CrashReporter(QObject):
    """Installed as `sys.excepthook` and `threading.excepthook`; the dialog always opens on the
    GUI thread (the signal is queued there from any thread)."""

    reported = Signal(str)

    def __init__(self, log_file: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_file = log_file
        self.count = 0
        self._showing = False
        self._previous = sys.excepthook
        self._previous_thread = threading.excepthook
        self.reported.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        sys.excepthook = self.excepthook
        threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        sys.excepthook = self._previous
        threading.excepthook = self._previous_thread

    def excepthook(
        self,
        kind: type[BaseException],
        value: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        self.count += 1
        log.error("unexpected error", exc_info=(kind, value, tb))
        if isinstance(value, DocNookError):
            self.reported.emit(str(value))
        else:
            self.reported.emit(f"{kind.__name__}: {value}")

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.excepthook(args.exc_type, args.exc_value, args.exc_traceback)

    def _show(self, summary: str) -> None:
        if self._showing:
            return  # one dialog at a time; the log has every error
        self._showing = True
        try:
            box = QMessageBox(QApplication.activeWindow())
            box.setIcon(QMessageBox.Icon.Warning)
            box.setWindowTitle("DocNook ran into a problem")
            box.setText("Something unexpected went wrong, and DocNook stopped what it was doing.")
            box.setInformativeText(
                f"{summary}\n\nYour documents and your library are safe, and you can keep "
                f"working. The details were written to {self.log_file}."
            )
            open_logs = box.addButton("Open log folder", QMessageBox.ButtonRole.ActionRole)
            box.addButton(QMessageBox.StandardButton.Ok)
            box.exec()
            if box.clickedButton() is open_logs:
                QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.log_file.parent)))
        finally:
            self._showing = False
