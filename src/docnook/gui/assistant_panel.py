"""The right side of the window: Ask, Summary and Sentiment, driving the assistant service.

The panel owns the `Assistant` (created on a worker at start-up, since that may assemble the
bundled model) and starts one worker per request. It reports to the window through signals:
citations to open, errors to show, the engine's state for the status bar.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QSizePolicy,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from docnook.errors import DocNookError
from docnook.gui import icons
from docnook.gui.chat_view import ChatView, Composer, MessageBubble
from docnook.gui.sentiment_tab import SentimentTab
from docnook.gui.settings_dialog import SettingsDialog, model_details, model_label
from docnook.gui.summary_tab import SummaryTab
from docnook.gui.theme import Theme
from docnook.gui.workers import (
    AskResult,
    AskWorker,
    CallWorker,
    ChatStarted,
    Rate,
    SentimentWorker,
    SummaryWorker,
    Worker,
    WorkerPool,
)

if TYPE_CHECKING:
    from docnook.index.store import DocumentRecord

log = logging.getLogger("docnook.gui")

ENGINE_POLL_MS = 400


def default_assistant_factory(data_dir: Path) -> Callable[[], Any]:
    def make() -> Any:
        from docnook.assistant import Assistant

        return Assistant(data_dir)

    return make


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


class AssistantPanel(QWidget):
    citation_clicked = Signal(dict)
    page_requested = Signal(int, int)  # document id, page
    error = Signal(str)
    info = Signal(str)
    engine_state = Signal(str, object)  # state, tokens per second or None
    model_changed = Signal(str, str)  # name, details
    settings_requested = Signal()
    ready = Signal()  # the assistant service is up
    # Emitted once the job's worker is gone, so a listener can start the next one at once.
    answer_finished = Signal(object)  # AskResult, or None when stopped / failed
    summary_finished = Signal(object)  # Summary, or None
    sentiment_finished = Signal(object)  # Sentiment, or None
    settings_applied = Signal(object)

    TAB_ASK, TAB_SUMMARY, TAB_SENTIMENT = range(3)

    def __init__(
        self,
        data_dir: Path,
        pool: WorkerPool,
        assistant_factory: Callable[[], Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("Pane")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setMinimumWidth(340)
        self.data_dir = data_dir
        self.pool = pool
        self.factory = assistant_factory or default_assistant_factory(data_dir)
        self.assistant: Any = None
        self.records: dict[int, DocumentRecord] = {}
        self.selection: list[int] = []
        self.current: DocumentRecord | None = None
        self.chat_id: int | None = None
        self.chats: list[Any] = []
        self.model_name = ""
        self.settings_dialog: SettingsDialog | None = None
        self._ask: AskWorker | None = None
        self._summary: SummaryWorker | None = None
        self._sentiment: SentimentWorker | None = None
        self._bubble: MessageBubble | None = None
        self._streamed = ""
        self._state = "starting"
        self._rate: float | None = None
        self._shown_rate: float | None = None
        self._outcome: AskResult | None = None  # what answer_finished reports
        self._summary_result: Any = None
        self._sentiment_result: Any = None
        self._shut = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setObjectName("AssistantTabs")
        self.ask_tab = AskTab()
        self.summary_tab = SummaryTab()
        self.sentiment_tab = SentimentTab()
        self.tabs.addTab(self.ask_tab, "Ask")
        self.tabs.addTab(self.summary_tab, "Summary")
        self.tabs.addTab(self.sentiment_tab, "Sentiment")
        self.tabs.setIconSize(QSize(16, 16))
        self.settings_button = QToolButton()
        self.settings_button.setToolTip("Settings (Ctrl+,)")
        self.settings_button.clicked.connect(self.settings_requested)
        corner = QWidget()
        corner_row = QHBoxLayout(corner)
        corner_row.setContentsMargins(0, 0, 8, 0)
        corner_row.addWidget(self.settings_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.tabs.setCornerWidget(corner, Qt.Corner.TopRightCorner)
        layout.addWidget(self.tabs)

        composer = self.ask_tab.composer
        composer.send_clicked.connect(self.ask)
        composer.stop_clicked.connect(self.stop_answer)
        self.ask_tab.chat.citation_clicked.connect(self.citation_clicked)
        self.ask_tab.new_button.clicked.connect(self.new_chat)
        self.ask_tab.history_menu.aboutToShow.connect(self._fill_history_menu)
        self.summary_tab.run_requested.connect(self.summarize)
        self.summary_tab.stop_requested.connect(self.stop_summary)
        self.summary_tab.copied.connect(self.info)
        self.sentiment_tab.run_requested.connect(self.sentiment)
        self.sentiment_tab.stop_requested.connect(self.stop_sentiment)
        self.sentiment_tab.copied.connect(self.info)
        self.sentiment_tab.page_clicked.connect(self._sentiment_page)
        self._poll = QTimer(self)
        self._poll.setInterval(ENGINE_POLL_MS)
        self._poll.timeout.connect(self._poll_engine)
        self._sync_enabled()

    # -- start-up -----------------------------------------------------------------------------

    def start(self) -> Worker:
        """Create the assistant on a worker; the tabs wake up when it is ready."""
        self._set_state("starting")
        worker = CallWorker(self.factory, "starting the assistant")
        worker.signals.returned.connect(self._assistant_ready)
        worker.signals.errored.connect(self._assistant_failed)
        self.pool.start(worker)
        self.load_history()
        return worker

    def _assistant_ready(self, assistant: Any) -> None:
        if self._shut:
            _close_quietly(assistant)
            return
        self.assistant = assistant
        self._poll.start()
        self.preload()
        self.refresh_model()
        self._sync_enabled()
        if self.current is not None:
            self._load_cached(self.current)
        self.ready.emit()

    def preload(self) -> Worker:
        """Load the model now, so the first question does not wait for it."""
        assistant = self.assistant
        self._set_state("loading")
        worker = CallWorker(
            lambda: assistant.apply_settings(assistant.settings), "loading the model"
        )
        worker.signals.errored.connect(self._model_failed)
        worker.signals.finished.connect(self._poll_engine)
        self.pool.start(worker)
        return worker

    def _model_failed(self, message: str) -> None:
        self._set_state("error")
        self.error.emit(message + " Choose another model in Settings.")

    def _assistant_failed(self, message: str) -> None:
        self._set_state("error")
        self.error.emit(message)

    def refresh_model(self) -> None:
        if self.assistant is None:
            return
        assistant = self.assistant
        worker = CallWorker(assistant.models, "reading the model list")
        worker.signals.returned.connect(self._models_read)
        self.pool.start(worker)

    def _models_read(self, models: list[Any]) -> None:
        in_use = next((m for m in models if m.in_use), None)
        if in_use is not None:
            self.model_name = model_label(in_use)
            self.model_changed.emit(self.model_name, model_details(in_use))

    def _poll_engine(self) -> None:
        """Mirror the engine's own state (idle, loading, ready, generating, error)."""
        if self.assistant is None:
            return
        try:
            state = str(self.assistant.engine_state())
        except Exception:  # a state read must never take the window down
            return
        rate = self._rate if state == "generating" else None
        if (state, rate) != (self._state, self._shown_rate):
            self._set_state(state, rate)

    def _set_state(self, state: str, rate: float | None = None) -> None:
        self._state = state
        self._shown_rate = rate
        self.engine_state.emit(state, rate)

    # -- what the window tells the panel ------------------------------------------------------

    def set_records(self, records: list[DocumentRecord]) -> None:
        self.records = {r.id: r for r in records}
        if self.current is not None:
            fresh = self.records.get(self.current.id)
            if fresh is None:
                self.set_current_document(None)
            elif fresh != self.current:
                self.set_current_document(fresh)
        self.set_selection([i for i in self.selection if i in self.records])
        self._sync_enabled()

    def set_selection(self, ids: list[int]) -> None:
        self.selection = list(ids)
        self.ask_tab.composer.set_selection_count(len(ids))

    def set_current_document(self, record: DocumentRecord | None) -> None:
        changed = (record.id if record else None) != (self.current.id if self.current else None)
        self.current = record
        if self._summary is None:
            self.summary_tab.set_record(record)
        if self._sentiment is None:
            self.sentiment_tab.set_record(record)
        if changed and record is not None and self.assistant is not None:
            self._load_cached(record)

    def _load_cached(self, record: DocumentRecord) -> None:
        if record.status != "indexed":
            return
        assistant = self.assistant
        doc_id = record.id
        worker = CallWorker(
            lambda: (assistant.cached_summary(doc_id), assistant.cached_sentiment(doc_id)),
            "reading saved results",
        )
        worker.signals.returned.connect(lambda result: self._cached(doc_id, result))
        self.pool.start(worker)

    def _cached(self, doc_id: int, result: tuple[Any, Any]) -> None:
        summary, sentiment = result
        if self.current is None or self.current.id != doc_id:
            return
        if summary is not None and self._summary is None:
            self.summary_tab.show_summary(summary, self.model_name)
        if sentiment is not None and self._sentiment is None:
            self.sentiment_tab.show_sentiment(sentiment, cached=True)

    # -- Ask ----------------------------------------------------------------------------------

    def focus_question(self) -> None:
        self.show_tab(self.TAB_ASK)
        self.ask_tab.composer.edit.setFocus()

    def show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)

    def scope_ids(self) -> list[int] | None:
        """The documents the next question is about: None for the whole library."""
        if self.ask_tab.composer.scope.currentData() == "selected" and self.selection:
            return list(self.selection)
        return None

    def ask(self, question: str | None = None) -> AskWorker | None:
        edit = self.ask_tab.composer.edit
        question = (question if question is not None else edit.toPlainText()).strip()
        if not question or self._ask is not None:
            return None
        if self.assistant is None:
            self.error.emit("The language model is still starting; ask again in a moment.")
            return None
        if not self.records:
            self.error.emit("The library is empty. Drop a PDF on the window first.")
            return None
        edit.clear()
        self.show_tab(self.TAB_ASK)
        chat = self.ask_tab.chat
        chat.add("user", question)
        self._bubble = chat.add("assistant")
        self._streamed = ""
        self._rate = None
        worker = AskWorker(self.assistant, self.data_dir, self.chat_id, question, self.scope_ids())
        worker.signals.token.connect(self._answer_token)
        worker.signals.progress.connect(self._answer_progress)
        worker.signals.returned.connect(self._answer_done)
        worker.signals.errored.connect(self._answer_failed)
        worker.signals.cancelled.connect(self._answer_cancelled)
        worker.signals.finished.connect(self._answer_finished)
        self._ask = worker
        self.ask_tab.composer.set_generating(True)
        self._set_state("generating")
        self.pool.start(worker)
        return worker

    def _answer_token(self, text: str) -> None:
        self._streamed += text
        if self._bubble is not None:
            self._bubble.set_streaming(self._streamed)

    def _answer_progress(self, value: Any) -> None:
        if isinstance(value, ChatStarted):
            if self.chat_id != value.chat_id:
                self.chat_id = value.chat_id
        elif isinstance(value, Rate):
            self._rate = value.tokens_per_second
            self._set_state("generating", self._rate)

    def _answer_done(self, result: AskResult) -> None:
        if self._bubble is not None:
            self._bubble.finish(result.answer, result.citations, result.found, result.stopped)
        self._outcome = result

    def _answer_failed(self, message: str) -> None:
        if self._bubble is not None:
            self._bubble.setProperty("role", "error")
            self._bubble.style().unpolish(self._bubble)
            self._bubble.style().polish(self._bubble)
            self._bubble.finish(message, [], True)

    def _answer_cancelled(self) -> None:
        if self._bubble is not None:
            self._bubble.finish(self._streamed, [], True, stopped=True)

    def _answer_finished(self) -> None:
        self._ask = None
        self._bubble = None
        self._rate = None
        self.ask_tab.composer.set_generating(False)
        self._set_state("ready" if self.assistant is not None else self._state)
        self.load_history(select=self.chat_id, render=False)
        outcome, self._outcome = self._outcome, None
        self.answer_finished.emit(outcome)  # last: a listener may ask again at once

    def stop_answer(self) -> bool:
        if self._ask is None:
            return False
        self._ask.quit()
        return True

    # -- history ------------------------------------------------------------------------------

    def load_history(self, select: int | None = None, render: bool = True) -> Worker:
        data_dir = self.data_dir

        def read() -> tuple[list[Any], list[Any]]:
            from docnook.history import ChatHistory

            with ChatHistory(data_dir) as history:
                chats = history.chats()
                chosen = select if select is not None else (chats[0].id if chats else None)
                messages = history.messages(chosen) if (chosen and render) else []
                return chats, messages

        worker = CallWorker(read, "reading the chat history")
        worker.signals.returned.connect(lambda r: self._history_read(r, select, render))
        worker.signals.errored.connect(self.error)
        self.pool.start(worker)
        return worker

    def _history_read(
        self, result: tuple[list[Any], list[Any]], select: int | None, render: bool
    ) -> None:
        self.chats, messages = result
        chosen = select if select is not None else (self.chats[0].id if self.chats else None)
        if render and self._ask is None:
            self.chat_id = chosen
            self._render_messages(messages)
        self._update_chat_title()

    def _render_messages(self, messages: list[Any]) -> None:
        chat = self.ask_tab.chat
        chat.clear()
        for message in messages:
            if message.role == "user":
                chat.add("user", message.text)
            else:
                bubble = chat.add("assistant")
                bubble.finish(message.text, message.citations, message.found, message.stopped)
        chat.scroll_to_end()

    def _update_chat_title(self) -> None:
        chat = next((c for c in self.chats if c.id == self.chat_id), None)
        title = chat.title if chat and chat.title else "New chat"
        label = self.ask_tab.title
        label.setToolTip(title)
        label.setText(
            label.fontMetrics().elidedText(title, Qt.TextElideMode.ElideRight, label.width() or 300)
        )

    def new_chat(self) -> None:
        if self._ask is not None:
            return
        self.chat_id = None
        self.ask_tab.chat.clear()
        self._update_chat_title()
        self.focus_question()

    def open_chat(self, chat_id: int) -> None:
        if self._ask is None:
            self.load_history(select=chat_id)

    def _fill_history_menu(self) -> None:
        menu = self.ask_tab.history_menu
        menu.clear()
        if not self.chats:
            menu.addAction("No earlier chats").setEnabled(False)
        for chat in self.chats[:25]:
            action = menu.addAction(chat.title or "Untitled chat")
            action.setCheckable(True)
            action.setChecked(chat.id == self.chat_id)
            action.triggered.connect(lambda _=False, i=chat.id: self.open_chat(i))
        if self.chat_id is not None:
            menu.addSeparator()
            menu.addAction("Delete this chat").triggered.connect(self.delete_chat)

    def delete_chat(self) -> None:
        chat_id = self.chat_id
        if chat_id is None or self._ask is not None:
            return
        data_dir = self.data_dir

        def delete() -> None:
            from docnook.history import ChatHistory

            with ChatHistory(data_dir) as history:
                history.delete_chat(chat_id)

        worker = CallWorker(delete, "deleting the chat")
        worker.signals.errored.connect(self.error)
        worker.signals.finished.connect(lambda: self.load_history())
        self.pool.start(worker)

    # -- Summary and Sentiment ----------------------------------------------------------------

    def _document_for_task(self) -> DocumentRecord | None:
        record = self.current
        if record is None:
            self.error.emit("Select a document in the library first.")
            return None
        if record.status != "indexed":
            self.error.emit(f"“{record.title}” has no indexed text to work on.")
            return None
        if self.assistant is None:
            self.error.emit("The language model is still starting; try again in a moment.")
            return None
        return record

    def summarize(self) -> SummaryWorker | None:
        self.show_tab(self.TAB_SUMMARY)
        record = self._document_for_task()
        if record is None or self._summary is not None:
            return None
        tab = self.summary_tab
        tab.set_record(record)
        tab.begin()
        worker = SummaryWorker(self.assistant, record.id)
        worker.signals.token.connect(tab.append)
        worker.signals.progress.connect(lambda p: self._task_progress(tab, p))
        worker.signals.returned.connect(self._summary_done)
        worker.signals.errored.connect(lambda m: self._task_failed(tab, m))
        worker.signals.cancelled.connect(lambda: self._task_cancelled(tab))
        worker.signals.finished.connect(self._summary_finished)
        self._summary = worker
        self._set_state("generating")
        self.pool.start(worker)
        return worker

    def _summary_done(self, summary: Any) -> None:
        self.summary_tab.show_summary(summary, self.model_name)
        self._summary_result = summary

    def _summary_finished(self) -> None:
        self._summary = None
        self.summary_tab.set_running(False)
        self._task_idle()
        shown = self.summary_tab.record
        if self.current is not None and shown is not None and self.current.id != shown.id:
            self.summary_tab.set_record(self.current)
            self._load_cached(self.current)
        result, self._summary_result = self._summary_result, None
        self.summary_finished.emit(result)

    def stop_summary(self) -> None:
        if self._summary is not None:
            self._summary.quit()

    def sentiment(self) -> SentimentWorker | None:
        self.show_tab(self.TAB_SENTIMENT)
        record = self._document_for_task()
        if record is None or self._sentiment is not None:
            return None
        tab = self.sentiment_tab
        tab.set_record(record)
        tab.begin()
        worker = SentimentWorker(self.assistant, record.id)
        worker.signals.progress.connect(lambda p: self._task_progress(tab, p))
        worker.signals.returned.connect(self._sentiment_done)
        worker.signals.errored.connect(lambda m: self._task_failed(tab, m))
        worker.signals.cancelled.connect(lambda: self._task_cancelled(tab))
        worker.signals.finished.connect(self._sentiment_finished)
        self._sentiment = worker
        self._set_state("busy")
        self.pool.start(worker)
        return worker

    def _sentiment_done(self, sentiment: Any) -> None:
        self.sentiment_tab.show_sentiment(sentiment)
        self._sentiment_result = sentiment

    def _sentiment_finished(self) -> None:
        self._sentiment = None
        self.sentiment_tab.set_running(False)
        self._task_idle()
        shown = self.sentiment_tab.record
        if self.current is not None and shown is not None and self.current.id != shown.id:
            self.sentiment_tab.set_record(self.current)
            self._load_cached(self.current)
        result, self._sentiment_result = self._sentiment_result, None
        self.sentiment_finished.emit(result)

    def stop_sentiment(self) -> None:
        if self._sentiment is not None:
            self._sentiment.quit()

    def _sentiment_page(self, page: int) -> None:
        record = self.sentiment_tab.record
        if record is not None:
            self.page_requested.emit(record.id, page)

    def _task_progress(self, tab: Any, value: Any) -> None:
        if isinstance(value, Rate):
            self._rate = value.tokens_per_second
            self._set_state("generating", self._rate)
            return
        done, total = getattr(value, "done", 0), getattr(value, "total", 0)
        tab.set_progress(int(done), int(total), str(getattr(value, "message", "") or ""))

    def _task_failed(self, tab: Any, message: str) -> None:
        tab.status.setText(message)
        self.error.emit(message)

    def _task_cancelled(self, tab: Any) -> None:
        tab.clear_result()
        tab.status.setText("Stopped.")

    def _task_idle(self) -> None:
        self._rate = None
        if self._ask is None and self._summary is None and self._sentiment is None:
            self._set_state("ready" if self.assistant is not None else self._state)

    def export_current(self) -> None:
        tab = self.tabs.currentWidget()
        if isinstance(tab, (SummaryTab, SentimentTab)):
            tab.export()

    # -- stop (Esc) ---------------------------------------------------------------------------

    def stop(self) -> bool:
        """Stop the job of the tab in view (else any); True when something was stopped."""
        current = self.tabs.currentIndex()
        order = {
            self.TAB_ASK: (self._ask, self._summary, self._sentiment),
            self.TAB_SUMMARY: (self._summary, self._ask, self._sentiment),
            self.TAB_SENTIMENT: (self._sentiment, self._ask, self._summary),
        }[current]
        for worker in order:
            if worker is not None:
                worker.quit()
                return True
        return False

    @property
    def busy(self) -> bool:
        return any(w is not None for w in (self._ask, self._summary, self._sentiment))

    # -- models and settings ------------------------------------------------------------------

    def open_settings(self, parent: QWidget) -> SettingsDialog | None:
        if self.assistant is None:
            self.error.emit("The language model is still starting; open Settings in a moment.")
            return None
        if self.settings_dialog is not None and self.settings_dialog.isVisible():
            self.settings_dialog.raise_()
            return self.settings_dialog
        dialog = SettingsDialog(self.assistant, self.pool.start, parent)
        dialog.applied.connect(self._settings_applied)
        dialog.model_added.connect(lambda _info: self.refresh_model())
        dialog.apply_button.clicked.connect(lambda: self._loading_if(dialog))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda: setattr(self, "settings_dialog", None))
        self.settings_dialog = dialog
        dialog.open()
        return dialog

    def _loading_if(self, dialog: SettingsDialog) -> None:
        if dialog.busy:
            self._set_state("loading")

    def _settings_applied(self, settings: Any) -> None:
        self._set_state("ready")
        self.refresh_model()
        self.settings_applied.emit(settings)
        self.info.emit("Settings applied. The model is ready.")

    def browse_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window(), "Add a language model", str(Path.home()), "GGUF models (*.gguf)"
        )
        if path:
            self.offer_model(path, ask=False)

    def offer_model(self, path: str, ask: bool = True) -> None:
        """A .gguf was dropped or chosen: add it to the models, and use it if the person wants."""
        if self.assistant is None:
            self.error.emit("The language model is still starting; add the model in a moment.")
            return
        use = True
        if ask:
            box = QMessageBox(self.window())
            box.setWindowTitle("Add a language model")
            box.setText(f"Add “{Path(path).name}” to DocNook's language models?")
            box.setInformativeText(
                "The file stays where it is. DocNook reads its details and can use it instead "
                "of the bundled model."
            )
            use_button = box.addButton("Add and use it", QMessageBox.ButtonRole.AcceptRole)
            add_button = box.addButton("Just add it", QMessageBox.ButtonRole.ActionRole)
            box.addButton(QMessageBox.StandardButton.Cancel)
            box.setDefaultButton(use_button)
            box.exec()
            clicked = box.clickedButton()
            if clicked not in (use_button, add_button):
                return
            use = clicked is use_button
        self.add_model(path, use)

    def add_model(self, path: str, use: bool) -> Worker:
        assistant = self.assistant

        def add() -> Any:
            info = assistant.add_model(Path(path))
            if use:
                assistant.use_model(info.name)
            return info

        if use:
            self._set_state("loading")
        worker = CallWorker(add, "adding the model")
        worker.signals.returned.connect(
            lambda info: self.info.emit(f"{'Now using' if use else 'Added'} {model_label(info)}.")
        )
        worker.signals.errored.connect(self.error)
        worker.signals.finished.connect(self.refresh_model)
        worker.signals.finished.connect(lambda: self._set_state("ready"))
        self.pool.start(worker)
        return worker

    # -- look and memory ----------------------------------------------------------------------

    def refresh_icons(self) -> None:
        theme = Theme.current()
        self.ask_tab.refresh_icons()
        self.summary_tab.refresh_icons()
        self.sentiment_tab.refresh_icons()
        self.settings_button.setIcon(icons.icon("settings", theme.text))
        for index, name in enumerate(("chat", "summary", "chart")):
            self.tabs.setTabIcon(index, icons.icon(name, theme.muted))

    def restore(self, settings: QSettings) -> None:
        tab = settings.value("assistant/tab", 0)
        self.tabs.setCurrentIndex(int(tab) if str(tab).isdigit() else 0)
        scope = settings.value("assistant/scope", "all")
        index = self.ask_tab.composer.scope.findData(scope)
        if index >= 0:
            self.ask_tab.composer.scope.setCurrentIndex(index)

    def save(self, settings: QSettings) -> None:
        settings.setValue("assistant/tab", self.tabs.currentIndex())
        settings.setValue("assistant/scope", self.ask_tab.composer.scope.currentData())

    def _sync_enabled(self) -> None:
        ready = self.assistant is not None
        self.ask_tab.composer.send.setEnabled(ready)
        self.settings_button.setEnabled(ready)
        if not ready:
            self.ask_tab.composer.send.setToolTip("The language model is starting…")

    def shutdown(self) -> None:
        """Called once every worker has stopped: close the engine."""
        self._shut = True
        self._poll.stop()
        if self.settings_dialog is not None:
            self.settings_dialog.close()
        if self.assistant is not None:
            _close_quietly(self.assistant)
            self.assistant = None


def _close_quietly(assistant: Any) -> None:
    try:
        assistant.close()
    except DocNookError as exc:
        log.warning("closing the assistant: %s", exc)
    except Exception:
        log.exception("closing the assistant failed")
