"""The conversation: the list of message bubbles, and the composer to ask the next question."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QTextOption
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from docnook.gui import icons
from docnook.gui.message_bubble import MessageBubble
from docnook.gui.theme import Theme


class ChatView(QScrollArea):
    """The list of bubbles; keeps the newest in view while the person is at the bottom."""

    citation_clicked = Signal(object)  # the CitedSource of the link

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ChatScroll")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        inner.setObjectName("ChatInner")
        self.column = QVBoxLayout(inner)
        self.column.setContentsMargins(14, 14, 14, 14)
        self.column.setSpacing(12)
        self.placeholder = QLabel()
        self.placeholder.setObjectName("HeroText")
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setTextFormat(Qt.TextFormat.RichText)
        self.placeholder_box = QWidget()
        box = QVBoxLayout(self.placeholder_box)
        box.setContentsMargins(18, 0, 18, 0)
        box.addStretch(2)
        box.addWidget(self.placeholder)
        box.addStretch(3)
        self.column.addWidget(self.placeholder_box, 10)
        self.column.addStretch(1)
        self.setWidget(inner)
        self.bubbles: list[MessageBubble] = []
        self._follow = True
        self.verticalScrollBar().rangeChanged.connect(self._range_changed)
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.set_placeholder(
            "Ask anything about your documents",
            "Ask about the whole library, or select documents on the left to ask about just "
            "those. Answers cite their sources: click [1] to open the page.",
        )

    def set_placeholder(self, title: str, text: str) -> None:
        theme = Theme.current()
        self.placeholder.setText(
            f'<div style="font-size:13pt; font-weight:600; color:{theme.text};">{title}</div>'
            f'<div style="margin-top:6px; color:{theme.muted};">{html.escape(text)}</div>'
        )

    def clear(self) -> None:
        for bubble in self.bubbles:
            self.column.removeWidget(bubble)
            bubble.deleteLater()
        self.bubbles = []
        self.placeholder_box.show()
        self._follow = True

    def add(self, role: str, text: str = "") -> MessageBubble:
        self.placeholder_box.hide()
        bubble = MessageBubble(role, text)
        bubble.link_clicked.connect(lambda href, b=bubble: self._link(b, href))
        row = self.column.count() - 1  # before the bottom stretch
        if role == "user":
            holder = QWidget()
            line = QHBoxLayout(holder)
            line.setContentsMargins(48, 0, 0, 0)
            line.addStretch(1)
            line.addWidget(bubble)
            self.column.insertWidget(row, holder)
            bubble.destroyed.connect(holder.deleteLater)
        else:
            self.column.insertWidget(row, bubble)
        self.bubbles.append(bubble)
        bubble.fit_width(self.viewport().width() - 28)
        self._follow = True
        return bubble

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        for bubble in self.bubbles:
            bubble.fit_width(self.viewport().width() - 28)

    def _link(self, bubble: MessageBubble, href: str) -> None:
        if href.startswith("cite:"):
            citation = bubble.citation(int(href.split(":", 1)[1]))
            if citation is not None:
                self.citation_clicked.emit(citation)

    def _scrolled(self, value: int) -> None:
        bar = self.verticalScrollBar()
        self._follow = value >= bar.maximum() - 24

    def _range_changed(self, _low: int, high: int) -> None:
        if self._follow:
            self.verticalScrollBar().setValue(high)

    def scroll_to_end(self) -> None:
        self._follow = True
        QTimer.singleShot(
            0, lambda: self.verticalScrollBar().setValue(self.verticalScrollBar().maximum())
        )


class QuestionEdit(QPlainTextEdit):
    """Grows from one to a few lines; Enter sends, Shift+Enter starts a new line."""

    submitted = Signal()
    focus_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("Ask a question about your documents…")
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setTabChangesFocus(True)
        self.setAcceptDrops(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self._fit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.submitted.emit()
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.focus_changed.emit(True)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.focus_changed.emit(False)

    def _fit(self, *_: Any) -> None:
        line = self.fontMetrics().lineSpacing()
        lines = max(1, min(6, round(self.document().size().height())))
        self.setFixedHeight(int(lines * line + 2 * self.document().documentMargin() + 6))

    def sizeHint(self) -> QSize:
        return QSize(200, self.height())


class Composer(QFrame):
    """The question box with its scope (whole library or selected documents) and Send/Stop."""

    send_clicked = Signal()
    stop_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Composer")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 8, 8)
        layout.setSpacing(6)
        self.edit = QuestionEdit()
        self.edit.submitted.connect(self._submit)
        layout.addWidget(self.edit)
        row = QHBoxLayout()
        row.setSpacing(6)
        self.scope = QComboBox()
        self.scope.setObjectName("ScopeCombo")
        self.scope.setToolTip("Ask the whole library, or only the documents selected on the left")
        self.scope.addItem("Whole library", "all")
        self.scope.addItem("Selected documents", "selected")
        self.scope.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        row.addWidget(self.scope)
        row.addStretch(1)
        self.send = QToolButton()
        self.send.setObjectName("SendButton")
        self.send.setToolTip("Send (Enter)")
        self.send.setFixedSize(34, 34)
        self.send.setIconSize(QSize(18, 18))
        self.send.clicked.connect(self._clicked)
        row.addWidget(self.send)
        layout.addLayout(row)
        self.generating = False
        self.edit.focus_changed.connect(self._focus_changed)
        self.refresh_icons()

    def refresh_icons(self) -> None:
        theme = Theme.current()
        name = "stop" if self.generating else "send"
        self.send.setIcon(icons.icon(name, theme.accent_text))
        self.send.setStyleSheet(
            f"QToolButton#SendButton {{ background: {theme.accent}; border-radius: 17px; }}"
            f"QToolButton#SendButton:hover {{ background: {theme.link}; }}"
            f"QToolButton#SendButton:disabled {{ background: {theme.border}; }}"
        )

    def set_generating(self, on: bool) -> None:
        self.generating = on
        self.send.setToolTip("Stop (Esc)" if on else "Send (Enter)")
        self.refresh_icons()

    def set_selection_count(self, n: int) -> None:
        self.scope.setItemText(1, f"Selected documents ({n})" if n else "Selected documents")
        if n == 0 and self.scope.currentIndex() == 1:
            self.scope.setCurrentIndex(0)

    def _clicked(self) -> None:
        if self.generating:
            self.stop_clicked.emit()
        else:
            self._submit()

    def _submit(self) -> None:
        if not self.generating and self.edit.toPlainText().strip():
            self.send_clicked.emit()

    def _focus_changed(self, focused: bool) -> None:
        theme = Theme.current()
        colour = theme.accent if focused else theme.border
        self.setStyleSheet(f"QFrame#Composer {{ border-color: {colour}; }}")
