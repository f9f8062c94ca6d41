"""The right side of the window: Ask, Summary and Sentiment, composed from their controllers.

The panel is a thin widget: the tabs and the settings button, and the controllers that do the
work, each with one job: `ModelController` (the assistant service, model loading, settings,
adding models), `AskController` (questions, answers, chats) and one `TaskController` class for
the document tasks (summary, sentiment). `EngineStatus` alone decides the engine's state shown
in the status bar. The panel reports to the window through signals.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, QSize, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QTabWidget, QToolButton, QVBoxLayout, QWidget

from docnook.gui import icons
from docnook.gui.ask_controller import AskController
from docnook.gui.ask_tab import AskTab
from docnook.gui.engine_status import BUSY, GENERATING, EngineStatus
from docnook.gui.model_controller import ModelController, default_assistant_factory
from docnook.gui.sentiment_explain import ExplainController, SentenceCitation
from docnook.gui.sentiment_tab import SentimentTab
from docnook.gui.settings_dialog import SettingsDialog
from docnook.gui.summary_compare import SummaryCompare
from docnook.gui.summary_tab import SummaryTab, cached_summary
from docnook.gui.task_controller import TaskController, TaskSpec
from docnook.gui.theme import Theme
from docnook.gui.workers import AskWorker, SentimentWorker, SummaryWorker, Worker, WorkerPool

if TYPE_CHECKING:
    from docnook.index.store import DocumentRecord


class AssistantPanel(QWidget):
    citation_clicked = Signal(object)  # CitedSource
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
        self.records: dict[int, DocumentRecord] = {}
        self.current: DocumentRecord | None = None

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

        self.status = EngineStatus(self)
        self.status.changed.connect(self.engine_state)
        factory = assistant_factory or default_assistant_factory(data_dir)
        self.models = ModelController(factory, pool, self.status, self)
        self.asking = AskController(
            self.ask_tab, pool, self.status, self._service, lambda: self.show_tab(self.TAB_ASK)
        )
        self.summaries = TaskController(
            self.summary_tab,
            TaskSpec(
                "summary",
                GENERATING,
                SummaryWorker,
                cached_summary,
                lambda result, _cached: self.summary_tab.show_summary(
                    result, self.models.model_name
                ),
                streams=True,
                options=self.summary_tab.options,
                item=self.summary_tab.take_progress,
            ),
            pool,
            self.status,
            self._service,
            lambda: self.show_tab(self.TAB_SUMMARY),
        )
        self.sentiments = TaskController(
            self.sentiment_tab,
            TaskSpec(
                "sentiment",
                BUSY,
                SentimentWorker,
                lambda assistant, doc_id: assistant.cached_sentiment(doc_id),
                lambda result, cached: self.sentiment_tab.show_sentiment(result, cached=cached),
            ),
            pool,
            self.status,
            self._service,
            lambda: self.show_tab(self.TAB_SENTIMENT),
        )
        self.explainer = ExplainController(self.sentiment_tab, pool, self.status, self._service)
        self._connect()
        self._sync_enabled()

    def _connect(self) -> None:
        models = self.models
        models.ready.connect(self._assistant_ready)
        models.error.connect(self.error)
        models.info.connect(self.info)
        models.model_changed.connect(self.model_changed)
        models.settings_applied.connect(self.settings_applied)
        self.asking.citation_clicked.connect(self.citation_clicked)
        self.asking.error.connect(self.error)
        self.asking.finished.connect(self.answer_finished)
        for task, done in (
            (self.summaries, self.summary_finished),
            (self.sentiments, self.sentiment_finished),
        ):
            task.error.connect(self.error)
            task.finished.connect(done)
            task.tab.copied.connect(self.info)
        self.sentiment_tab.page_clicked.connect(self._sentiment_page)
        self.sentiment_tab.sentence_clicked.connect(self._sentiment_sentence)
        self.summary_tab.point_clicked.connect(self.citation_clicked)
        self.summary_tab.options_changed.connect(self.summaries.reload)
        self.summary_tab.compare_requested.connect(self.compare_summaries)

    # -- the service --------------------------------------------------------------------------

    def _service(self) -> Any:
        return self.models.assistant

    @property
    def assistant(self) -> Any:
        return self.models.assistant

    @property
    def model_name(self) -> str:
        return self.models.model_name

    @property
    def settings_dialog(self) -> SettingsDialog | None:
        return self.models.settings_dialog

    @property
    def state(self) -> str:
        """The engine's state as the status bar shows it."""
        return self.status.state

    def start(self) -> Worker:
        """Create the assistant on a worker; the tabs wake up when it is ready."""
        return self.models.start()

    def _assistant_ready(self, _assistant: Any) -> None:
        self._sync_enabled()
        self.asking.load_history()
        if self.current is not None:
            for task in (self.summaries, self.sentiments):
                task.load_cached(self.current)
        self.ready.emit()

    # -- what the window tells the panel ------------------------------------------------------

    def set_records(self, records: list[DocumentRecord]) -> None:
        self.records = {r.id: r for r in records}
        self.asking.library_empty = not records
        if self.current is not None:
            fresh = self.records.get(self.current.id)
            if fresh is None:
                self.set_current_document(None)
            elif fresh != self.current:
                self.set_current_document(fresh)
        self.set_selection([i for i in self.asking.selection if i in self.records])

    def set_selection(self, ids: list[int]) -> None:
        self.asking.set_selection(ids)
        self.summary_tab.set_selection_count(len(ids))

    def set_current_document(self, record: DocumentRecord | None) -> None:
        self.current = record
        self.summaries.set_document(record)
        self.sentiments.set_document(record)

    # -- the jobs (menu actions and tests call these) ----------------------------------------

    def focus_question(self) -> None:
        self.asking.focus()

    def show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)

    def ask(self, question: str | None = None) -> AskWorker | None:
        return self.asking.ask(question)

    def new_chat(self) -> None:
        self.asking.new_chat()

    def summarize(self) -> Worker | None:
        return self.summaries.run()

    def sentiment(self) -> Worker | None:
        return self.sentiments.run()

    def compare_summaries(self) -> SummaryCompare | None:
        """The documents selected in the library, their summaries side by side."""
        records = [self.records[i] for i in self.asking.selection if i in self.records]
        records = [r for r in records if r.status == "indexed"]
        if self.assistant is None:
            self.error.emit("The language model is still starting; try again in a moment.")
            return None
        if len(records) < 2:
            self.error.emit("Select two or more indexed documents to see their summaries.")
            return None
        length = self.summary_tab.options().length
        dialog = SummaryCompare(records, self.assistant, self.pool, length, self)
        dialog.point_clicked.connect(self.citation_clicked)
        dialog.error.connect(self.error)
        dialog.show()
        return dialog

    def _sentiment_page(self, page: int) -> None:
        record = self.sentiment_tab.record
        if record is not None:
            self.page_requested.emit(record.id, page)

    def _sentiment_sentence(self, page: int, reason: Any) -> None:
        record = self.sentiment_tab.record
        if record is not None:
            cited = SentenceCitation(record.id, record.path, record.title, page, reason.text)
            self.citation_clicked.emit(cited)

    def export_current(self) -> None:
        tab = self.tabs.currentWidget()
        if isinstance(tab, (SummaryTab, SentimentTab)):
            tab.export()

    def stop(self) -> bool:
        """Stop the job of the tab in view (else any); True when something was stopped."""
        jobs = [self.asking, self.summaries, self.sentiments]
        first = jobs.pop(self.tabs.currentIndex())
        return any(job.stop() for job in [first, *jobs])

    @property
    def busy(self) -> bool:
        return any(job.worker is not None for job in (self.asking, self.summaries, self.sentiments))

    # -- models and settings ------------------------------------------------------------------

    def open_settings(self, parent: QWidget) -> SettingsDialog | None:
        return self.models.open_settings(parent)

    def browse_model(self) -> None:
        self.models.browse_model()

    def offer_model(self, path: str, ask: bool = True) -> None:
        self.models.offer_model(path, ask)

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
        self.ask_tab.composer.send.setToolTip(
            "Send (Enter)" if ready else "The language model is starting…"
        )

    def shutdown(self) -> None:
        """Called once every worker has stopped: close the engine."""
        self.models.shutdown()
