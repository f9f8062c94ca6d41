"""Finding document files under a folder by their names and stat alone: nothing is opened.

Light on purpose (no PyMuPDF, no models): the window's watcher walks folders with it on the
GUI thread, and a sync of an unchanged library is this walk plus one query.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from docnook.ingest.suffixes import DOCUMENT_SUFFIXES

# A file modified less than this long ago may still be being written (a download, a copy):
# a sync leaves it for the next pass, which the window schedules, instead of reading half.
SETTLE_SECONDS = 2.0


@dataclass(frozen=True)
class FileStat:
    size: int
    mtime_ns: int


def is_hidden(name: str) -> bool:
    # Hidden files, and office suites' lock and temporary files (~$report.docx, .~lock.x#).
    return name.startswith((".", "~$"))


def scan(folder: Path) -> dict[str, FileStat]:
    """Every document file under `folder` (recursively; hidden ones and links to folders
    skipped) with its size and modification time."""
    found: dict[str, FileStat] = {}
    pending = [str(folder)]
    while pending:
        directory = pending.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue  # unreadable or vanished meanwhile: its files stay as they were
        for entry in entries:
            if is_hidden(entry.name):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                elif os.path.splitext(entry.name)[1].lower() in DOCUMENT_SUFFIXES:
                    stat = entry.stat()
                    found[entry.path] = FileStat(stat.st_size, stat.st_mtime_ns)
            except OSError:
                continue
    return found
