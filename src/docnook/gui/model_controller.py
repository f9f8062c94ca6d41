"""The assistant service and its model: start-up, loading, settings, adding models.

Creates the `Assistant` on a worker (the first start assembles the bundled model), loads the
model so the first question does not wait, and runs the settings dialog and "add a model".
Every model load reports to `EngineStatus` when it starts and ends; that object alone decides
what the status bar says.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from docnook.errors import DocNookError
from docnook.gui.engine_status import EngineStatus
from docnook.gui.settings_dialog import SettingsDialog, model_details, model_label
from docnook.gui.workers import CallWorker, Worker, WorkerPool

log = logging.getLogger("docnook.gui")

STILL_STARTING = "The language model is still starting; {} in a moment."


def default_assistant_factory(data_dir: Path) -> Callable[[], Any]:
    def make() -> Any:
        from docnook.assistant import Assistant

        return Assistant(data_dir)

    return make


class ModelController(QObject):
    ready = Signal(object)  # the Assistant, once it is up
    error = Signal(str)
    info = Signal(str)
    model_changed = Signal(str, str)  # name, details
    settings_applied = Signal(object)  # Settings

    def __init__(
        self,
        factory: Callable[[], Any],
        pool: WorkerPool,
        status: EngineStatus,
        owner: QWidget,
    ) -> None:
        super().__init__(owner)
        self.factory = factory
        self.pool = pool
        self.status = status
        self.owner = owner  # dialogs open over its window
        self.assistant: Any = None
        self.model_name = ""
        self.settings_dialog: SettingsDialog | None = None
        self._shut = False

    def require(self, what: str) -> Any:
        """The assistant, or None with a sentence saying to wait for it."""
        if self.assistant is None:
            self.error.emit(STILL_STARTING.format(what))
        return self.assistant

    # -- start-up -----------------------------------------------------------------------------

    def start(self) -> Worker:
        worker = CallWorker(self.factory, "starting the assistant")
        worker.signals.returned.connect(self._assistant_ready)
        worker.signals.errored.connect(self._assistant_failed)
        self.pool.start(worker)
        return worker

    def _assistant_ready(self, assistant: Any) -> None:
        if self._shut:
            close_quietly(assistant)
            return
        self.assistant = assistant
        self.preload()
        self.status.service_up()
        self.refresh_model()
        self.ready.emit(assistant)

    def _assistant_failed(self, message: str) -> None:
        self.status.service_failed()
        self.error.emit(message)

    def preload(self) -> Worker:
        """Load the model now, so the first question does not wait for it."""
        assistant = self.assistant
        worker = CallWorker(
            lambda: assistant.apply_settings(assistant.settings), "loading the model"
        )
        worker.signals.errored.connect(
            lambda message: self.error.emit(message + " Choose another model in Settings.")
        )
        self._track_load(worker)
        self.pool.start(worker)
        return worker

    def _track_load(self, worker: Worker) -> None:
        self.status.load_started()
        worker.signals.finished.connect(self._load_ended)

    def _load_ended(self) -> None:
        state = "error"
        if self.assistant is not None:
            try:
                state = str(self.assistant.engine_state())
            except Exception:  # a state read must never take the window down
                log.exception("reading the engine state")
        self.status.load_ended(state)

    def refresh_model(self) -> None:
        if self.assistant is None:
            return
        worker = CallWorker(self.assistant.models, "reading the model list")
        worker.signals.returned.connect(self._models_read)
        self.pool.start(worker)

    def _models_read(self, models: list[Any]) -> None:
        in_use = next((m for m in models if m.in_use), None)
        if in_use is not None:
            self.model_name = model_label(in_use)
            self.model_changed.emit(self.model_name, model_details(in_use))

    # -- settings -----------------------------------------------------------------------------

    def open_settings(self, parent: QWidget) -> SettingsDialog | None:
        if self.require("open Settings") is None:
            return None
        if self.settings_dialog is not None and self.settings_dialog.isVisible():
            self.settings_dialog.raise_()
            return self.settings_dialog
        dialog = SettingsDialog(self.assistant, self.pool.start, parent)
        dialog.applied.connect(self._settings_applied)
        dialog.model_added.connect(lambda _info: self.refresh_model())
        dialog.load_started.connect(self._track_load)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda: setattr(self, "settings_dialog", None))
        self.settings_dialog = dialog
        dialog.open()
        return dialog

    def _settings_applied(self, settings: Any) -> None:
        self.refresh_model()
        self.settings_applied.emit(settings)
        self.info.emit("Settings applied. The model is ready.")

    # -- adding models ------------------------------------------------------------------------

    def browse_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.owner.window(), "Add a language model", str(Path.home()), "GGUF models (*.gguf)"
        )
        if path:
            self.offer_model(path, ask=False)

    def offer_model(self, path: str, ask: bool = True) -> None:
        """A .gguf was dropped or chosen: add it to the models, and use it if the person wants."""
        if self.require("add the model") is None:
            return
        use = True
        if ask:
            box = QMessageBox(self.owner.window())
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

        worker = CallWorker(add, "adding the model")
        worker.signals.returned.connect(
            lambda info: self.info.emit(f"{'Now using' if use else 'Added'} {model_label(info)}.")
        )
        worker.signals.errored.connect(self.error)
        worker.signals.finished.connect(self.refresh_model)
        if use:
            self._track_load(worker)
        self.pool.start(worker)
        return worker

    def shutdown(self) -> None:
        """Called once every worker has stopped: close the engine."""
        self._shut = True
        if self.settings_dialog is not None:
            self.settings_dialog.close()
        if self.assistant is not None:
            close_quietly(self.assistant)
            self.assistant = None


def close_quietly(assistant: Any) -> None:
    try:
        assistant.close()
    except DocNookError as exc:
        log.warning("closing the assistant: %s", exc)
    except Exception:
        log.exception("closing the assistant failed")
