"""`DOCNOOK_STARTUP_PROBE=1`: measure a cold start of the window, then quit.

Prints one line on stdout for each milestone, with the wall-clock time (`time.time()`), so a
caller that noted when it started the program can tell how long each took:

    docnook-probe window-shown 1732460000.123
    docnook-probe model-ready 1732460002.456      (or: model-error, with the message)

`window-shown` is the first paint of any part of the main window; `model-ready` is the
language model loaded on its worker, ready to answer. The window then closes the normal way.
packaging/linux/smoke_test.py uses it on the installed app.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget


def _say(milestone: str, detail: str = "") -> None:
    print(f"docnook-probe {milestone} {time.time():.3f} {detail}".rstrip(), flush=True)
    sys.stdout.flush()


class _FirstPaint(QObject):
    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and watched.window() is self.window
        ):
            QApplication.instance().removeEventFilter(self)
            _say("window-shown")
        return False


def install(app: QApplication, window: Any) -> None:
    """Watch `window` (a MainWindow) start; call before `window.show()`."""
    app.installEventFilter(_FirstPaint(window))
    done = False

    def engine_state(state: str, _rate: object = None) -> None:
        nonlocal done
        if done or state not in ("ready", "error"):
            return
        done = True
        _say("model-ready" if state == "ready" else "model-error")
        QTimer.singleShot(0, window.close)

    window.assistant_panel.engine_state.connect(engine_state)
    window.assistant_panel.error.connect(lambda message: _say("error", str(message)))
