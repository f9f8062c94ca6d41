"""Pieces of the settings dialog: how a model is named and described, and the GPU layers
editor (Auto, All, or a number, with the suggestion for this GPU)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSlider,
    QWidget,
)

from docnook.config import AUTO, Option

SECTION_TITLES = {"Model": "Language model", "Performance": "Performance"}
ROW_LABELS = {"model": "Model"}


def model_label(info: Any) -> str:
    from docnook.llm.models import format_parameters

    name = info.title or Path(info.path).stem
    extra = []
    if info.parameters:
        extra.append(format_parameters(info.parameters))
    if info.quantization:
        extra.append(info.quantization)
    text = name + (f" ({', '.join(extra)})" if extra else "")
    return text + (" · bundled" if info.is_default else "")


def model_details(info: Any) -> str:
    from docnook.llm.models import format_parameters

    parts = [
        info.architecture or "unknown architecture",
        f"{format_parameters(info.parameters)} parameters" if info.parameters else "",
        info.quantization,
        f"{info.context_length:,} tokens of context" if info.context_length else "",
        f"{info.layers} layers" if info.layers else "",
        "chat template" if info.has_chat_template else "no chat template (plain prompts)",
        f"{info.size_bytes / 1e6:,.0f} MB" if info.size_bytes else "",
    ]
    return " · ".join(p for p in parts if p)


class GpuLayersEditor(QWidget):
    """Auto (the default: as many layers as fit in the GPU's memory), or 0 … the model's
    layers, plus All (-1)."""

    def __init__(self, option: Option, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(10)
        self.auto = QCheckBox("Auto")
        self.auto.setToolTip("As many layers as fit in the GPU's memory, from the model's size")
        row.addWidget(self.auto)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 1)
        self.slider.setToolTip(option.description)
        row.addWidget(self.slider, 1)
        self.value = QLabel("")
        self.value.setMinimumWidth(130)
        row.addWidget(self.value)
        self.all = QCheckBox("All")
        self.all.setToolTip("Offload every layer to the GPU")
        row.addWidget(self.all)
        self.layers = 0
        self.suggested = 0  # what Auto gives for the chosen model: -1 all, 0 none
        self.slider.valueChanged.connect(self._show)
        self.all.toggled.connect(self._all_toggled)
        self.auto.toggled.connect(self._auto_toggled)
        self.set_layers(0)

    def set_layers(self, layers: int, suggested: int = 0) -> None:
        value = self.get()
        self.layers = layers
        self.suggested = suggested
        self.slider.setRange(0, max(1, layers))
        self.slider.setTickInterval(max(1, layers // 8))
        self.put(value)

    def get(self) -> int | str:
        if self.auto.isChecked():
            return AUTO
        return -1 if self.all.isChecked() else self.slider.value()

    def put(self, value: int | str) -> None:
        self.auto.setChecked(value == AUTO)
        if value == AUTO:
            value = self.suggested
        self.all.setChecked(value == -1)
        if value != -1:
            self.slider.setValue(max(0, min(self.slider.maximum(), int(value))))
        self._sync()

    def _auto_toggled(self, on: bool) -> None:
        if on:
            self.all.setChecked(self.suggested == -1)
            if self.suggested != -1:
                self.slider.setValue(self.suggested)
        self._sync()

    def _all_toggled(self, on: bool) -> None:
        if on:
            self.slider.setValue(self.slider.maximum())
        self._sync()

    def _sync(self) -> None:
        editable = self.isEnabled() and not self.auto.isChecked()
        self.all.setEnabled(editable)
        self.slider.setEnabled(editable and not self.all.isChecked())
        self._show()

    def changeEvent(self, event: Any) -> None:  # Qt's name: enabling the editor re-syncs it
        super().changeEvent(event)
        if event.type() == event.Type.EnabledChange:
            self._sync()

    def _show(self, *_: Any) -> None:
        total = self.layers
        if self.all.isChecked():
            text = f"all {total} layers" if total else "all layers"
        elif self.slider.value() == 0:
            text = "CPU only"
        else:
            text = f"{self.slider.value()} of {total} layers" if total else str(self.slider.value())
        self.value.setText(f"Auto: {text}" if self.auto.isChecked() else text)


def text_editor(option: Option) -> tuple[QWidget, Any, Any]:
    """A text option's widget, getter and setter: a list of its choices when it has some
    (ocr: auto, always, never), else a line to type in (ocr_languages: eng+deu)."""
    if option.choices:
        combo = QComboBox()
        combo.setToolTip(option.description)
        for choice in option.choices:
            combo.addItem(choice, choice)
        combo.setFixedWidth(170)

        def put_choice(value: Any) -> None:
            index = combo.findData(str(value))
            combo.setCurrentIndex(max(0, index))

        return combo, lambda: str(combo.currentData()), put_choice
    line = QLineEdit()
    line.setToolTip(option.description)
    line.setFixedWidth(170)
    return line, lambda: line.text().strip() or str(option.default), lambda v: line.setText(str(v))
