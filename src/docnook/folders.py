"""Watched folders: the library remembers folders and follows what happens in them.

A sync is one pass over every watched folder. It looks at sizes and modification times first
(a stat per file, no reading), and hands only new and changed files to `Library.index`, which
hashes them: bytes the library already holds under a path that is gone are a move (the record,
its chunks, embeddings and analyses follow the file, nothing is embedded again); new bytes are
read and embedded. Documents whose files are gone leave the library afterwards, in that order,
so a rename is never a delete followed by a fresh index. A folder that is not there at all (an
unplugged drive) keeps its documents and is marked missing.

Plain Python like the other services: the CLI runs it in a progress bar, the window in its
indexing process, triggered at start and by file-system notifications.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docnook.errors import InputError
from docnook.index import folder_store
from docnook.index.folder_store import FolderRecord
from docnook.index.store import DocumentRecord
from docnook.ingest.scan import SETTLE_SECONDS, scan
from docnook.jobs import CancelToken, ProgressCallback, no_progress
from docnook.library import FileOutcome, IndexReport, Library


@dataclass
class SyncReport:
    """What one pass changed, by path."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    moved: list[tuple[str, str]] = field(default_factory=list)  # (from, to)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    failed: list[FileOutcome] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)  # still being written: next pass
    missing_folders: list[str] = field(default_factory=list)
    cancelled: bool = False
    seconds: float = 0.0
    outcomes: list[FileOutcome] = field(default_factory=list)  # of the files indexed

    @property
    def indexed(self) -> int:
        return len(self.added) + len(self.changed)

    def count(self, *actions: str) -> int:
        """Files whose indexing ended in one of `actions`, as `IndexReport.count`."""
        return sum(1 for outcome in self.outcomes if outcome.action in actions)

    @property
    def chunks_embedded(self) -> int:
        """Chunks this pass embedded: those of the new and changed files, nothing else."""
        return sum(o.chunks for o in self.outcomes if o.action in ("indexed", "updated"))

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.changed or self.moved or self.removed or self.failed)

    def summary(self) -> str:
        text = (
            f"{len(self.added)} added, {len(self.changed)} changed, {len(self.moved)} moved, "
            f"{len(self.removed)} removed, {self.unchanged} unchanged"
        )
        if self.failed:
            reasons = "; ".join(f"{Path(o.path).name}: {o.reason}" for o in self.failed)
            text += f", {len(self.failed)} failed ({reasons})"
        if self.pending:
            text += f"; {len(self.pending)} still being written, read on the next pass"
        if self.missing_folders:
            text += "; not found (documents kept): " + ", ".join(self.missing_folders)
        if self.cancelled:
            text += "; cancelled before the rest"
        return text + "."

    def as_json(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "changed": self.changed,
            "moved": [{"from": old, "to": new} for old, new in self.moved],
            "removed": self.removed,
            "unchanged": self.unchanged,
            "failed": [o.as_json() for o in self.failed],
            "pending": self.pending,
            "missing_folders": self.missing_folders,
            "chunks_embedded": self.chunks_embedded,
            "cancelled": self.cancelled,
            "seconds": round(self.seconds, 3),
        }


def normalise(path: str | Path) -> Path:
    return Path(path).expanduser().resolve()


class FolderService:
    """Watched folders of one library. Use one instance per thread, like `Library`."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.store = library.store

    def folders(self) -> list[FolderRecord]:
        return folder_store.folders(self.store)

    def add(self, path: str | Path) -> FolderRecord:
        """Remember a folder (it is read by the next `sync`)."""
        folder = normalise(path)
        if not folder.exists():
            raise InputError(f"No such folder: {path}.")
        if not folder.is_dir():
            raise InputError(f"{path} is a file, not a folder; add files with `docnook index`.")
        folder_store.add_folder(self.store, str(folder))
        record = folder_store.folder(self.store, str(folder))
        assert record is not None
        return record

    def remove(self, path: str | Path, keep_documents: bool = False) -> tuple[FolderRecord, int]:
        """Stop following a folder; its documents leave the library unless `keep_documents`
        or another watched folder holds them. Returns the folder and the documents removed."""
        wanted = str(normalise(path))
        record = folder_store.folder(self.store, wanted) or folder_store.folder(
            self.store, str(Path(path).expanduser().absolute())
        )
        if record is None:
            raise InputError(f"{path} is not a watched folder (see `docnook folders`).")
        folder_store.remove_folder(self.store, record.path)
        if keep_documents:
            return record, 0
        others = [f.path for f in folder_store.folders(self.store)]
        leaving = [
            doc
            for doc in folder_store.documents_under(self.store, record.path)
            if not any(_is_under(doc.path, other) for other in others)
        ]
        return record, folder_store.remove_documents(self.store, leaving)

    def sync(
        self,
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
        settle: bool = False,
        now: float | None = None,
    ) -> SyncReport:
        """One pass over every watched folder: index what is new or changed, recognise moves
        by their bytes, and remove what is gone. With `settle` (passes that a notification
        started), files modified in the last SETTLE_SECONDS are left pending."""
        cancel = cancel or CancelToken()
        started = time.monotonic()
        report = SyncReport()
        settle_before = (time.time() if now is None else now) - SETTLE_SECONDS
        to_index: list[str] = []
        gone: dict[int, DocumentRecord] = {}
        present: list[FolderRecord] = []
        for folder in self.folders():
            root = Path(folder.path)
            if not root.is_dir():
                report.missing_folders.append(folder.path)
                folder_store.set_state(
                    self.store, folder.path, folder_store.STATE_MISSING, "The folder is not there."
                )
                continue
            present.append(folder)
            files = scan(root)
            known = {doc.path: doc for doc in folder_store.documents_under(self.store, folder.path)}
            for path, stat in files.items():
                doc = known.get(path)
                if doc is not None and (doc.size, doc.mtime_ns) == (stat.size, stat.mtime_ns):
                    report.unchanged += 1
                elif settle and stat.mtime_ns / 1e9 > settle_before:
                    report.pending.append(path)
                else:
                    to_index.append(path)
            for path, doc in known.items():
                if path not in files:
                    gone[doc.id] = doc
        # Nested watched folders list a file twice; one deleted since the scan is just gone.
        to_index = [p for p in dict.fromkeys(to_index) if os.path.isfile(p)]
        if to_index:
            index_report = self.library.index(to_index, progress=progress, cancel=cancel)
            self._count(index_report, report)
        if not report.cancelled:
            # Only now: a file that moved was matched by its bytes above and its record
            # already follows it; what is left really is gone.
            leaving = [
                doc
                for doc in gone.values()
                if (current := self.store.document(doc.id)) is not None
                and current.path == doc.path
                and not os.path.exists(doc.path)
            ]
            folder_store.remove_documents(self.store, leaving)
            report.removed = sorted(doc.path for doc in leaving)
            for folder in present:
                folder_store.set_state(self.store, folder.path, folder_store.STATE_WATCHING)
        report.seconds = time.monotonic() - started
        return report

    def add_and_sync(
        self,
        paths: Iterable[str | Path],
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
    ) -> SyncReport:
        for path in paths:
            self.add(path)
        return self.sync(progress, cancel)

    @staticmethod
    def _count(index_report: IndexReport, report: SyncReport) -> None:
        report.cancelled = index_report.cancelled
        report.outcomes = index_report.outcomes
        for outcome in index_report.outcomes:
            if outcome.action == "indexed":
                report.added.append(outcome.path)
            elif outcome.action == "updated":
                report.changed.append(outcome.path)
            elif outcome.action == "moved":
                old = (outcome.reason or "").removeprefix("moved from ")
                report.moved.append((old, outcome.path))
            elif outcome.action == "unchanged":
                report.unchanged += 1  # touched, or a copy of a file already in the library
            else:
                report.failed.append(outcome)


def _is_under(path: str, folder: str) -> bool:
    return path.startswith(folder.rstrip(os.sep) + os.sep)
