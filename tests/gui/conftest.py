"""The real window, offscreen, on a fresh data folder, with the real models.

Every wait is on a signal or a condition (pytest-qt), never a sleep.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from guihelpers import wait_model_ready
from PySide6.QtWidgets import QApplication


@pytest.fixture(scope="session", autouse=True)
def _theme(qapp: QApplication) -> None:
    from docnook.gui import theme

    theme.apply(qapp, dark=False)


@pytest.fixture
def make_window(qtbot, data_dir: Path, embedder) -> Iterator[Callable[..., object]]:
    """Opens MainWindow on `data_dir` (assistant built with the session's embedder) and, at
    the end, closes it the way a person does and waits until it has shut down."""
    from docnook.assistant import Assistant
    from docnook.gui.main_window import MainWindow

    windows = []

    def make(wait_ready: bool = True) -> MainWindow:
        window = MainWindow(data_dir, assistant_factory=lambda: Assistant(data_dir, embedder))
        window.resize(1280, 820)
        window.show()
        windows.append(window)
        if wait_ready:
            wait_model_ready(qtbot, window)
        return window

    yield make
    for window in windows:
        window.close()
        qtbot.waitUntil(lambda w=window: w._shutdown_done, timeout=60_000)
