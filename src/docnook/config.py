"""DocNook's settings, declared as data.

Each option says its name, type, default, bounds and a sentence for the person; the settings pane
of the window is generated from `OPTIONS`, and `docnook settings` shows and sets the same list.
`Settings` is a frozen snapshot: a worker gets one and never sees it change under it.

The file is JSON at `paths.settings_path()`. A value that is missing, of the wrong type or out
of bounds falls back to its default, so a hand-edited or older file never stops DocNook from
starting. Keys this module does not know are kept when it saves, so another part of DocNook may
store its own top-level keys in the same file; window geometry and other purely visual state
belongs in the GUI's own QSettings instead.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docnook import paths
from docnook.errors import DataDirError, InputError

DEFAULT_MODEL = "default"
# n_gpu_layers "auto": as many layers as fit in the GPUs' memory, read from the model's header
# when it loads (none without a GPU). A word rather than a number, so scripts read it plainly.
AUTO = "auto"


@dataclass(frozen=True)
class Option:
    """One setting: what the settings pane shows and what `validate` enforces."""

    name: str
    type: type
    default: Any
    label: str
    description: str
    section: str = "Model"
    minimum: int | None = None
    maximum: int | None = None
    reload: bool = True  # changing it reloads the language model
    keywords: tuple[str, ...] = ()  # words accepted besides numbers (n_gpu_layers: "auto")
    choices: tuple[str, ...] = ()  # the only words a text option takes (ocr: auto, always, never)

    def validate(self, value: Any) -> Any:
        """`value` if it is acceptable for this option, else InputError with a sentence."""
        if self.type is bool:
            if not isinstance(value, bool):
                raise InputError(f"{self.name} must be true or false.")
            return value
        if self.type is int:
            if isinstance(value, str) and value.strip().lower() in self.keywords:
                return value.strip().lower()
            if isinstance(value, bool) or not isinstance(value, int):
                raise InputError(f"{self.name} must be {self._number_words()}.")
            if self.minimum is not None and value < self.minimum:
                raise InputError(f"{self.name} must be at least {self.minimum}.")
            if self.maximum is not None and value > self.maximum:
                raise InputError(f"{self.name} must be at most {self.maximum}.")
            return value
        if self.type is str:
            if not isinstance(value, str) or not value.strip():
                raise InputError(f"{self.name} must be a non-empty text.")
            if self.choices and value.strip().lower() not in self.choices:
                raise InputError(f"{self.name} must be one of {', '.join(self.choices)}.")
            return value.strip().lower() if self.choices else value.strip()
        raise TypeError(f"unsupported option type {self.type!r}")

    def _number_words(self) -> str:
        return " or ".join(("a whole number", *self.keywords))

    def parse(self, text: str) -> Any:
        """A value typed by a person (`docnook settings set KEY VALUE`), validated."""
        text = text.strip()
        value: Any = text
        if self.type is bool:
            lowered = text.lower()
            if lowered in ("1", "true", "yes", "on"):
                value = True
            elif lowered in ("0", "false", "no", "off"):
                value = False
            else:
                raise InputError(f"{self.name} must be true or false, not {text!r}.")
        elif self.type is int and text.lower() in self.keywords:
            value = text.lower()
        elif self.type is int:
            try:
                value = int(text)
            except ValueError:
                raise InputError(
                    f"{self.name} must be {self._number_words()}, not {text!r}."
                ) from None
        return self.validate(value)


OPTIONS: tuple[Option, ...] = (
    Option(
        "model",
        str,
        DEFAULT_MODEL,
        "Language model",
        "The model that answers, summarises and reads sentiment: 'default' is the bundled "
        "Gemma 3 270M; other names come from `docnook models`.",
    ),
    Option(
        "n_gpu_layers",
        int,
        AUTO,
        "GPU layers",
        "How many of the model's layers run on the GPU: auto offloads as many as fit in its "
        "memory, 0 keeps everything on the CPU, -1 offloads all of them.",
        section="Performance",
        minimum=-1,
        maximum=1000,
        keywords=(AUTO,),
    ),
    Option(
        "n_ctx",
        int,
        4096,
        "Context length",
        "How many tokens the model sees at once (sources, question and answer together). "
        "Larger uses more memory; it is capped at what the model was trained for.",
        section="Performance",
        minimum=256,
        maximum=131072,
    ),
    Option(
        "n_threads",
        int,
        0,
        "CPU threads",
        "Threads used for generation: 0 picks automatically.",
        section="Performance",
        minimum=0,
        maximum=256,
    ),
    Option(
        "n_batch",
        int,
        512,
        "Batch size",
        "Prompt tokens processed per step. Larger is faster on a GPU and uses more memory.",
        section="Performance",
        minimum=16,
        maximum=8192,
    ),
    Option(
        "flash_attn",
        bool,
        False,
        "Flash attention",
        "Use flash attention: faster and leaner on GPUs that support it.",
        section="Performance",
    ),
    Option(
        "use_mmap",
        bool,
        True,
        "Map the model file",
        "Read the model file through memory mapping, so it loads faster and shares memory.",
        section="Performance",
    ),
    Option(
        "use_mlock",
        bool,
        False,
        "Lock the model in memory",
        "Keep the model in RAM so the system never swaps it out.",
        section="Performance",
    ),
    Option(
        "ocr",
        str,
        "auto",
        "Read scanned pages (OCR)",
        "Recognise the text of scanned pages while indexing: auto reads the pages that have no "
        "text of their own, always reads every page, never leaves them unread.",
        section="Documents",
        reload=False,
        choices=("auto", "always", "never"),
    ),
    Option(
        "ocr_languages",
        str,
        "eng",
        "OCR languages",
        "Tesseract's codes of the languages scanned pages are in, joined by '+' (eng+deu); each "
        "needs its language data (Debian: tesseract-ocr-deu, ...).",
        section="Documents",
        reload=False,
    ),
)

_BY_NAME = {option.name: option for option in OPTIONS}


def option(name: str) -> Option:
    try:
        return _BY_NAME[name]
    except KeyError:
        known = ", ".join(_BY_NAME)
        raise InputError(f"There is no setting {name!r}. Settings: {known}.") from None


@dataclass(frozen=True)
class Settings:
    """A snapshot of every option; fields mirror `OPTIONS` (a unit test keeps them in step)."""

    model: str = _BY_NAME["model"].default
    n_gpu_layers: int | str = _BY_NAME["n_gpu_layers"].default  # a number or AUTO
    n_ctx: int = _BY_NAME["n_ctx"].default
    n_threads: int = _BY_NAME["n_threads"].default
    n_batch: int = _BY_NAME["n_batch"].default
    flash_attn: bool = _BY_NAME["flash_attn"].default
    use_mmap: bool = _BY_NAME["use_mmap"].default
    use_mlock: bool = _BY_NAME["use_mlock"].default
    ocr: str = _BY_NAME["ocr"].default
    ocr_languages: str = _BY_NAME["ocr_languages"].default

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            option(field.name).validate(getattr(self, field.name))

    def replace(self, **changes: Any) -> Settings:
        """A copy with `changes` applied; InputError names the first bad one."""
        for name in changes:
            option(name)
        return dataclasses.replace(self, **changes)

    def changed(self, other: Settings) -> list[str]:
        """Names of the options whose values differ between the two snapshots."""
        return [o.name for o in OPTIONS if getattr(self, o.name) != getattr(other, o.name)]

    def as_json(self) -> dict[str, Any]:
        return {o.name: getattr(self, o.name) for o in OPTIONS}

    @classmethod
    def from_json(cls, data: Any) -> Settings:
        """Settings from parsed JSON: each bad or missing value takes its default."""
        values: dict[str, Any] = {}
        if isinstance(data, dict):
            for opt in OPTIONS:
                if opt.name in data:
                    with contextlib.suppress(InputError, TypeError):
                        values[opt.name] = opt.validate(data[opt.name])
        return cls(**values)


def load_settings(data_dir: Path | None = None) -> Settings:
    """The saved settings, or the defaults when there is no (readable, valid) file."""
    return Settings.from_json(_read_json(paths.settings_path(data_dir)))


def save_settings(data_dir: Path | None, settings: Settings) -> None:
    """Write atomically (temp file + rename), readable only by the user; other keys are kept."""
    target = paths.settings_path(data_dir)
    paths.ensure_private_dir(target.parent)
    existing = _read_json(target)
    data = existing if isinstance(existing, dict) else {}
    data.update(settings.as_json())
    try:
        fd, temp_name = tempfile.mkstemp(prefix=".settings-", suffix=".json", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=2, sort_keys=True)
                handle.write("\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temp_name, 0o600)
            os.replace(temp_name, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)
            raise
    except OSError as exc:
        raise DataDirError(
            f"DocNook cannot save its settings to {target}: {exc.strerror or exc}."
        ) from exc


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
