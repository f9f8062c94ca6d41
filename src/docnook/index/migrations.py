"""Schema migrations: named functions, each run once, in order, in its own transaction.

A migration is never edited once released; a change to the schema is a new function appended
to `MIGRATIONS`. The `migrations` table records which ones ran.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


def m001_library(conn: sqlite3.Connection) -> None:
    conn.executescript(
        """
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL UNIQUE,
            sha256 TEXT NOT NULL,
            title TEXT NOT NULL,
            author TEXT NOT NULL DEFAULT '',
            pages INTEGER NOT NULL DEFAULT 0,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('indexed','failed','needs-password','no-text')),
            error TEXT,
            added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
            indexed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
        );
        CREATE INDEX documents_sha256 ON documents(sha256);

        CREATE TABLE pages (
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            page_no INTEGER NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (document_id, page_no)
        ) WITHOUT ROWID;

        CREATE TABLE chunks (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            page_start INTEGER NOT NULL,
            page_end INTEGER NOT NULL,
            char_start INTEGER NOT NULL,
            char_end INTEGER NOT NULL,
            text TEXT NOT NULL
        );
        CREATE INDEX chunks_document ON chunks(document_id, seq);

        CREATE VIRTUAL TABLE chunks_fts USING fts5(
            text, content='chunks', content_rowid='id',
            tokenize='porter unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER chunks_ai AFTER INSERT ON chunks BEGIN
            INSERT INTO chunks_fts(rowid, text) VALUES (new.id, new.text);
        END;
        CREATE TRIGGER chunks_ad AFTER DELETE ON chunks BEGIN
            INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
        END;

        CREATE TABLE chunk_vectors (
            chunk_id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
            embedding BLOB NOT NULL
        );

        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta(key, value) VALUES ('generation', '0');
        """
    )


def m002_analyses(conn: sqlite3.Connection) -> None:
    """Cached summaries and sentiment. Keyed by the document's bytes (sha256), not its id, so
    a moved file keeps its analyses; and by the model's sha256 and the prompt version, so a
    new model or prompt never serves an old result."""
    conn.executescript(
        """
        CREATE TABLE analyses (
            kind TEXT NOT NULL CHECK (kind IN ('summary','sentiment')),
            document_sha256 TEXT NOT NULL,
            model_sha256 TEXT NOT NULL,
            prompt_version TEXT NOT NULL,
            result TEXT NOT NULL,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
            PRIMARY KEY (kind, document_sha256, model_sha256, prompt_version)
        ) WITHOUT ROWID;
        """
    )


def m003_chats(conn: sqlite3.Connection) -> None:
    """Chat history: questions and answers per library, each answer with its citations (JSON,
    carrying path, title and page so an old answer stays readable after its document goes)."""
    conn.executescript(
        """
        CREATE TABLE chats (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
            -- Orders chats by recency: clock times can tie within a millisecond, this cannot.
            activity INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('user','assistant')),
            text TEXT NOT NULL,
            citations TEXT NOT NULL DEFAULT '[]',
            document_ids TEXT,
            found INTEGER NOT NULL DEFAULT 1,
            stopped INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
        );
        CREATE INDEX messages_chat ON messages(chat_id, id);
        """
    )


def m004_chunk_headings(conn: sqlite3.Connection) -> None:
    """Each chunk's heading path ("2 Installing R > 2.3 Help options"), searched with its
    text: a passage often never names its subject again, its section does. The full-text
    table gains the column, so it is made anew and filled from the chunks."""
    conn.executescript(
        """
        ALTER TABLE chunks ADD COLUMN heading TEXT NOT NULL DEFAULT '';
        DROP TRIGGER chunks_ai;
        DROP TRIGGER chunks_ad;
        DROP TABLE chunks_fts;
        CREATE VIRTUAL TABLE chunks_fts USING fts5(
            text, heading, content='chunks', content_rowid='id',
            tokenize='porter unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER chunks_ai AFTER INSERT ON chunks BEGIN
            INSERT INTO chunks_fts(rowid, text, heading) VALUES (new.id, new.text, new.heading);
        END;
        CREATE TRIGGER chunks_ad AFTER DELETE ON chunks BEGIN
            INSERT INTO chunks_fts(chunks_fts, rowid, text, heading)
            VALUES ('delete', old.id, old.text, old.heading);
        END;
        INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild');
        """
    )


def m005_watched_folders(conn: sqlite3.Connection) -> None:
    """Folders the library follows (`docnook folders`, the window's folders). Their documents
    are the ones whose path lies under them; no column ties a document to a folder, so a file
    moved between two watched folders keeps its record, and an unwatched folder's documents
    need no rewrite."""
    conn.executescript(
        """
        CREATE TABLE folders (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL UNIQUE,
            state TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new','watching','missing')),
            note TEXT,
            added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
            synced_at TEXT
        );
        """
    )


def m006_cjk_pairs(conn: sqlite3.Connection) -> None:
    """Chinese, Japanese and Korean by keyword: the CJK of each chunk as character pairs
    (`index/cjk.py` says why pairs). The pairs come from a function every DocNook connection
    registers; chunks without CJK get no row. Existing chunks are filled in here."""
    conn.executescript(
        """
        CREATE VIRTUAL TABLE chunks_cjk USING fts5(text, tokenize='unicode61');
        CREATE TRIGGER chunks_cjk_ai AFTER INSERT ON chunks BEGIN
            INSERT INTO chunks_cjk(rowid, text)
            SELECT new.id, pairs FROM (SELECT docnook_cjk_pairs(new.text) AS pairs)
            WHERE pairs IS NOT NULL;
        END;
        CREATE TRIGGER chunks_cjk_ad AFTER DELETE ON chunks BEGIN
            DELETE FROM chunks_cjk WHERE rowid = old.id;
        END;
        INSERT INTO chunks_cjk(rowid, text)
            SELECT id, pairs FROM (SELECT id, docnook_cjk_pairs(text) AS pairs FROM chunks)
            WHERE pairs IS NOT NULL;
        """
    )


def m007_ocr(conn: sqlite3.Connection) -> None:
    """Scanned pages read by OCR: each document's count of them (NULL: indexed without OCR, so
    a scan indexed before OCR existed is read when indexed again), and the words OCR found on
    each such page with their boxes (JSON), so the reader marks a cited passage on the
    picture of the page."""
    conn.executescript(
        """
        ALTER TABLE documents ADD COLUMN ocr_pages INTEGER;
        CREATE TABLE ocr_words (
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            page_no INTEGER NOT NULL,
            words TEXT NOT NULL,
            PRIMARY KEY (document_id, page_no)
        ) WITHOUT ROWID;
        """
    )


def m008_sentence_vectors(conn: sqlite3.Connection) -> None:
    """Each chunk's sentences (spans in its text) and their vectors, pooled while the chunk was
    embedded (`sentence_vectors.py`), so the second stage of search reads them instead of
    running the model. Chunks indexed before have none and are scored as before."""
    conn.executescript(
        """
        CREATE TABLE sentence_vectors (
            chunk_id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
            spans BLOB NOT NULL,
            vectors BLOB NOT NULL
        );
        """
    )


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    m001_library,
    m002_analyses,
    m003_chats,
    m004_chunk_headings,
    m005_watched_folders,
    m006_cjk_pairs,
    m007_ocr,
    m008_sentence_vectors,
]
SCHEMA_VERSION = len(MIGRATIONS)
