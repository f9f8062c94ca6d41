"""A slim message strip above the work area: plain sentences, never tracebacks."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from docnook.gui import icons
from docnook.gui.theme import Theme


class MessageBanner(QWidget):
    """Shows one message at a time: an error stays until dismissed, information fades."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(10, 8, 10, 0)
        self.frame = QFrame()
        self.frame.setObjectName("ErrorBanner")
        outer.addWidget(self.frame)
        row = QHBoxLayout(self.frame)
        row.setContentsMargins(12, 8, 8, 8)
        row.setSpacing(10)
        self.icon = QLabel()
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.text, 1)
        self.action_button = QPushButton()
        self.action_button.hide()
        row.addWidget(self.action_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.close_button = QToolButton()
        self.close_button.setToolTip("Dismiss")
        self.close_button.clicked.connect(self.hide)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self._action: Callable[[], None] | None = None
        self.action_button.clicked.connect(self._run_action)
        self.hide()

    def show_error(
        self, message: str, action: str | None = None, run: Callable[[], None] | None = None
    ) -> None:
        self._show("ErrorBanner", "warning", Theme.current().negative, message, action, run)
        self._timer.stop()

    def show_info(
        self,
        message: str,
        action: str | None = None,
        run: Callable[[], None] | None = None,
        seconds: float = 8,
    ) -> None:
        self._show("InfoBanner", "check", Theme.current().accent, message, action, run)
        if seconds:
            self._timer.start(int(seconds * 1000))
        else:
            self._timer.stop()

    def _show(
        self,
        name: str,
        icon_name: str,
        colour: str,
        message: str,
        action: str | None,
        run: Callable[[], None] | None,
    ) -> None:
        theme = Theme.current()
        self.frame.setObjectName(name)
        self.frame.style().unpolish(self.frame)
        self.frame.style().polish(self.frame)
        self.icon.setPixmap(icons.icon(icon_name, colour).pixmap(18, 18))
        self.close_button.setIcon(icons.icon("close", theme.muted))
        self.text.setText(message)
        self._action = run
        self.action_button.setVisible(bool(action and run))
        if action:
            self.action_button.setText(action)
        self.show()

    def message(self) -> str:
        return self.text.text() if self.isVisible() else ""

    def _run_action(self) -> None:
        action = self._action
        self.hide()
        if action is not None:
            action()
