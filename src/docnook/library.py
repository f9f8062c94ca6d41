"""The library service: index PDFs and folders, list and remove documents, search them.

Plain Python with callbacks: the CLI wraps it in a progress bar, the window in a worker thread.
Indexing is a two-stage pipeline: a reader thread hashes, reads and chunks the next file while
this thread embeds the current one, because embedding is what takes the time on a CPU.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from docnook import paths
from docnook.errors import Cancelled, InputError
from docnook.hashing import sha256_file
from docnook.index import search as search_module
from docnook.index.embedder import MAX_TOKENS, Embedder, shared_embedder
from docnook.index.store import DocumentRecord, Store
from docnook.index.vectors import to_blob
from docnook.indexing_report import FileOutcome, IndexProgress, IndexReport
from docnook.ingest import formats, pdf
from docnook.ingest.chunker import Chunk, chunk_pages, with_headings
from docnook.ingest.layout import strip_running_lines
from docnook.ingest.suffixes import DOCUMENT_SUFFIXES
from docnook.jobs import CancelToken, ProgressCallback, no_progress

__all__ = ["FileOutcome", "IndexProgress", "IndexReport", "Library", "find_pdfs"]

OVERLAP_TOKENS = 40
log = logging.getLogger(__name__)
_READ_AHEAD = 2  # prepared documents waiting for the embedder: bounds memory on big batches


@dataclass
class _Prepared:
    """A file read and chunked by the reader thread, waiting to be embedded and written."""

    path: str
    sha256: str
    size: int
    mtime_ns: int
    skip: FileOutcome | None = None  # decided without reading: unchanged or moved
    status: str = pdf.STATUS_INDEXED
    error: str | None = None
    title: str = ""
    author: str = ""
    pages: list[str] = field(default_factory=list)
    page_count: int = 0
    chunks: list[Chunk] = field(default_factory=list)


def find_pdfs(targets: Iterable[str | Path]) -> list[Path]:
    """The PDFs named or found (recursively) under `targets`, each once, in a stable order."""
    found: dict[str, Path] = {}
    missing = []
    for target in targets:
        path = Path(target).expanduser()
        if not path.exists():
            missing.append(str(target))
            continue
        path = path.resolve()
        if path.is_dir():
            for candidate in sorted(path.rglob("*")):
                if candidate.suffix.lower() in DOCUMENT_SUFFIXES and candidate.is_file():
                    found.setdefault(str(candidate), candidate)
        else:
            found.setdefault(str(path), path)  # named explicitly: tried even if not .pdf
    if missing:
        raise InputError("No such file or folder: " + ", ".join(missing) + ".")
    if not found:
        names = ", ".join(str(t) for t in targets)
        raise InputError(
            f"No documents found in {names}: DocNook reads PDF, EPUB, XPS, FB2, MOBI, CBZ, "
            "Word (.docx), text and Markdown files."
        )
    return list(found.values())


class Library:
    """The documents in one data directory. Use one instance per thread."""

    def __init__(self, data_dir: Path | None = None, embedder: Embedder | None = None) -> None:
        self.data_dir = paths.ensure_private_dir(data_dir or paths.data_dir())
        self.store = Store(paths.index_path(self.data_dir))
        self._embedder = embedder

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = shared_embedder()
        return self._embedder

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading the library ---------------------------------------------------------------

    def documents(self) -> list[DocumentRecord]:
        return self.store.documents()

    def resolve(self, ref: str | int) -> DocumentRecord:
        """A document by id or by path."""
        text = str(ref).strip()
        if text.isdigit():
            record = self.store.document(int(text))
            if record:
                return record
        record = self.store.document_by_path(str(Path(text).expanduser().resolve()))
        if record is None:
            raise InputError(f"No document {text!r} in the library (see `docnook docs`).")
        return record

    def remove(self, ref: str | int) -> DocumentRecord:
        record = self.resolve(ref)
        self.store.remove_document(record.id)
        return record

    def search(
        self,
        query: str,
        k: int = 5,
        document_ids: list[int] | None = None,
        mode: str = "hybrid",
        second_stage: bool = True,
    ) -> list[search_module.SearchHit]:
        """The `k` best places for `query`, each with its sentences scored and the page its
        best sentence is on (see `index/search.py` for the stages)."""
        return search_module.search(
            self.store, self.embedder.embed, query, k, document_ids, mode, second_stage
        )

    def absent_words(self, words: list[str], document_ids: list[int] | None = None) -> list[str]:
        """Those of `words` that no passage of the library (or of `document_ids`) holds."""
        return self.store.absent_words(words, document_ids)

    def page_texts(self, document_id: int, first: int, last: int) -> list[tuple[int, str]]:
        return self.store.page_range_texts(document_id, first, last)

    def chunk_texts(self, document_id: int) -> list[str]:
        return self.store.document_chunk_texts(document_id)

    # -- indexing --------------------------------------------------------------------------

    def index(
        self,
        targets: Iterable[str | Path],
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
        password: str | None = None,
    ) -> IndexReport:
        """Index the PDFs under `targets`. Each document is committed whole; on cancel, those
        finished stay and the report says the job was cancelled."""
        cancel = cancel or CancelToken()
        started = time.monotonic()
        files = find_pdfs(targets)
        report = IndexReport()
        page_totals = {str(f): self._pages_to_do(f, password) for f in files}
        pages_total = sum(page_totals.values())
        pages_done = 0.0

        def emit(files_done: int, current: str | None, pages: float) -> None:
            progress(
                IndexProgress(
                    files_done,
                    len(files),
                    pages,
                    pages_total,
                    current,
                    time.monotonic() - started,
                )
            )

        emit(0, str(files[0]), 0)
        prepared_queue: queue.Queue[_Prepared | BaseException | None] = queue.Queue(_READ_AHEAD)
        stop = threading.Event()
        reader = threading.Thread(
            target=self._read_files,
            args=(files, password, prepared_queue, stop),
            name="docnook-reader",
            daemon=True,
        )
        reader.start()
        try:
            for done_files in range(len(files)):
                item = prepared_queue.get()
                if isinstance(item, BaseException):
                    raise item
                assert item is not None
                cancel.raise_if_cancelled()
                outcome = self._store_prepared(
                    item,
                    cancel,
                    self._chunk_progress(
                        emit, done_files, item.path, pages_done, page_totals.get(item.path, 0)
                    ),
                )
                report.outcomes.append(outcome)
                pages_done += page_totals.get(item.path, 0)
                emit(done_files + 1, item.path, pages_done)
        except Cancelled:
            report.cancelled = True
        finally:
            stop.set()
            while reader.is_alive():  # drain so a reader blocked on a full queue can exit
                with contextlib.suppress(queue.Empty):
                    prepared_queue.get(timeout=0.05)
            reader.join()
        report.seconds = time.monotonic() - started
        return report

    @staticmethod
    def _chunk_progress(
        emit: Callable[[int, str | None, float], None],
        files_done: int,
        path: str,
        pages_before: float,
        pages: int,
    ) -> Callable[[int, int], None]:
        """Pages advance while a document's chunks are embedded, since that is the slow part."""

        def on_chunks(done: int, total: int) -> None:
            emit(files_done, path, pages_before + pages * done / max(total, 1))

        return on_chunks

    def _pages_to_do(self, path: Path, password: str | None) -> int:
        record = self.store.document_by_path(str(path))
        try:
            stat = path.stat()
        except OSError:
            return 0
        if record and record.size == stat.st_size and record.mtime_ns == stat.st_mtime_ns:
            return 0
        return formats.page_count(path, password)

    def _read_files(
        self,
        files: list[Path],
        password: str | None,
        out: queue.Queue,
        stop: threading.Event,
    ) -> None:
        """The reader thread: hash, decide, read and chunk each file, in order."""
        try:
            with Store(self.store.path) as store:
                for path in files:
                    if stop.is_set():
                        return
                    item = self._prepare(store, path, password)
                    while not stop.is_set():
                        try:
                            out.put(item, timeout=0.1)
                            break
                        except queue.Full:
                            continue
        except BaseException as exc:  # handed to the indexing thread, which raises it
            out.put(exc)

    def _prepare(self, store: Store, path: Path, password: str | None) -> _Prepared:
        key = str(path)
        try:
            stat = path.stat()
            sha = sha256_file(path)
        except OSError as exc:
            item = _Prepared(key, "", 0, 0, status=pdf.STATUS_FAILED)
            item.error = f"The file cannot be read: {exc.strerror or exc}."
            return item
        item = _Prepared(key, sha, stat.st_size, stat.st_mtime_ns)
        item.skip = self._unchanged_or_moved(store, item, password)
        if item.skip is not None:
            return item
        try:
            text = formats.read_document(path, password)
        except pdf.PdfProblem as problem:
            item.status, item.error = problem.status, problem.message
            return item
        except Exception as exc:  # a file no known failure covers: a bug, but only this file's
            log.exception("reading %s failed unexpectedly", path)
            item.status = pdf.STATUS_FAILED
            item.error = f"DocNook could not read this PDF ({type(exc).__name__})."
            return item
        item.title, item.author = text.title, text.author
        item.error = pdf.damage_note(text.damaged_pages, text.page_count)
        # Running headers and page numbers would join every page's first and last sentences.
        item.pages, item.page_count = strip_running_lines(text.pages), text.page_count
        item.chunks = with_headings(
            item.pages,
            chunk_pages(item.pages, self.embedder.token_spans, MAX_TOKENS, OVERLAP_TOKENS),
        )
        return item

    @staticmethod
    def _unchanged_or_moved(
        store: Store, item: _Prepared, password: str | None
    ) -> FileOutcome | None:
        """An outcome when the bytes are already in the library, so nothing needs reading."""
        by_path = store.document_by_path(item.path)
        if by_path and by_path.sha256 == item.sha256:
            if password and by_path.status == pdf.STATUS_NEEDS_PASSWORD:
                return None  # a password now: read it this time
            return FileOutcome(item.path, "unchanged", by_path.id, pages=by_path.pages)
        for same in store.documents_by_sha(item.sha256):
            if same.path == item.path:
                continue
            if password and same.status == pdf.STATUS_NEEDS_PASSWORD:
                continue
            if not Path(same.path).exists():
                return FileOutcome(
                    item.path, "moved", same.id, f"moved from {same.path}", same.pages
                )
            return FileOutcome(
                item.path, "unchanged", same.id, f"same file as {same.path}", same.pages
            )
        return None

    def _store_prepared(
        self,
        item: _Prepared,
        cancel: CancelToken,
        on_chunks: Callable[[int, int], None],
    ) -> FileOutcome:
        if item.skip is not None:
            return self._apply_skip(item)
        vectors = None
        if item.status == pdf.STATUS_INDEXED and item.chunks:
            # The heading path goes into the vector too: "It defaults to 7" is about the
            # section's subject, which the heading names.
            texts = [f"{c.heading}\n{c.text}" if c.heading else c.text for c in item.chunks]
            vectors = self.embedder.embed(texts, cancel, lambda n: on_chunks(n, len(texts)))
        cancel.raise_if_cancelled()
        with self.store.transaction() as conn:
            existing = self.store.document_by_path(item.path)
            if (
                existing is not None
                and existing.sha256 == item.sha256
                and existing.status == item.status == pdf.STATUS_INDEXED
            ):
                # Another DocNook process indexed these very bytes since this one looked.
                return FileOutcome(item.path, "unchanged", existing.id, pages=existing.pages)
            values = (
                item.sha256,
                item.title or Path(item.path).stem,
                item.author,
                item.page_count,
                item.size,
                item.mtime_ns,
                item.status,
                item.error,
            )
            if existing is not None:
                doc_id = existing.id
                conn.execute("DELETE FROM chunks WHERE document_id = ?", (doc_id,))
                conn.execute("DELETE FROM pages WHERE document_id = ?", (doc_id,))
                conn.execute(
                    "UPDATE documents SET sha256=?, title=?, author=?, pages=?, size=?, "
                    "mtime_ns=?, status=?, error=?, "
                    "indexed_at=strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id=?",
                    (*values, doc_id),
                )
            else:
                doc_id = conn.execute(
                    "INSERT INTO documents (sha256, title, author, pages, size, mtime_ns, "
                    "status, error, path) VALUES (?,?,?,?,?,?,?,?,?)",
                    (*values, item.path),
                ).lastrowid
            if item.status == pdf.STATUS_INDEXED:
                conn.executemany(
                    "INSERT INTO pages (document_id, page_no, text) VALUES (?,?,?)",
                    [(doc_id, n, text) for n, text in enumerate(item.pages, start=1)],
                )
                conn.executemany(
                    "INSERT INTO chunks (document_id, seq, page_start, page_end, char_start, "
                    "char_end, text, heading) VALUES (?,?,?,?,?,?,?,?)",
                    [
                        (
                            doc_id,
                            c.seq,
                            c.page_start,
                            c.page_end,
                            c.char_start,
                            c.char_end,
                            c.text,
                            c.heading,
                        )
                        for c in item.chunks
                    ],
                )
                chunk_ids = [
                    row[0]
                    for row in conn.execute(
                        "SELECT id FROM chunks WHERE document_id = ? ORDER BY seq", (doc_id,)
                    )
                ]
                if vectors is not None:
                    conn.executemany(
                        "INSERT INTO chunk_vectors (chunk_id, embedding) VALUES (?, ?)",
                        [(cid, to_blob(vec)) for cid, vec in zip(chunk_ids, vectors, strict=True)],
                    )
            Store.bump_generation(conn)
        if item.status != pdf.STATUS_INDEXED:
            return FileOutcome(item.path, item.status, doc_id, item.error)
        action = "updated" if existing is not None else "indexed"
        return FileOutcome(item.path, action, doc_id, item.error, item.page_count, len(item.chunks))

    def _apply_skip(self, item: _Prepared) -> FileOutcome:
        outcome = item.skip
        assert outcome is not None
        with self.store.transaction() as conn:
            if outcome.action == "moved":
                # The file now lives elsewhere: its record, chunks and analyses follow it.
                conn.execute(
                    "DELETE FROM documents WHERE path = ? AND id != ?",
                    (item.path, outcome.document_id),
                )
                conn.execute(
                    "UPDATE documents SET path = ?, size = ?, mtime_ns = ? WHERE id = ?",
                    (item.path, item.size, item.mtime_ns, outcome.document_id),
                )
                Store.bump_generation(conn)
            elif outcome.reason is None:
                conn.execute(
                    "UPDATE documents SET size = ?, mtime_ns = ? WHERE id = ?",
                    (item.size, item.mtime_ns, outcome.document_id),
                )
        return outcome
