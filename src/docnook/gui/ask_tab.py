"""The Ask tab's widgets: the chat's title and history button, the messages, the composer."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from docnook.gui import icons
from docnook.gui.chat_view import ChatView, Composer
from docnook.gui.theme import Theme


class AskTab(QWidget):
    """The chat: a header with the chat's title and history, the messages, the composer."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 12)
        layout.setSpacing(0)
        header = QHBoxLayout()
        header.setContentsMargins(14, 8, 8, 4)
        header.setSpacing(2)
        self.title = QLabel("New chat")
        self.title.setObjectName("Caption")
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        header.addWidget(self.title, 1)
        self.history_button = QToolButton()
        self.history_button.setToolTip("Earlier chats in this library")
        self.history_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.history_menu = QMenu(self.history_button)
        self.history_button.setMenu(self.history_menu)
        header.addWidget(self.history_button)
        self.new_button = QToolButton()
        self.new_button.setToolTip("New chat (Ctrl+N)")
        header.addWidget(self.new_button)
        layout.addLayout(header)
        self.chat = ChatView()
        layout.addWidget(self.chat, 1)
        self.composer = Composer()
        holder = QHBoxLayout()
        holder.setContentsMargins(12, 4, 12, 0)
        holder.addWidget(self.composer)
        layout.addLayout(holder)

    def refresh_icons(self) -> None:
        theme = Theme.current()
        self.history_button.setIcon(icons.icon("history", theme.text))
        self.new_button.setIcon(icons.icon("new-chat", theme.text))
        self.composer.refresh_icons()
