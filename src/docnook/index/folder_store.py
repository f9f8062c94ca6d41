"""The watched folders' rows, and the document queries a folder sync needs.

Kept beside `store.py` rather than in it: the folder service (`docnook.folders`) is the only
user, and these are plain functions over a `Store` so the store class stays about documents.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import Any

from docnook.index.store import DocumentRecord, Store

# The documents table's columns in DocumentRecord's order.
_DOC_COLUMNS = ", ".join(field.name for field in dataclasses.fields(DocumentRecord))

STATE_NEW = "new"  # remembered, not yet read
STATE_WATCHING = "watching"  # read, and followed
STATE_MISSING = "missing"  # the folder was not there at the last look: its documents are kept


@dataclass(frozen=True)
class FolderRecord:
    id: int
    path: str
    state: str
    note: str | None
    added_at: str
    synced_at: str | None
    documents: int  # documents in the library whose file lies under the folder

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": self.path,
            "state": self.state,
            "note": self.note,
            "documents": self.documents,
            "added_at": self.added_at,
            "synced_at": self.synced_at,
        }


def _prefix(path: str) -> str:
    return path.rstrip(os.sep) + os.sep


def _under_clause() -> str:
    # substr, not LIKE: a folder name may hold % or _, and LIKE ignores case for ASCII.
    return "substr(path, 1, length(?)) = ?"


def folders(store: Store) -> list[FolderRecord]:
    rows = store.query(
        "SELECT id, path, state, note, added_at, synced_at FROM folders ORDER BY path"
    )
    return [FolderRecord(*row, documents=count_documents_under(store, row[1])) for row in rows]


def folder(store: Store, path: str) -> FolderRecord | None:
    return next((f for f in folders(store) if f.path == path), None)


def add_folder(store: Store, path: str) -> bool:
    """Remember `path`; False when it was already watched."""
    with store.transaction() as conn:
        cursor = conn.execute("INSERT OR IGNORE INTO folders(path) VALUES (?)", (path,))
        return cursor.rowcount > 0


def remove_folder(store: Store, path: str) -> bool:
    with store.transaction() as conn:
        return conn.execute("DELETE FROM folders WHERE path = ?", (path,)).rowcount > 0


def set_state(store: Store, path: str, state: str, note: str | None = None) -> None:
    with store.transaction() as conn:
        conn.execute(
            "UPDATE folders SET state = ?, note = ?, "
            "synced_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE path = ?",
            (state, note, path),
        )


def count_documents_under(store: Store, path: str) -> int:
    prefix = _prefix(path)
    return store.query(f"SELECT count(*) FROM documents WHERE {_under_clause()}", (prefix, prefix))[
        0
    ][0]


def documents_under(store: Store, path: str) -> list[DocumentRecord]:
    prefix = _prefix(path)
    rows = store.query(
        f"SELECT {_DOC_COLUMNS} FROM documents WHERE {_under_clause()}", (prefix, prefix)
    )
    return [DocumentRecord(*row) for row in rows]


def remove_documents(store: Store, records: list[DocumentRecord]) -> int:
    """Remove documents whose files are gone, with the summaries and sentiment cached for
    their bytes unless another document still holds the same bytes. One transaction."""
    if not records:
        return 0
    removed = 0
    with store.transaction() as conn:
        for record in records:
            removed += conn.execute(
                "DELETE FROM documents WHERE id = ? AND path = ?", (record.id, record.path)
            ).rowcount
            conn.execute(
                "DELETE FROM analyses WHERE document_sha256 = ? AND NOT EXISTS "
                "(SELECT 1 FROM documents WHERE sha256 = ?)",
                (record.sha256, record.sha256),
            )
        Store.bump_generation(conn)
    return removed
