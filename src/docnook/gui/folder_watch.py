"""Watched folders in the window: the list in the library pane, and the file-system
notifications that ask for a sync.

The sync itself (`docnook.folders`) runs in the indexing process like any indexing job; this
module only decides when to ask for one. Notifications come in bursts (a copy of twenty files,
an editor saving through a temporary file), so they restart a short timer and one sync follows
the burst; files still being written are left by that sync as pending, and another pass is
asked for once they have had time to settle.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QFileSystemWatcher, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from docnook.errors import DocNookError
from docnook.gui import icons
from docnook.gui.theme import Theme
from docnook.gui.workers import CallWorker
from docnook.ingest.scan import SETTLE_SECONDS, scan

if TYPE_CHECKING:
    from docnook.index.folder_store import FolderRecord
    from docnook.library import Library

DEBOUNCE_MS = 1500  # quiet time after the last notification before a sync is asked for
# inotify watches are a per-user kernel budget shared with every other program: beyond this
# many paths the window watches folders only, and the rescan at start catches in-place edits.
MAX_WATCHED_PATHS = 4000


class FolderWatcher(QObject):
    """Watches folders, their subfolders and their documents; `changed` once per burst."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._poke)
        self._watcher.fileChanged.connect(self._poke)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._settled)
        self._folders: list[str] = []

    def follow(self, folders: list[str]) -> None:
        self._folders = list(folders)
        self._rewatch()

    def watched(self) -> set[str]:
        return set(self._watcher.directories()) | set(self._watcher.files())

    def _wanted(self) -> set[str]:
        # A file written in place (no rename) changes no folder: only a watch on the file
        # itself sees it, so documents are watched too while the budget allows.
        directories: set[str] = set()
        for folder in self._folders:
            for root, dirs, _files in os.walk(folder):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                directories.add(root)
        files: set[str] = set()
        for folder in self._folders:
            files.update(scan(Path(folder)))
        if len(directories) + len(files) > MAX_WATCHED_PATHS:
            return set(sorted(directories)[:MAX_WATCHED_PATHS])
        return directories | files

    def _rewatch(self) -> None:
        wanted, current = self._wanted(), self.watched()
        gone = sorted(current - wanted)
        if gone:
            self._watcher.removePaths(gone)
        new = sorted(wanted - current)
        if new:
            self._watcher.addPaths(new)

    def _poke(self, _path: str) -> None:
        self._timer.start()  # (re)start: one sync after the burst

    def _settled(self) -> None:
        self._rewatch()  # new subfolders and files join; renamed ones are watched again
        self.changed.emit()


_STATE_TEXT = {"new": "Waiting to be read", "missing": "Not found · its documents are kept"}


class FoldersView(QFrame):
    """The watched folders, one line each with its state; hidden while there are none."""

    sync_requested = Signal()
    unwatch_requested = Signal(str)  # the folder's path
    reveal_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("WatchedFolders")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        top = QHBoxLayout()
        self.title = QLabel("Watched folders")
        self.title.setObjectName("Caption")
        top.addWidget(self.title, 1)
        self.sync_button = QToolButton()
        self.sync_button.setToolTip("Look for changes in the watched folders now")
        self.sync_button.clicked.connect(self.sync_requested)
        top.addWidget(self.sync_button)
        layout.addLayout(top)
        self.list = QListWidget()
        self.list.setObjectName("FolderList")
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.list)
        self._records: list[FolderRecord] = []
        self.refresh_icons()
        self.hide()

    def refresh_icons(self) -> None:
        theme = Theme.current()
        self.sync_button.setIcon(icons.icon("refresh", theme.text, theme.muted))

    def set_folders(self, records: list[FolderRecord], syncing: bool) -> None:
        self._records = list(records)
        self.list.clear()
        for record in records:
            if syncing:
                state = "Checking for changes…"
            else:
                state = _STATE_TEXT.get(record.state) or (
                    f"Watching · {record.documents} document"
                    + ("s" if record.documents != 1 else "")
                )
            item = QListWidgetItem(f"{Path(record.path).name or record.path}  —  {state}")
            item.setToolTip(record.path + (f"\n{record.note}" if record.note else ""))
            item.setData(Qt.ItemDataRole.UserRole, record.path)
            item.setIcon(icons.icon("folder", Theme.current().muted))
            self.list.addItem(item)
        rows = max(1, min(4, len(records)))
        self.list.setFixedHeight(rows * max(22, self.list.sizeHintForRow(0)) + 6)
        self.sync_button.setEnabled(not syncing)
        self.setVisible(bool(records))

    def states(self) -> list[str]:
        """The lines as shown (tests and screen readers)."""
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _context_menu(self, pos: Any) -> None:
        item = self.list.itemAt(pos)
        if item is None:
            return
        path = item.data(Qt.ItemDataRole.UserRole)
        theme = Theme.current()
        menu = QMenu(self)
        menu.addAction(icons.icon("refresh", theme.text), "Look for changes now").triggered.connect(
            self.sync_requested
        )
        menu.addAction(icons.icon("folder", theme.text), "Show in folder").triggered.connect(
            lambda: self.reveal_requested.emit(path)
        )
        menu.addSeparator()
        menu.addAction(icons.icon("trash", theme.negative), "Stop watching…").triggered.connect(
            lambda: self.unwatch_requested.emit(path)
        )
        menu.exec(self.list.viewport().mapToGlobal(pos))


class FolderController(QObject):
    """Keeps the view and the watcher in step with the library's watched folders, and asks
    for a sync (`sync_requested`) after a burst of changes or when files are left pending."""

    sync_requested = Signal()

    def __init__(
        self,
        read_folders: Callable[[], list[FolderRecord]],
        view: FoldersView,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._read = read_folders
        self.view = view
        self.watcher = FolderWatcher(self)
        self.watcher.changed.connect(self.sync_requested)
        view.sync_requested.connect(self.sync_requested)
        self._syncing = False
        self._records: list[FolderRecord] = []
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(int(SETTLE_SECONDS * 1000) + 500)
        self._retry.timeout.connect(self.sync_requested)

    @property
    def folders(self) -> list[FolderRecord]:
        return self._records

    def refresh(self) -> None:
        """Read the folders again (a quick read on the GUI thread, like the document list)."""
        self._records = self._read()
        self.view.set_folders(self._records, self._syncing)
        self.watcher.follow([r.path for r in self._records if Path(r.path).is_dir()])

    def set_syncing(self, syncing: bool) -> None:
        self._syncing = syncing
        self.view.set_folders(self._records, syncing)

    def sync_finished(self, report: Any) -> None:
        """After a sync: files still being written get another pass once they settle."""
        if report is not None and getattr(report, "pending", None):
            self._retry.start()


def unwatch_worker(data_dir: Path, path: str, keep_documents: bool) -> CallWorker:
    """A worker that stops watching `path` (and removes its documents unless kept) in its own
    connection to the index; it returns how many documents left the library."""

    def unwatch() -> int:
        from docnook.folders import FolderService
        from docnook.library import Library

        with Library(data_dir) as library:
            return FolderService(library).remove(path, keep_documents)[1]

    return CallWorker(unwatch, "forgetting the folder")


class WatchedFolders:
    """The main window's watched-folder actions: a mixin of `MainWindow`, which provides the
    attributes named below. A sync is one more job in the window's indexing queue."""

    folders: FolderController
    library: Library
    data_dir: Path
    banner: Any
    pool: Any
    _closing: bool
    _index_queue: list[Any]
    index_paths: Callable[..., None]
    show_error: Callable[[str], None]
    reload_documents: Callable[[], None]

    def _read_folders(self) -> list[FolderRecord]:
        from docnook.folders import FolderService

        try:
            return FolderService(self.library).folders()
        except DocNookError as exc:
            self.show_error(str(exc))
            return []

    def sync_folders(self) -> None:
        """One pass over the watched folders in the indexing process; a pass already waiting
        in the queue covers this request too."""
        if self._closing or any(r.kind == "sync" for r in self._index_queue):
            return
        self.index_paths([], kind="sync")

    def unwatch_folder(self, path: str) -> None:
        from docnook.gui import window_dialogs

        record = next((f for f in self.folders.folders if f.path == path), None)
        if record is None:
            return
        keep = window_dialogs.ask_unwatch(self, path, record.documents)  # type: ignore[arg-type]
        if keep is not None:
            self.unwatch_now(path, keep_documents=keep)

    def unwatch_now(self, path: str, keep_documents: bool) -> CallWorker:
        worker = unwatch_worker(self.data_dir, path, keep_documents)
        worker.signals.errored.connect(self.show_error)
        worker.signals.returned.connect(
            lambda removed: self.banner.show_info(
                f"No longer watching {Path(path).name}; {removed} documents left the library."
            )
        )
        worker.signals.finished.connect(self.reload_documents)
        worker.signals.finished.connect(self.folders.refresh)
        self.pool.start(worker)
        return worker
