"""The Settings dialog, generated from the option declarations in `docnook.config`.

Each declared option gets an editor chosen by its type (a spin box within its bounds, a check
box), its label, and its description as the tooltip and caption; two options get richer
editors: the model (a list of known models plus Browse…) and GPU layers (Auto, the default, or
a slider up to the chosen model's layer count, with "All"). Apply hands a frozen `Settings` to a
worker that reloads the model; the dialog stays usable and shows the outcome in a sentence.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from docnook.config import OPTIONS, Option, Settings
from docnook.errors import DocNookError
from docnook.gui.settings_parts import GpuLayersEditor, model_details, model_label, text_editor
from docnook.gui.workers import CallWorker, Worker

SECTION_TITLES = {"Model": "Language model", "Performance": "Performance"}
ROW_LABELS = {"model": "Model"}


__all__ = ["GpuLayersEditor", "SettingsDialog", "model_details", "model_label"]


class _Editor:
    """An option's widget with get/set."""

    def __init__(self, widget: QWidget, get: Callable[[], Any], put: Callable[[Any], None]):
        self.widget = widget
        self.get = get
        self.put = put


class SettingsDialog(QDialog):
    """Shows the assistant's settings; Apply reloads the model on a worker."""

    applied = Signal(object)  # Settings
    model_added = Signal(object)  # ModelInfo
    load_started = Signal(object)  # the Worker that reloads the model with new settings
    privacy_requested = Signal()  # "Privacy and your data…": the window opens that dialog

    def __init__(
        self,
        assistant: Any,
        start: Callable[[Worker], Worker],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setObjectName("SettingsDialog")
        self.assistant = assistant
        self._start = start
        self.models: list[Any] = []
        self.gpu: Any = None
        self.suggested: dict[str, int] = {}  # model name -> the layers Auto would offload
        self.settings: Settings = Settings()
        self.editors: dict[str, _Editor] = {}
        self.busy = False
        self.resize(620, 640)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(18, 18, 18, 14)
        outer.setSpacing(12)
        title = QLabel("Settings")
        title.setObjectName("Hero")
        outer.addWidget(title)
        lead = QLabel(
            "Everything runs on this computer. Changes to the model reload it; the "
            "window stays usable meanwhile."
        )
        lead.setObjectName("Caption")
        lead.setWordWrap(True)
        outer.addWidget(lead)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        self.body = QVBoxLayout(body)
        self.body.setContentsMargins(0, 0, 6, 0)
        self.body.setSpacing(10)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self._build_sections()
        self._build_privacy_section()
        self.body.addStretch(1)

        footer = QHBoxLayout()
        footer.setSpacing(8)
        self.message = QLabel("Reading the model list…")
        self.message.setObjectName("Caption")
        self.message.setWordWrap(True)
        footer.addWidget(self.message, 1)
        self.defaults_button = QPushButton("Restore defaults")
        self.defaults_button.clicked.connect(self.restore_defaults)
        footer.addWidget(self.defaults_button)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        footer.addWidget(self.close_button)
        self.apply_button = QPushButton("Apply")
        self.apply_button.setProperty("primary", True)
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(self.apply)
        footer.addWidget(self.apply_button)
        outer.addLayout(footer)
        self._set_enabled(False)
        self.load()

    # -- building from the declarations ------------------------------------------------------

    def _build_sections(self) -> None:
        sections: dict[str, list[Option]] = {}
        for option in OPTIONS:
            sections.setdefault(option.section, []).append(option)
        for section, options in sections.items():
            heading = QLabel(SECTION_TITLES.get(section, section).upper())
            heading.setObjectName("SectionHeading")
            self.body.addWidget(heading)
            card = QFrame()
            card.setObjectName("Card")
            column = QVBoxLayout(card)
            column.setContentsMargins(16, 14, 16, 14)
            column.setSpacing(10)
            if section == "Performance":
                self.gpu_label = QLabel("Looking for a GPU…")
                self.gpu_label.setWordWrap(True)
                self.gpu_label.setObjectName("InfoBanner")
                self.gpu_label.setContentsMargins(10, 8, 10, 8)
                column.addWidget(self.gpu_label)
            form = QFormLayout()
            form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            form.setHorizontalSpacing(18)
            form.setVerticalSpacing(10)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
            column.addLayout(form)
            for option in options:
                editor = self._editor(option)
                self.editors[option.name] = editor
                label = "" if option.type is bool else ROW_LABELS.get(option.name, option.label)
                form.addRow(label, editor.widget)
                if option.name == "model":
                    self.model_details = QLabel("")
                    self.model_details.setObjectName("Caption")
                    self.model_details.setWordWrap(True)
                    column.addWidget(self.model_details)
            self.body.addWidget(card)
            self.body.addSpacing(6)

    def _build_privacy_section(self) -> None:
        heading = QLabel("PRIVACY")
        heading.setObjectName("SectionHeading")
        self.body.addWidget(heading)
        card = QFrame()
        card.setObjectName("Card")
        row = QHBoxLayout(card)
        row.setContentsMargins(16, 14, 16, 14)
        row.setSpacing(12)
        text = QLabel(
            "DocNook makes no network connections. See every file it keeps, where and how "
            "big, and delete all of it."
        )
        text.setWordWrap(True)
        row.addWidget(text, 1)
        self.privacy_button = QPushButton("Privacy and your data…")
        self.privacy_button.clicked.connect(lambda: self.privacy_requested.emit())
        row.addWidget(self.privacy_button)
        self.body.addWidget(card)

    def _editor(self, option: Option) -> _Editor:
        if option.name == "model":
            return self._model_editor(option)
        if option.name == "n_gpu_layers":
            self.gpu_layers = GpuLayersEditor(option)
            return _Editor(self.gpu_layers, self.gpu_layers.get, self.gpu_layers.put)
        if option.type is bool:
            box = QCheckBox(option.label)
            box.setToolTip(option.description)
            return _Editor(box, box.isChecked, lambda v, b=box: b.setChecked(bool(v)))
        if option.type is int:
            spin = QSpinBox()
            spin.setRange(
                option.minimum if option.minimum is not None else -(2**31),
                option.maximum if option.maximum is not None else 2**31 - 1,
            )
            spin.setToolTip(option.description)
            spin.setAccelerated(True)
            if option.name == "n_threads":
                spin.setSpecialValueText("Automatic")
            if option.name in ("n_ctx", "n_batch"):
                spin.setSingleStep(256 if option.name == "n_ctx" else 64)
                spin.setSuffix(" tokens")
            spin.setFixedWidth(170)
            return _Editor(spin, spin.value, lambda v, s=spin: s.setValue(int(v)))
        if option.type is str:
            return _Editor(*text_editor(option))
        raise TypeError(f"no editor for option {option.name} of type {option.type}")

    def _model_editor(self, option: Option) -> _Editor:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        self.model_combo = QComboBox()
        self.model_combo.setToolTip(option.description)
        self.model_combo.currentIndexChanged.connect(self._model_chosen)
        row.addWidget(self.model_combo, 1)
        self.browse_button = QPushButton("Browse…")
        self.browse_button.setToolTip("Add a GGUF model file from this computer")
        self.browse_button.clicked.connect(self.browse)
        row.addWidget(self.browse_button)

        def get() -> str:
            return str(self.model_combo.currentData() or option.default)

        def put(name: Any) -> None:
            index = self.model_combo.findData(name)
            if index >= 0:
                self.model_combo.setCurrentIndex(index)

        return _Editor(box, get, put)

    # -- loading ------------------------------------------------------------------------------

    def load(self) -> None:
        assistant = self.assistant

        def read() -> tuple[list[Any], Any, Settings, dict[str, int]]:
            from docnook.llm.gpu import suggestion_for

            models, gpu, settings = assistant.models(), assistant.gpu_info(), assistant.settings
            # Auto's choice for each model, from its header and the GPUs' free memory.
            suggested = {m.name: suggestion_for(m.path, settings.n_ctx, gpu) for m in models}
            return models, gpu, settings, suggested

        worker = CallWorker(read, "reading the settings")
        worker.signals.returned.connect(self._loaded)
        worker.signals.errored.connect(self._failed)
        self._start(worker)

    def _loaded(self, result: tuple[list[Any], Any, Settings, dict[str, int]]) -> None:
        self.models, self.gpu, self.settings, self.suggested = result
        self._fill_models()
        self._show_gpu()
        self.show_settings(self.settings)
        self._set_enabled(True)
        self.message.setText("")

    def _fill_models(self, select: str | None = None) -> None:
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        for info in self.models:
            self.model_combo.addItem(model_label(info), info.name)
            self.model_combo.setItemData(
                self.model_combo.count() - 1, info.path, Qt.ItemDataRole.ToolTipRole
            )
        self.model_combo.blockSignals(False)
        if select is not None:
            self.editors["model"].put(select)
        self._model_chosen()

    def _show_gpu(self) -> None:
        gpu = self.gpu
        if gpu is None:
            return
        self.gpu_label.setText(gpu.describe())
        self.gpu_layers.setEnabled(bool(gpu.available))

    def _model_chosen(self, *_: Any) -> None:
        info = self.model_info(self.editors["model"].get()) if self.models else None
        if info is None:
            self.model_details.setText("")
            return
        self.model_details.setText(model_details(info))
        self.gpu_layers.set_layers(info.layers or 0, self.suggested.get(info.name, 0))
        ctx = self.editors["n_ctx"].widget
        if info.context_length and isinstance(ctx, QSpinBox):
            option = next(o for o in OPTIONS if o.name == "n_ctx")
            ctx.setMaximum(max(option.minimum or 0, min(option.maximum or 0, info.context_length)))

    def model_info(self, name: str) -> Any:
        return next((m for m in self.models if m.name == name), None)

    def show_settings(self, settings: Settings) -> None:
        for option in OPTIONS:
            self.editors[option.name].put(getattr(settings, option.name))

    def current(self) -> Settings:
        """The settings as edited (InputError when a value is not acceptable)."""
        values = {option.name: self.editors[option.name].get() for option in OPTIONS}
        return Settings(**values)

    def restore_defaults(self) -> None:
        defaults = Settings()
        self.show_settings(dataclasses.replace(defaults))

    # -- applying -----------------------------------------------------------------------------

    def apply(self) -> Worker | None:
        try:
            settings = self.current()
        except DocNookError as exc:
            self.message.setText(str(exc))
            return None
        if not settings.changed(self.settings):
            self.message.setText("Nothing changed.")
            return None
        self.busy = True
        self._set_enabled(False)
        self.close_button.setEnabled(True)
        self.message.setText("Loading the model with the new settings…")
        assistant = self.assistant

        def apply_now() -> Settings:
            assistant.apply_settings(settings)  # reloads the model, then saves the settings
            return settings

        worker = CallWorker(apply_now, "applying the settings")
        worker.signals.returned.connect(self._applied)
        worker.signals.errored.connect(self._failed)
        worker.signals.finished.connect(self._apply_finished)
        self.load_started.emit(worker)  # before it starts: its `finished` must not be missed
        self._start(worker)
        return worker

    def _applied(self, settings: Settings) -> None:
        self.settings = settings
        from docnook.llm.gpu import offload_note

        note = offload_note(settings.n_gpu_layers, self.gpu) if self.gpu is not None else None
        self.message.setText("Applied. The model is ready." + (f" {note}" if note else ""))
        self.applied.emit(settings)

    def _failed(self, message: str) -> None:
        self.message.setText(message + " The previous settings are still in use.")
        if self.settings is not None:
            self.show_settings(self.settings)

    def _apply_finished(self) -> None:
        self.busy = False
        self._set_enabled(True)

    def _set_enabled(self, on: bool) -> None:
        for editor in self.editors.values():
            editor.widget.setEnabled(on)
        if on and self.gpu is not None:
            self.gpu_layers.setEnabled(bool(self.gpu.available))
        self.apply_button.setEnabled(on)
        self.defaults_button.setEnabled(on)

    # -- adding a model -----------------------------------------------------------------------

    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Add a language model", str(Path.home()), "GGUF models (*.gguf)"
        )
        if path:
            self.add_model(path)

    def add_model(self, path: str) -> Worker:
        self.message.setText(f"Reading {Path(path).name}…")
        assistant = self.assistant
        worker = CallWorker(lambda: assistant.add_model(Path(path)), "adding the model")
        worker.signals.returned.connect(self._model_added)
        worker.signals.errored.connect(lambda m: self.message.setText(m))
        self._start(worker)
        return worker

    def _model_added(self, info: Any) -> None:
        self.models = [m for m in self.models if m.name != info.name] + [info]
        self._fill_models(select=info.name)
        self.message.setText(f"Added {model_label(info)}. Apply to use it.")
        self.model_added.emit(info)
