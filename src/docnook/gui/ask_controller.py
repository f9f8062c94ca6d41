"""Asking: the question box, the answer as it comes (quote first, then the words), and chats.

One question at a time goes to an `AskWorker`. The service finds the quote before the model
says anything and the worker forwards it (`QuoteFound`), so the bubble shows the quote with
its source at once and the phrasing appears above it once checked. Chats are the service's: it files
each question and answer; this side only lists, opens and deletes them through it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from docnook.gui.ask_tab import AskTab
from docnook.gui.citations import CitedSource, KeptMessage
from docnook.gui.engine_status import EngineStatus
from docnook.gui.message_bubble import MessageBubble
from docnook.gui.workers import (
    AskResult,
    AskWorker,
    CallWorker,
    ChatStarted,
    QuoteFound,
    Rate,
    Worker,
    WorkerPool,
)

JOB = "ask"
HISTORY_SHOWN = 25  # chats in the history menu


class AskController(QObject):
    citation_clicked = Signal(object)  # CitedSource
    error = Signal(str)
    # Emitted once the worker is gone, so a listener can ask again at once.
    finished = Signal(object)  # AskResult, or None when stopped / failed

    def __init__(
        self,
        tab: AskTab,
        pool: WorkerPool,
        status: EngineStatus,
        assistant: Callable[[], Any],
        show: Callable[[], None],
    ) -> None:
        super().__init__(tab)
        self.tab = tab
        self.pool = pool
        self.status = status
        self._assistant = assistant  # the service, or None while it starts
        self._show = show  # brings the Ask tab into view
        self.library_empty = True
        self.selection: list[int] = []
        self.chat_id: int | None = None
        self.chats: list[Any] = []
        self.worker: AskWorker | None = None
        self._bubble: MessageBubble | None = None
        self._streamed = ""
        self._quote: CitedSource | None = None
        self._outcome: AskResult | None = None

        composer = tab.composer
        composer.send_clicked.connect(self.ask)
        composer.stop_clicked.connect(self.stop)
        tab.chat.citation_clicked.connect(self.citation_clicked)
        tab.new_button.clicked.connect(self.new_chat)
        tab.history_menu.aboutToShow.connect(self._fill_history_menu)

    def set_selection(self, ids: list[int]) -> None:
        self.selection = list(ids)
        self.tab.composer.set_selection_count(len(ids))

    def scope_ids(self) -> list[int] | None:
        """The documents the next question is about: None for the whole library."""
        if self.tab.composer.scope.currentData() == "selected" and self.selection:
            return list(self.selection)
        return None

    def focus(self) -> None:
        self._show()
        self.tab.composer.edit.setFocus()

    # -- one question -------------------------------------------------------------------------

    def ask(self, question: str | None = None) -> AskWorker | None:
        edit = self.tab.composer.edit
        question = (question if question is not None else edit.toPlainText()).strip()
        if not question or self.worker is not None:
            return None
        assistant = self._assistant()
        if assistant is None:
            self.error.emit("The language model is still starting; ask again in a moment.")
            return None
        if self.library_empty:
            self.error.emit("The library is empty. Drop a PDF on the window first.")
            return None
        edit.clear()
        self._show()
        chat = self.tab.chat
        chat.add("user", question)
        self._bubble = chat.add("assistant")
        self._streamed = ""
        self._quote = None
        worker = AskWorker(assistant, assistant.data_dir, self.chat_id, question, self.scope_ids())
        worker.signals.token.connect(self._token)
        worker.signals.progress.connect(self._progress)
        worker.signals.returned.connect(self._done)
        worker.signals.errored.connect(self._failed)
        worker.signals.cancelled.connect(self._cancelled)
        worker.signals.finished.connect(self._finished)
        self.worker = worker
        self.tab.composer.set_generating(True)
        self.status.job_started(JOB)
        self.pool.start(worker)
        return worker

    def _progress(self, value: Any) -> None:
        if isinstance(value, ChatStarted):
            self.chat_id = value.chat_id
        elif isinstance(value, QuoteFound):
            self._quote = value.citation
            if self._bubble is not None:
                self._bubble.show_quote(value.citation)
        elif isinstance(value, Rate):
            self.status.set_rate(value.tokens_per_second)

    def _token(self, text: str) -> None:
        self._streamed += text
        if self._bubble is not None:
            self._bubble.set_streaming(self._streamed)

    def _done(self, result: AskResult) -> None:
        if self._bubble is not None:
            self._bubble.finish(result.answer, result.citations, result.found, result.stopped)
        self._outcome = result

    def _failed(self, message: str) -> None:
        bubble = self._bubble
        if bubble is not None:
            bubble.setProperty("role", "error")
            bubble.style().unpolish(bubble)
            bubble.style().polish(bubble)
            bubble.finish(message, [], True)

    def _cancelled(self) -> None:
        if self._bubble is not None:
            kept = [self._quote] if self._quote is not None else []
            self._bubble.finish(self._streamed, kept, True, stopped=True)

    def _finished(self) -> None:
        self.worker = None
        self._bubble = None
        self._quote = None
        self.tab.composer.set_generating(False)
        self.status.job_ended(JOB)
        self.load_history(select=self.chat_id, render=False)
        outcome, self._outcome = self._outcome, None
        self.finished.emit(outcome)  # last: a listener may ask again at once

    def stop(self) -> bool:
        if self.worker is None:
            return False
        self.worker.quit()
        return True

    # -- chats --------------------------------------------------------------------------------

    def load_history(self, select: int | None = None, render: bool = True) -> Worker | None:
        """List the chats (and show one: `select`, else the newest) through the service."""
        assistant = self._assistant()
        if assistant is None:
            return None

        def read() -> tuple[list[Any], list[KeptMessage]]:
            chats = assistant.chat_list()
            chosen = select if select is not None else (chats[0].id if chats else None)
            kept = assistant.chat_messages(chosen) if (chosen and render) else []
            return chats, [KeptMessage.from_history(m) for m in kept]  # typed here, once

        worker = CallWorker(read, "reading the chat history")
        worker.signals.returned.connect(lambda r: self._history_read(r, select, render))
        worker.signals.errored.connect(self.error)
        self.pool.start(worker)
        return worker

    def _history_read(
        self, result: tuple[list[Any], list[KeptMessage]], select: int | None, render: bool
    ) -> None:
        self.chats, messages = result
        chosen = select if select is not None else (self.chats[0].id if self.chats else None)
        if render and self.worker is None:
            self.chat_id = chosen
            self._render(messages)
        self._update_title()

    def _render(self, messages: list[KeptMessage]) -> None:
        chat = self.tab.chat
        chat.clear()
        for message in messages:
            if message.role == "user":
                chat.add("user", message.text)
            else:
                bubble = chat.add("assistant")
                bubble.finish(message.text, message.citations, message.found, message.stopped)
        chat.scroll_to_end()

    def _update_title(self) -> None:
        chat = next((c for c in self.chats if c.id == self.chat_id), None)
        title = chat.title if chat and chat.title else "New chat"
        label = self.tab.title
        label.setToolTip(title)
        label.setText(
            label.fontMetrics().elidedText(title, Qt.TextElideMode.ElideRight, label.width() or 300)
        )

    def new_chat(self) -> None:
        if self.worker is not None:
            return
        self.chat_id = None
        self.tab.chat.clear()
        self._update_title()
        self.focus()

    def open_chat(self, chat_id: int) -> None:
        if self.worker is None:
            self.load_history(select=chat_id)

    def _fill_history_menu(self) -> None:
        menu = self.tab.history_menu
        menu.clear()
        if not self.chats:
            menu.addAction("No earlier chats").setEnabled(False)
        for chat in self.chats[:HISTORY_SHOWN]:
            action = menu.addAction(chat.title or "Untitled chat")
            action.setCheckable(True)
            action.setChecked(chat.id == self.chat_id)
            action.triggered.connect(lambda _=False, i=chat.id: self.open_chat(i))
        if self.chat_id is not None:
            menu.addSeparator()
            menu.addAction("Delete this chat").triggered.connect(self.delete_chat)

    def delete_chat(self) -> None:
        chat_id = self.chat_id
        assistant = self._assistant()
        if chat_id is None or self.worker is not None or assistant is None:
            return
        worker = CallWorker(lambda: assistant.delete_chat(chat_id), "deleting the chat")
        worker.signals.errored.connect(self.error)
        worker.signals.finished.connect(lambda: self.load_history())
        self.pool.start(worker)
