"""Writing an indexed document: its record, pages, chunks and vectors, in the caller's
transaction. The SQL of indexing lives here, with the schema's other owners in `index/`, so
the library service only decides *what* to write (new, updated, moved, touched)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from docnook.index import sentence_vectors
from docnook.index.vectors import to_blob
from docnook.ingest.chunker import Chunk


@dataclass(frozen=True)
class DocumentFields:
    sha256: str
    title: str
    author: str
    pages: int
    size: int
    mtime_ns: int
    status: str
    error: str | None

    def values(self) -> tuple:
        return (
            self.sha256,
            self.title,
            self.author,
            self.pages,
            self.size,
            self.mtime_ns,
            self.status,
            self.error,
        )


def replace_document(conn: sqlite3.Connection, doc_id: int, fields: DocumentFields) -> None:
    """Clear a document's pages and chunks (their vectors and FTS rows go by trigger and
    cascade) and update its record, keeping its id: summaries and chats still point at it."""
    conn.execute("DELETE FROM chunks WHERE document_id = ?", (doc_id,))
    conn.execute("DELETE FROM pages WHERE document_id = ?", (doc_id,))
    conn.execute(
        "UPDATE documents SET sha256=?, title=?, author=?, pages=?, size=?, "
        "mtime_ns=?, status=?, error=?, "
        "indexed_at=strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id=?",
        (*fields.values(), doc_id),
    )


def insert_document(conn: sqlite3.Connection, path: str, fields: DocumentFields) -> int:
    cursor = conn.execute(
        "INSERT INTO documents (sha256, title, author, pages, size, mtime_ns, "
        "status, error, path) VALUES (?,?,?,?,?,?,?,?,?)",
        (*fields.values(), path),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def write_content(
    conn: sqlite3.Connection,
    doc_id: int,
    pages: Sequence[str],
    chunks: Sequence[Chunk],
    vectors: np.ndarray | None,
    sentences: tuple[Sequence[sentence_vectors.Spans], Sequence[np.ndarray]] | None = None,
) -> None:
    """A document's page texts, its chunks and (when embedded) one vector per chunk, and
    where given each chunk's sentence spans and their vectors."""
    conn.executemany(
        "INSERT INTO pages (document_id, page_no, text) VALUES (?,?,?)",
        [(doc_id, n, text) for n, text in enumerate(pages, start=1)],
    )
    conn.executemany(
        "INSERT INTO chunks (document_id, seq, page_start, page_end, char_start, "
        "char_end, text, heading) VALUES (?,?,?,?,?,?,?,?)",
        [
            (doc_id, c.seq, c.page_start, c.page_end, c.char_start, c.char_end, c.text, c.heading)
            for c in chunks
        ],
    )
    if vectors is None:
        return
    chunk_ids = [
        row[0]
        for row in conn.execute(
            "SELECT id FROM chunks WHERE document_id = ? ORDER BY seq", (doc_id,)
        )
    ]
    conn.executemany(
        "INSERT INTO chunk_vectors (chunk_id, embedding) VALUES (?, ?)",
        [(cid, to_blob(vec)) for cid, vec in zip(chunk_ids, vectors, strict=True)],
    )
    if sentences is not None:
        sentence_vectors.write(conn, chunk_ids, *sentences)


def move_document(
    conn: sqlite3.Connection, doc_id: int, path: str, size: int, mtime_ns: int
) -> None:
    """The file now lives at `path`: its record, chunks and analyses follow it, and a record
    left at that path by an older file goes."""
    conn.execute("DELETE FROM documents WHERE path = ? AND id != ?", (path, doc_id))
    conn.execute(
        "UPDATE documents SET path = ?, size = ?, mtime_ns = ? WHERE id = ?",
        (path, size, mtime_ns, doc_id),
    )


def touch_document(conn: sqlite3.Connection, doc_id: int, size: int, mtime_ns: int) -> None:
    """Same bytes, new size or time on disk (copied, touched): remembered for the quick scan."""
    conn.execute(
        "UPDATE documents SET size = ?, mtime_ns = ? WHERE id = ?", (size, mtime_ns, doc_id)
    )
