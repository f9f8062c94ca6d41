"""What "the index holds only whole documents" means, checked on the SQLite file itself.

Opened the way DocNook opens it after a crash (read-write, so SQLite recovers from the WAL as
the next start would), with no DocNook code in between: the checks read the tables.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import sqlean

EMBEDDING_BYTES = 384 * 4


@dataclass
class IndexState:
    documents: dict[str, str] = field(default_factory=dict)  # path -> status
    chunks: int = 0
    analyses: int = 0
    problems: list[str] = field(default_factory=list)

    def indexed(self) -> set[str]:
        return {path for path, status in self.documents.items() if status == "indexed"}


def check_index(path: Path) -> IndexState:
    """The documents in the index at `path`, and every way it falls short of whole ones."""
    state = IndexState()
    if not path.exists():
        return state
    conn = sqlean.connect(str(path), timeout=30)
    try:
        _check(conn, state)
    finally:
        conn.close()
    return state


def page_texts(path: Path, document_id: int) -> list[str]:
    conn = sqlean.connect(str(path), timeout=30)
    try:
        rows = conn.execute(
            "SELECT text FROM pages WHERE document_id = ? ORDER BY page_no", (document_id,)
        ).fetchall()
    finally:
        conn.close()
    return [row[0] for row in rows]


def _check(conn, state: IndexState) -> None:
    problems = state.problems
    integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    if integrity != ["ok"]:
        problems.append(f"integrity_check: {integrity[:5]}")
        return
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    if "documents" not in tables:
        return  # killed before the first migration committed: an empty index, as it should be
    conn.execute("BEGIN")  # one snapshot for every check, even while another process writes
    try:
        _check_snapshot(conn, state)
    finally:
        conn.execute("ROLLBACK")
    if state.problems:
        return
    try:
        conn.execute("INSERT INTO chunks_fts(chunks_fts, rank) VALUES ('integrity-check', 1)")
    except sqlean.Error as exc:
        problems.append(f"full-text index out of step with the chunks: {exc}")


def _check_snapshot(conn, state: IndexState) -> None:
    problems = state.problems
    dangling = conn.execute("PRAGMA foreign_key_check").fetchall()
    if dangling:
        problems.append(f"rows whose document is gone: {dangling[:5]}")
    for doc_id, doc_path, status, pages, error in conn.execute(
        "SELECT id, path, status, pages, error FROM documents"
    ).fetchall():
        state.documents[doc_path] = status
        stored_pages = conn.execute(
            "SELECT count(*), min(page_no), max(page_no) FROM pages WHERE document_id = ?",
            (doc_id,),
        ).fetchone()
        chunk_rows = conn.execute(
            "SELECT c.seq, c.page_start, c.page_end, length(v.embedding) FROM chunks c "
            "LEFT JOIN chunk_vectors v ON v.chunk_id = c.id WHERE c.document_id = ? "
            "ORDER BY c.seq",
            (doc_id,),
        ).fetchall()
        state.chunks += len(chunk_rows)
        name = Path(doc_path).name
        if status != "indexed":
            if stored_pages[0] or chunk_rows:
                problems.append(f"{name} is {status} but has pages or chunks")
            if not error:
                problems.append(f"{name} is {status} with no reason given")
            continue
        if tuple(stored_pages) != (pages, 1, pages):
            problems.append(f"{name}: {pages} pages recorded, {tuple(stored_pages)} stored")
        if not chunk_rows:
            problems.append(f"{name} is indexed with no chunks")
        if [row[0] for row in chunk_rows] != list(range(len(chunk_rows))):
            problems.append(f"{name}: chunks are not numbered 0..{len(chunk_rows) - 1}")
        for seq, first, last, vector in chunk_rows:
            if not 1 <= first <= last <= pages:
                problems.append(f"{name}: chunk {seq} spans pages {first}-{last} of {pages}")
            if vector != EMBEDDING_BYTES:
                problems.append(f"{name}: chunk {seq} has no whole embedding")
    fts_rows = conn.execute("SELECT count(*) FROM chunks_fts_docsize").fetchone()[0]
    if fts_rows != state.chunks:
        problems.append(f"{fts_rows} full-text rows for {state.chunks} chunks")
    orphans = conn.execute(
        "SELECT count(*) FROM chunk_vectors WHERE chunk_id NOT IN (SELECT id FROM chunks)"
    ).fetchone()[0]
    if orphans:
        problems.append(f"{orphans} embeddings without a chunk")
    for kind, result in conn.execute("SELECT kind, result FROM analyses").fetchall():
        state.analyses += 1
        for why in _half_analysis(kind, result):
            problems.append(f"a cached {kind} is not whole: {why}")


def _half_analysis(kind: str, result: str) -> list[str]:
    try:
        value = json.loads(result)
    except ValueError:
        return ["not JSON"]
    if kind == "summary":
        summary = value.get("summary") if isinstance(value, dict) else None
        return [] if isinstance(summary, str) and summary.strip() else ["no summary text"]
    if kind == "sentiment":
        ok = isinstance(value, dict) and value.get("label") and isinstance(value.get("pages"), list)
        return [] if ok else ["no label or pages"]
    return [f"unknown kind {kind}"]
