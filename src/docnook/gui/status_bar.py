"""The status bar: which model, what it is doing, and the promise that nothing leaves."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStatusBar, QWidget

from docnook.gui import icons
from docnook.gui.theme import Theme

STATE_TEXT = {
    "starting": "Starting",
    "idle": "Ready",
    "ready": "Ready",
    "loading": "Loading model",
    "generating": "Generating",
    "busy": "Working",
    "error": "Model unavailable",
    "closed": "Stopped",
}


class _Dot(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setFixedSize(10, 10)
        self.colour = QColor("#999999")

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.colour)
        painter.drawEllipse(1, 1, 8, 8)


class StatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(8, 0, 0, 0)
        row.setSpacing(6)
        self.model_icon = QLabel()
        row.addWidget(self.model_icon)
        self.model = QLabel("No model yet")
        self.model.setObjectName("ModelName")
        row.addWidget(self.model)
        self.dot = _Dot()
        row.addSpacing(6)
        row.addWidget(self.dot)
        self.state = QLabel("Starting")
        self.state.setObjectName("EngineState")
        row.addWidget(self.state)
        self.addWidget(box)

        privacy = QWidget()
        prow = QHBoxLayout(privacy)
        prow.setContentsMargins(0, 0, 8, 0)
        prow.setSpacing(4)
        self.lock = QLabel()
        prow.addWidget(self.lock)
        self.privacy = QLabel("Everything stays on this computer")
        self.privacy.setObjectName("PrivacyBadge")
        self.privacy.setToolTip(
            "DocNook never connects to the network: your documents, questions and answers are "
            "read and written only on this computer."
        )
        prow.addWidget(self.privacy)
        self.addPermanentWidget(privacy)
        self._state = "starting"
        self.refresh_icons()

    def refresh_icons(self) -> None:
        theme = Theme.current()
        self.model_icon.setPixmap(icons.icon("cpu", theme.muted).pixmap(16, 16))
        self.lock.setPixmap(icons.icon("lock", theme.positive).pixmap(15, 15))
        self.set_state(self._state)

    def set_model(self, name: str, detail: str = "") -> None:
        self.model.setText(name)
        self.model.setToolTip(detail)

    def set_state(self, state: str, tokens_per_second: float | None = None) -> None:
        """Show the engine's state: starting, ready, loading, generating, error."""
        self._state = state
        theme = Theme.current()
        text = STATE_TEXT.get(state, state.capitalize())
        if state == "generating" and tokens_per_second:
            text += f" · {tokens_per_second:.1f} tokens/s"
        elif state in ("loading", "starting"):
            text += "…"
        self.state.setText(text)
        self.dot.colour = QColor(
            {
                "ready": theme.positive,
                "idle": theme.positive,
                "generating": theme.accent,
                "busy": theme.accent,
                "loading": theme.warning,
                "starting": theme.warning,
                "error": theme.negative,
            }.get(state, theme.muted)
        )
        self.dot.update()

    def state_text(self) -> str:
        return self.state.text()
