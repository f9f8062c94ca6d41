"""The library service: index PDFs and folders, list and remove documents, search them.

Plain Python with callbacks: the CLI wraps it in a progress bar, the window in a worker thread.
Indexing is a two-stage pipeline: a reader thread hashes, reads and chunks the next file while
this thread embeds the current one, because embedding is what takes the time on a CPU. While a
job reads scanned pages, two files are read at once (`_read_files`).
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from docnook import config, paths
from docnook.errors import Cancelled, InputError
from docnook.hashing import sha256_file
from docnook.index import document_writes as writes
from docnook.index import ocr_store, sentence_vectors
from docnook.index import search as search_module
from docnook.index.document_writes import DocumentFields
from docnook.index.embedder import MAX_TOKENS, Embedder, shared_embedder
from docnook.index.store import DocumentRecord, Store
from docnook.indexing_report import FileOutcome, IndexProgress, IndexReport
from docnook.ingest import formats, pdf
from docnook.ingest.chunker import Chunk, chunk_pages, with_headings
from docnook.ingest.layout import strip_running_lines
from docnook.ingest.ocr_pages import OcrOptions, PageReader, scanned_note, worth_reading_again
from docnook.ingest.suffixes import DOCUMENT_SUFFIXES
from docnook.jobs import CancelToken, ProgressCallback, no_progress

__all__ = ["FileOutcome", "IndexProgress", "IndexReport", "Library", "find_pdfs"]

OVERLAP_TOKENS = 40
log = logging.getLogger(__name__)
_READ_AHEAD = 2  # prepared documents waiting for the embedder: bounds memory on big batches
_OCR_SHARE = 0.8  # of a scanned document's progress that is OCR (the rest is embedding)


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
    ocr_words: dict[int, list] | None = None  # 1-based page -> OCR words; None: OCR not tried
    reread: bool = False  # read again although unchanged (OCR asked for)


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
        exact: int = 0,
    ) -> list[search_module.SearchHit]:
        """The `k` best places for `query`, each with its sentences scored and the page its
        best sentence is on (see `index/search.py` for the stages). `exact`: how many of
        the best have their leading sentences scored by vectors of the sentence alone, as
        judging an answer's support wants."""
        return search_module.search(
            self.store, self.embedder.embed, query, k, document_ids, mode, second_stage, exact
        )

    def absent_words(self, words: list[str], document_ids: list[int] | None = None) -> list[str]:
        """Those of `words` that no passage of the library (or of `document_ids`) holds."""
        return self.store.absent_words(words, document_ids)

    def common_words(self) -> frozenset[str]:
        """Common English word forms (the embedder's vocabulary): see `evidence.telling_words`."""
        return self.embedder.common_words()

    def page_texts(self, document_id: int, first: int, last: int) -> list[tuple[int, str]]:
        return self.store.page_range_texts(document_id, first, last)

    def ocr_words(self, document_id: int, page: int) -> list[tuple] | None:
        """The words OCR read on a scanned page, with their boxes; None for other pages."""
        return ocr_store.page_words(self.store, document_id, page)

    def chunk_texts(self, document_id: int) -> list[str]:
        return self.store.document_chunk_texts(document_id)

    # -- indexing --------------------------------------------------------------------------

    def index(
        self,
        targets: Iterable[str | Path],
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
        password: str | None = None,
        ocr: str | None = None,
    ) -> IndexReport:
        """Index the PDFs under `targets`. Each document is committed whole; on cancel, those
        finished stay and the report says the job was cancelled. `ocr` (auto, always, never;
        None: the setting) says which pages are read by OCR; "always" reads unchanged files
        again too."""
        cancel = cancel or CancelToken()
        settings = config.load_settings(self.data_dir)
        mode = config.option("ocr").validate(ocr or settings.ocr)
        reading: list[tuple[str, int, int]] = []  # the OCR reader's latest (path, done, total)
        started = time.monotonic()
        files = find_pdfs(targets)
        report = IndexReport()
        page_totals = {str(f): self._pages_to_do(f, password, mode) for f in files}
        pages_total = sum(page_totals.values())
        pages_done = 0.0

        def emit(
            files_done: int, current: str | None, pages: float, note: str | None = None
        ) -> None:
            elapsed = time.monotonic() - started
            progress(
                IndexProgress(files_done, len(files), pages, pages_total, current, elapsed, note)
            )

        emit(0, str(files[0]), 0)
        prepared_queue: queue.Queue[_Prepared | BaseException | None] = queue.Queue(_READ_AHEAD)
        stop = threading.Event()
        ocr_reader = PageReader(
            OcrOptions(mode, settings.ocr_languages),
            lambda: stop.is_set() or cancel.cancelled,
            lambda path, done, total: reading.append((path, done, total)),
        )
        reader = threading.Thread(
            target=self._read_files,
            args=(files, password, prepared_queue, stop, ocr_reader),
            name="docnook-reader",
            daemon=True,
        )
        reader.start()
        try:
            for done_files in range(len(files)):
                while True:  # OCR can take minutes: say which page, and heed cancel meanwhile
                    cancel.raise_if_cancelled()
                    with contextlib.suppress(queue.Empty):
                        item = prepared_queue.get(timeout=0.1)
                        break
                    if reading:
                        path, done, total = reading[-1]
                        share = _OCR_SHARE * done / max(total, 1) * page_totals.get(path, 0)
                        note = f"Reading page {min(done + 1, total)} of {total} (scanned)"
                        emit(done_files, path, pages_done + share, note)
                        reading.clear()
                if isinstance(item, BaseException):
                    raise item
                assert item is not None
                cancel.raise_if_cancelled()
                pages = page_totals.get(item.path, 0)
                share = _OCR_SHARE if item.ocr_words else 0.0
                outcome = self._store_prepared(
                    item,
                    cancel,
                    self._chunk_progress(
                        emit,
                        done_files,
                        item.path,
                        pages_done + share * pages,
                        pages - share * pages,
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

    def _pages_to_do(self, path: Path, password: str | None, ocr: str) -> int:
        record = self.store.document_by_path(str(path))
        try:
            stat = path.stat()
        except OSError:
            return 0
        unchanged = record and record.size == stat.st_size and record.mtime_ns == stat.st_mtime_ns
        if unchanged and not worth_reading_again(record.status, record.ocr_pages, ocr):
            return 0
        return formats.page_count(path, password)

    def _read_files(
        self,
        files: list[Path],
        password: str | None,
        out: queue.Queue,
        stop: threading.Event,
        ocr: PageReader,
    ) -> None:
        """The reader thread: hash and decide each file, have it read (OCR too) and chunked,
        and hand the files on in order. Once the job meets scanned pages, two files are read
        at once, taking turns with PyMuPDF (`PageReader.file_turn`): the next file's pages then
        wait in the OCR pool's queue behind this one's, so neither OCR process idles while a
        document's last page is read (benchmarks/README.md, "Speed, fifth pass")."""
        try:
            with Store(self.store.path) as store, ThreadPoolExecutor(2, "docnook-read") as pool:
                try:
                    self._hand_on(files, password, out, stop, ocr, (store, pool))
                except BaseException as exc:  # handed on before `pool` waits for the other file
                    out.put(exc)
        except BaseException as exc:  # handed to the indexing thread, which raises it
            out.put(exc)
        finally:
            ocr.close()

    def _hand_on(
        self,
        files: list[Path],
        password: str | None,
        out: queue.Queue,
        stop: threading.Event,
        ocr: PageReader,
        helpers: tuple[Store, ThreadPoolExecutor],
    ) -> None:
        store, pool = helpers
        pending: deque[Future[_Prepared]] = deque()
        upcoming = iter(files)
        while not stop.is_set():
            while len(pending) < (2 if ocr.reading else 1):
                path = next(upcoming, None)
                if path is None:
                    break
                item = self._decide(store, path, password, ocr.mode)
                if item.skip is None and item.status == pdf.STATUS_INDEXED:
                    pending.append(pool.submit(self._read, item, password, ocr))
                else:
                    pending.append(Future())
                    pending[-1].set_result(item)
            if not pending:
                return
            if not wait([pending[0]], timeout=0.1).done:
                continue  # heed stop meanwhile
            item = pending.popleft().result()
            while not stop.is_set():
                with contextlib.suppress(queue.Full):
                    out.put(item, timeout=0.1)
                    break

    def _decide(self, store: Store, path: Path, password: str | None, mode: str) -> _Prepared:
        """The file hashed, and whether it needs reading at all."""
        key = str(path)
        try:
            stat = path.stat()
            sha = sha256_file(path)
        except OSError as exc:
            item = _Prepared(key, "", 0, 0, status=pdf.STATUS_FAILED)
            item.error = f"The file cannot be read: {exc.strerror or exc}."
            return item
        item = _Prepared(key, sha, stat.st_size, stat.st_mtime_ns)
        item.skip = self._unchanged_or_moved(store, item, password, mode)
        item.reread = mode == "always"
        return item

    def _read(self, item: _Prepared, password: str | None, ocr: PageReader) -> _Prepared:
        """Read and chunk a file `_decide` found to need it (on a thread of `_read_files`)."""
        path = Path(item.path)
        try:
            with ocr.file_turn():
                text = formats.read_document(path, password, ocr)
        except pdf.PdfProblem as problem:
            item.status, item.error = problem.status, problem.message
            return item
        except Exception as exc:  # a file no known failure covers: a bug, but only this file's
            log.exception("reading %s failed unexpectedly", path)
            item.status = pdf.STATUS_FAILED
            item.error = f"DocNook could not read this PDF ({type(exc).__name__})."
            return item
        item.title, item.author = text.title, text.author
        if text.ocr is not None and (text.ocr.words or not text.ocr.problem):
            # OCR ran: a scan it found nothing in is not read again; one it could not read
            # (no language data) keeps ocr_pages NULL, so it is read once the data is there.
            item.ocr_words = text.ocr.words
        notes = [pdf.damage_note(text.damaged_pages, text.page_count)]
        notes.append(scanned_note(text.ocr, text.page_count) if text.ocr else None)
        item.error = " ".join(n for n in notes if n) or None
        # Running headers and page numbers would join every page's first and last sentences.
        item.pages, item.page_count = strip_running_lines(text.pages), text.page_count
        item.chunks = with_headings(
            item.pages,
            chunk_pages(item.pages, self.embedder.token_spans, MAX_TOKENS, OVERLAP_TOKENS),
        )
        return item

    @staticmethod
    def _unchanged_or_moved(
        store: Store, item: _Prepared, password: str | None, ocr: str
    ) -> FileOutcome | None:
        """An outcome when the bytes are already in the library, so nothing needs reading."""
        if ocr == "always":
            return None  # OCR asked for explicitly: read again
        by_path = store.document_by_path(item.path)
        if by_path and by_path.sha256 == item.sha256:
            if password and by_path.status == pdf.STATUS_NEEDS_PASSWORD:
                return None  # a password now: read it this time
            if worth_reading_again(by_path.status, by_path.ocr_pages, ocr):
                return None  # a scan indexed before OCR (or without its data): read it now
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
        sentences = None
        if item.status == pdf.STATUS_INDEXED and item.chunks:
            # The heading path goes into the vector too: "It defaults to 7" is about the
            # section's subject, which the heading names.
            texts = [f"{c.heading}\n{c.text}" if c.heading else c.text for c in item.chunks]
            spans = [sentence_vectors.sentence_spans(c.text) for c in item.chunks]
            # The encoder reads the heading first: the spans move by its length.
            shifts = [len(t) - len(c.text) for t, c in zip(texts, item.chunks, strict=True)]
            shifted = [
                [(a + shift, b + shift) for a, b in chunk_spans]
                for shift, chunk_spans in zip(shifts, spans, strict=True)
            ]
            vectors, pooled = self.embedder.embed_with_sentences(
                texts, shifted, cancel, lambda n: on_chunks(n, len(texts))
            )
            sentences = (spans, pooled) if pooled is not None else None
        cancel.raise_if_cancelled()
        with self.store.transaction() as conn:
            existing = self.store.document_by_path(item.path)
            if (
                existing is not None
                and existing.sha256 == item.sha256
                and existing.status == item.status == pdf.STATUS_INDEXED
                and not item.reread
            ):
                # Another DocNook process indexed these very bytes since this one looked.
                return FileOutcome(item.path, "unchanged", existing.id, pages=existing.pages)
            fields = DocumentFields(
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
                writes.replace_document(conn, doc_id, fields)
            else:
                doc_id = writes.insert_document(conn, item.path, fields)
            ocr_store.write(conn, doc_id, item.ocr_words)
            if item.status == pdf.STATUS_INDEXED:
                writes.write_content(conn, doc_id, item.pages, item.chunks, vectors, sentences)
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
                writes.move_document(conn, outcome.document_id, item.path, item.size, item.mtime_ns)
                Store.bump_generation(conn)
            elif outcome.reason is None:
                writes.touch_document(conn, outcome.document_id, item.size, item.mtime_ns)
        return outcome
