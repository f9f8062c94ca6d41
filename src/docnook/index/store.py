"""The SQLite file: connection set-up, migrations, transactions and the document records.

One `Store` per thread: SQLite connections are not shared across threads (the one exception
is the store's own read-only full-text connection, which search runs on a helper thread, one
query at a time). Writes of one
document happen inside one `transaction()`, so a crash leaves the index with whole documents
only. WAL lets readers (search, the window) go on while a writer indexes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlean as sqlite_module

from docnook.errors import StorageError
from docnook.index import cjk, sentence_vectors
from docnook.index.migrations import MIGRATIONS

BUSY_TIMEOUT_MS = 15_000
# The files SQLite keeps beside the database (`footprint` lists and deletes them too).
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def _create_private(path: Path) -> None:
    """Create a new database file readable only by the user before SQLite opens it: SQLite
    gives its -wal, -shm and -journal files the permissions of the database file.

    Only a file that does not exist yet is opened here (O_EXCL): closing a handle on a file
    drops every POSIX lock this process holds on it, those of SQLite's other connections too.
    """
    with contextlib.suppress(OSError):  # it exists, or SQLite says what is wrong in its words
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))


@dataclass(frozen=True)
class DocumentRecord:
    id: int
    path: str
    sha256: str
    title: str
    author: str
    pages: int
    size: int
    mtime_ns: int
    status: str
    error: str | None
    added_at: str
    indexed_at: str
    ocr_pages: int | None = None  # pages read by OCR; None: indexed without OCR

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": self.path,
            "title": self.title,
            "author": self.author,
            "pages": self.pages,
            "size": self.size,
            "status": self.status,
            "error": self.error,
            "sha256": self.sha256,
            "added_at": self.added_at,
            "indexed_at": self.indexed_at,
            "ocr_pages": self.ocr_pages or 0,
        }


LOW_DISK_BYTES = 64 * 1024 * 1024  # below this, an I/O error while writing is a full disk


def _free_bytes(path: Path) -> int | None:
    try:
        return shutil.disk_usage(path.parent).free
    except OSError:
        return None


def describe_sqlite_error(exc: BaseException, path: Path) -> str:
    text = str(exc).lower()
    full = f"The disk holding {path} is full. Free some space and try again; nothing was lost."
    if "disk is full" in text or "disk full" in text:
        return full
    if "disk i/o error" in text:
        free = _free_bytes(path)
        if free is not None and free < LOW_DISK_BYTES:
            return full
        return (
            f"The index {path} could not be written: the disk reported an error (a file too "
            "large for it, a removed drive or a failing disk). Nothing already indexed was lost."
        )
    if "readonly" in text or "read-only" in text:
        return f"The index {path} is read-only. Check the folder's permissions."
    if "locked" in text or "busy" in text:
        return "The index is busy in another DocNook window or process. Try again in a moment."
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return f"The index {path} is damaged. Move it aside and re-index your documents."
    if "unable to open" in text:
        return f"The index {path} cannot be opened. Check that its folder exists and is writable."
    return f"The index {path} could not be used: {exc}."


@contextlib.contextmanager
def storage_errors(path: Path) -> Iterator[None]:
    """Turn SQLite's failures into sentences the person can act on."""
    try:
        yield
    except sqlite3.Error as exc:
        raise StorageError(describe_sqlite_error(exc, path)) from exc
    except sqlite_module.Error as exc:  # sqlean raises its own error classes
        raise StorageError(describe_sqlite_error(exc, path)) from exc


class Store:
    def __init__(self, path: Path) -> None:
        self.path = path
        _create_private(path)
        with storage_errors(path):
            self.conn = sqlite_module.connect(
                str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
            )
            self.conn.row_factory = sqlite_module.Row
            # The CJK index's trigger calls this (index/cjk.py); every connection needs it.
            self.conn.create_function(cjk.SQL_FUNCTION, 1, cjk.pair_text, deterministic=True)
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        self._keyword_conn: Any = None
        self._keyword_lock = threading.RLock()  # RLock: a snapshot holds it across queries
        for suffix in ("", *SQLITE_COMPANIONS):  # files made before they were private
            with contextlib.suppress(OSError):
                Path(f"{path}{suffix}").chmod(0o600)

    # -- plumbing -------------------------------------------------------------------------

    def close(self) -> None:
        with self._keyword_lock:
            if self._keyword_conn is not None:
                self._keyword_conn.close()
                self._keyword_conn = None
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; it commits whole or not at all."""
        with storage_errors(self.path):
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def query(self, sql: str, params: Any = ()) -> list[Any]:
        with storage_errors(self.path):
            return self.conn.execute(sql, params).fetchall()

    def _migrate(self) -> None:
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT "
            "NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')))"
        )
        done = {row[0] for row in self.conn.execute("SELECT name FROM migrations")}
        if not set(m.__name__ for m in MIGRATIONS) >= done:
            raise StorageError(
                f"The index {self.path} was written by a newer DocNook. Update DocNook to open it."
            )
        for migration in MIGRATIONS:
            if migration.__name__ in done:
                continue
            with self.transaction() as conn:
                # executescript would commit the open transaction, so run statement by statement
                migration(_NoCommitConnection(conn))
                conn.execute("INSERT INTO migrations(name) VALUES (?)", (migration.__name__,))

    @property
    def schema_version(self) -> int:
        return self.query("SELECT count(*) FROM migrations")[0][0]

    def generation(self) -> int:
        """Bumped by every write of chunks, so caches of vectors know when to reload."""
        return int(self.query("SELECT value FROM meta WHERE key='generation'")[0][0])

    @staticmethod
    def bump_generation(conn: sqlite3.Connection) -> None:
        conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key='generation'")

    # -- documents ------------------------------------------------------------------------

    def documents(self) -> list[DocumentRecord]:
        rows = self.query(f"SELECT {_DOC_COLUMNS} FROM documents ORDER BY id")
        return [DocumentRecord(*row) for row in rows]

    def document(self, doc_id: int) -> DocumentRecord | None:
        rows = self.query(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ?", (doc_id,))
        return DocumentRecord(*rows[0]) if rows else None

    def document_by_path(self, path: str) -> DocumentRecord | None:
        rows = self.query(f"SELECT {_DOC_COLUMNS} FROM documents WHERE path = ?", (path,))
        return DocumentRecord(*rows[0]) if rows else None

    def documents_by_sha(self, sha256: str) -> list[DocumentRecord]:
        rows = self.query(f"SELECT {_DOC_COLUMNS} FROM documents WHERE sha256 = ?", (sha256,))
        return [DocumentRecord(*row) for row in rows]

    def page_texts(self, doc_id: int) -> list[str]:
        rows = self.query(
            "SELECT text FROM pages WHERE document_id = ? ORDER BY page_no", (doc_id,)
        )
        return [row[0] for row in rows]

    def page_text(self, doc_id: int, page_no: int) -> str | None:
        rows = self.query(
            "SELECT text FROM pages WHERE document_id = ? AND page_no = ?", (doc_id, page_no)
        )
        return rows[0][0] if rows else None

    def chunk_count(self, doc_id: int | None = None) -> int:
        if doc_id is None:
            return self.query("SELECT count(*) FROM chunks")[0][0]
        return self.query("SELECT count(*) FROM chunks WHERE document_id = ?", (doc_id,))[0][0]

    # -- search ---------------------------------------------------------------------------

    def keyword_scored(
        self,
        expression: str,
        limit: int,
        document_ids: list[int] | None = None,
        table: str = "chunks_fts",
    ) -> list[tuple[int, float]]:
        """(chunk id, `bm25()`) of the chunks matching an FTS5 expression, best (lowest)
        first, in `chunks_fts` or (for Chinese, Japanese and Korean, see index/cjk.py)
        `chunks_cjk`. Ties go by id, so two expressions that score alike list alike."""
        if table not in ("chunks_fts", "chunks_cjk"):
            raise ValueError(f"no full-text table {table!r}")
        # The join to `chunks` is only for the document filter: without one, the full-text
        # index answers alone (a third of a warm search's time at 100,000 chunks).
        sql = f"SELECT {table}.rowid, bm25({table}) FROM {table} WHERE {table} MATCH ?"
        params: list[Any] = [expression]
        if document_ids:
            sql = (
                f"SELECT {table}.rowid, bm25({table}) FROM {table} "
                f"JOIN chunks c ON c.id = {table}.rowid WHERE {table} MATCH ? "
                f"AND c.document_id IN ({','.join('?' * len(document_ids))})"
            )
            params.extend(document_ids)
        sql += f" ORDER BY bm25({table}), {table}.rowid LIMIT ?"
        params.append(limit)
        return [(row[0], row[1]) for row in self._keyword_query(sql, params)]

    def phrase_counts(self, phrases: Sequence[str]) -> tuple[int, list[int]]:
        """The number of chunks, and of chunks in `chunks_fts` holding each FTS5 phrase: the
        N and n of BM25's IDF (`index/keywords.py`). Counting reads no positions and scores
        nothing, so it costs a small part of ranking the same rows."""
        # The triggers keep one full-text row per chunk, so this is FTS5's own row count.
        rows = self._keyword_query("SELECT count(*) FROM chunks", [])[0][0]
        sql = "SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?"
        return rows, [self._keyword_query(sql, [phrase])[0][0] for phrase in phrases]

    @contextlib.contextmanager
    def keyword_snapshot(self) -> Iterator[None]:
        """The keyword queries inside see one state of the index: the counts that bound a
        score and the scores they bound come from the same chunks while indexing writes."""
        with self._keyword_lock:
            self._keyword_query("BEGIN", [])
            try:
                yield
            finally:
                self._keyword_query("COMMIT", [])  # a read transaction: nothing to keep

    def _keyword_query(self, sql: str, params: list[Any]) -> list[Any]:
        # Its own read-only connection, so that search can run the keyword half on a helper
        # thread while the question is embedded and the vectors scored (WAL: it waits for no
        # writer).
        with self._keyword_lock, storage_errors(self.path):
            if self._keyword_conn is None:
                self._keyword_conn = sqlite_module.connect(
                    str(self.path),
                    isolation_level=None,
                    timeout=BUSY_TIMEOUT_MS / 1000,
                    check_same_thread=False,
                )
                self._keyword_conn.execute("PRAGMA query_only = ON")
            return self._keyword_conn.execute(sql, params).fetchall()

    def absent_words(self, words: list[str], document_ids: list[int] | None = None) -> list[str]:
        """Those of `words` that no chunk holds (of `document_ids` only, when given), neither
        as the word (FTS5's Porter stemmer takes care of "fits", "fitted") nor as the start of
        a longer one (DocNook's own stem as a prefix: "optimise" finds "optimize")."""
        from docnook.text import stem

        sql = "SELECT 1 FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid "
        sql += "WHERE chunks_fts MATCH ?"
        if document_ids:
            sql += f" AND c.document_id IN ({','.join('?' * len(document_ids))})"
        sql += " LIMIT 1"
        absent = []
        for word in words:
            clean = word.replace('"', "")
            found = any(
                self.query(sql, [expression, *(document_ids or [])])
                for expression in (f'"{clean}"', f'"{stem(clean)}"*')
            )
            if not found:
                absent.append(word)
        return absent

    def chunk_rows(self, chunk_ids: list[int]) -> list[ChunkRow]:
        """The chunks with these ids (any order), with their document's path and title."""
        if not chunk_ids:
            return []
        rows = self.query(
            "SELECT c.id, c.document_id, d.path, d.title, c.seq, c.page_start, c.page_end, "
            "c.char_start, c.char_end, c.text FROM chunks c "
            "JOIN documents d ON d.id = c.document_id "
            f"WHERE c.id IN ({','.join('?' * len(chunk_ids))})",
            chunk_ids,
        )
        return [ChunkRow(*row) for row in rows]

    def neighbour_chunks(self, document_id: int, seqs: list[int]) -> list[ChunkRow]:
        """Chunks of one document by their sequence numbers."""
        if not seqs:
            return []
        rows = self.query(
            "SELECT c.id, c.document_id, d.path, d.title, c.seq, c.page_start, c.page_end, "
            "c.char_start, c.char_end, c.text FROM chunks c "
            "JOIN documents d ON d.id = c.document_id "
            f"WHERE c.document_id = ? AND c.seq IN ({','.join('?' * len(seqs))})",
            [document_id, *seqs],
        )
        return [ChunkRow(*row) for row in rows]

    def chunk_layout(self, document_id: int) -> list[tuple[int, int, str | None, bytes | None]]:
        """Each chunk of a document in order: its span in the joined text, its heading and its
        vector's bytes (None where it was never embedded)."""
        return self.query(
            "SELECT c.char_start, c.char_end, c.heading, v.embedding FROM chunks c "
            "LEFT JOIN chunk_vectors v ON v.chunk_id = c.id WHERE c.document_id = ? "
            "ORDER BY c.seq",
            (document_id,),
        )

    def sentence_vectors(self, chunk_ids: list[int]) -> dict[int, tuple[Any, Any]]:
        """Stored sentence spans and vectors of these chunks (`sentence_vectors.read`)."""
        with storage_errors(self.path):
            return sentence_vectors.read(self.conn, chunk_ids)

    def page_starts(self, document_id: int) -> list[int]:
        """Where each page starts in the document's pages joined by the chunker's separator
        (two characters): chunk character offsets count in that text."""
        rows = self.query(
            "SELECT length(text) FROM pages WHERE document_id = ? ORDER BY page_no",
            (document_id,),
        )
        starts, offset = [], 0
        for (length,) in rows:
            starts.append(offset)
            offset += length + 2
        return starts

    def document_chunk_texts(self, document_id: int) -> list[str]:
        rows = self.query(
            "SELECT text FROM chunks WHERE document_id = ? ORDER BY seq", (document_id,)
        )
        return [row[0] for row in rows]

    def page_range_texts(self, document_id: int, first: int, last: int) -> list[tuple[int, str]]:
        return [
            (row[0], row[1])
            for row in self.query(
                "SELECT page_no, text FROM pages WHERE document_id = ? AND page_no BETWEEN ? "
                "AND ? ORDER BY page_no",
                (document_id, first, last),
            )
        ]

    def remove_document(self, doc_id: int) -> bool:
        with self.transaction() as conn:
            removed = conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,)).rowcount
            self.bump_generation(conn)
        return bool(removed)


@dataclass(frozen=True)
class ChunkRow:
    id: int
    document_id: int
    path: str
    title: str
    seq: int
    page_start: int
    page_end: int
    char_start: int
    char_end: int
    text: str


_DOC_COLUMNS = (
    "id, path, sha256, title, author, pages, size, mtime_ns, status, error, added_at, indexed_at, "
    "ocr_pages"
)


class _NoCommitConnection:
    """Lets a migration use `executescript`-style text without committing mid-transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def executescript(self, script: str) -> None:
        for statement in _split_sql(script):
            self._conn.execute(statement)

    def execute(self, sql: str, params: Any = ()) -> Any:
        return self._conn.execute(sql, params)


def _split_sql(script: str) -> list[str]:
    """Statements of a script, keeping trigger bodies (which hold `;`) whole."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        candidate = buffer.strip()
        if candidate.endswith(";") and sqlite_module.complete_statement(candidate):
            statements.append(candidate)
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
