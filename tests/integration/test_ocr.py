"""Scanned PDFs read by OCR while indexing: the real Tesseract (PyMuPDF's), real SQLite, the
real embedder. The scans are pictures of typeset pages (tests/pdfmaker.py), so what OCR must
find is known."""

from __future__ import annotations

import json
import multiprocessing

import pytest

from docnook import cli
from docnook.errors import Cancelled
from docnook.ingest import ocr as ocr_engine
from docnook.ingest import ocr_pages, ocr_worker
from docnook.jobs import CancelToken
from docnook.library import Library
from indexcheck import check_index
from pdfmaker import make_pdf, make_scanned_pdf

pytestmark = pytest.mark.slow

INVOICE = [
    "Invoice from Harwick Plumbing. The boiler repair cost 480 euros and was paid in March.",
    "The warranty on the circulation pump lasts until December 2031, says Mrs Okafor.",
]
LETTER = "Dear tenant, the landlord will repaint the staircase of the building in October."


@pytest.fixture
def library(data_dir, embedder):
    lib = Library(data_dir, embedder=embedder)
    yield lib
    lib.close()


def words_found(library: Library, query: str) -> list[int]:
    return [hit.page for hit in library.search(query, k=3, mode="bm25")]


def test_a_scan_is_read_by_ocr_with_its_words_searchable_and_boxed(tmp_path, library):
    scan = make_scanned_pdf(tmp_path / "invoice.pdf", INVOICE)
    notes: list[str] = []

    report = library.index([scan], progress=lambda p: p.note and notes.append(p.note))

    assert report.indexed == 1, report.summary()
    (record,) = library.documents()
    assert (record.status, record.pages, record.ocr_pages) == ("indexed", 2, 2)
    assert words_found(library, "boiler repair Harwick") == [1]
    assert words_found(library, "circulation pump warranty") == [2]
    assert any(note.endswith("of 2 (scanned)") for note in notes), notes
    words = library.ocr_words(record.id, 2)
    assert words is not None
    pump = [w for w in words if w[4].lower().startswith("pump")]
    assert pump, words  # each word with its box on the page (points, inside the page)
    x0, y0, x1, y1 = pump[0][:4]
    assert 0 <= x0 < x1 <= 595.3 and 0 <= y0 < y1 <= 841.9
    page_text = library.store.page_text(record.id, 1) or ""
    assert "480 euros" in page_text


def test_docs_json_counts_the_pages_read_and_never_leaves_a_scan_without_text(
    tmp_path, data_dir, capsys, monkeypatch
):
    scan = make_scanned_pdf(tmp_path / "letter.pdf", [LETTER])

    assert cli.main(["index", "--ocr", "never", str(scan)]) == 0
    capsys.readouterr()
    assert cli.main(["docs", "--json"]) == 0
    (doc,) = json.loads(capsys.readouterr().out)
    assert (doc["status"], doc["ocr_pages"]) == ("no-text", 0)
    assert "OCR is off" in doc["error"]

    # Indexed before OCR (or with it off): indexing it again reads it, no flag needed.
    assert cli.main(["index", str(scan)]) == 0
    capsys.readouterr()
    assert cli.main(["docs", "--json"]) == 0
    (doc,) = json.loads(capsys.readouterr().out)
    assert (doc["status"], doc["ocr_pages"]) == ("indexed", 1)


def test_a_mixed_document_is_read_page_by_page(tmp_path, library):
    text = make_pdf(tmp_path / "text.pdf", ["The first page is typed: the meeting starts at nine."])
    scan = make_scanned_pdf(tmp_path / "scan.pdf", [LETTER])
    import pymupdf

    with pymupdf.open(text) as mixed, pymupdf.open(scan) as pictures:
        mixed.insert_pdf(pictures)
        mixed.save(tmp_path / "mixed.pdf")

    report = library.index([tmp_path / "mixed.pdf"])

    assert report.indexed == 1
    (record,) = library.documents()
    assert (record.pages, record.ocr_pages) == (2, 1)
    assert library.ocr_words(record.id, 1) is None  # the typed page keeps its own text
    assert words_found(library, "meeting starts nine") == [1]
    assert words_found(library, "repaint staircase") == [2]


def test_always_reads_an_indexed_document_again(tmp_path, library):
    typed = make_pdf(tmp_path / "typed.pdf", [LETTER])
    assert library.index([typed]).indexed == 1
    assert library.index([typed]).unchanged == 1
    assert library.documents()[0].ocr_pages == 0  # OCR looked: nothing scanned

    report = library.index([typed], ocr="always")

    assert [o.action for o in report.outcomes] == ["updated"]
    assert library.documents()[0].ocr_pages == 1
    assert words_found(library, "repaint staircase") == [1]


def test_cancel_during_ocr_writes_nothing_and_stops_the_pool(tmp_path, library):
    pages = [f"Page {n}. " + LETTER * 6 for n in range(12)]
    scan = make_scanned_pdf(tmp_path / "long.pdf", pages)
    cancel = CancelToken()

    def progress(p) -> None:
        if p.note:  # OCR has started on the pages: cancel now
            cancel.cancel()

    report = library.index([scan], progress=progress, cancel=cancel)

    assert report.cancelled
    assert library.documents() == []  # no half document
    state = check_index(library.store.path)
    assert state.documents == {} and state.problems == []
    assert multiprocessing.active_children() == []  # the OCR workers are gone


def test_without_language_data_a_scan_gets_one_sentence(tmp_path, library, monkeypatch):
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path / "nowhere"))
    monkeypatch.setattr(ocr_engine, "TESSDATA_DIRS", ())
    scan = make_scanned_pdf(tmp_path / "letter.pdf", [LETTER])

    report = library.index([scan])

    (outcome,) = report.outcomes
    assert outcome.action == "no-text"
    assert "sudo apt install tesseract-ocr-eng" in (outcome.reason or "")
    assert "Traceback" not in (outcome.reason or "")
    assert library.documents()[0].ocr_pages is None  # read again once the data is there


def test_pages_to_read_picks_pictures_without_text_only(tmp_path):
    import pymupdf

    make_pdf(tmp_path / "typed.pdf", [LETTER, ""])
    with pymupdf.open(tmp_path / "typed.pdf") as doc:
        texts = [doc.load_page(i).get_text() for i in range(doc.page_count)]
        assert ocr_pages.pages_to_read(doc, texts, "auto") == []  # a blank page: nothing
        assert ocr_pages.pages_to_read(doc, texts, "always") == [0, 1]
        assert ocr_pages.pages_to_read(doc, texts, "never") == []


def test_an_inline_picture_is_a_scan_too(tmp_path):
    """Fax software draws its page as an inline image, which get_images() does not list."""
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((10, 10), " ")  # gives the page a contents stream to replace
    drawing = b"q 500 0 0 700 40 60 cm BI /W 2 /H 2 /CS /G /BPC 8 ID \x00\xff\xff\x00 EI Q"
    doc.update_stream(page.get_contents()[0], drawing)
    assert page.get_images() == []
    assert ocr_pages.pages_to_read(doc, [""], "auto") == [0]


def test_the_worker_stops_when_asked(tmp_path):
    scan = make_scanned_pdf(tmp_path / "letter.pdf", [LETTER])
    import pymupdf

    reader = ocr_pages.PageReader(ocr_pages.OcrOptions(), should_stop=lambda: True)
    with pymupdf.open(scan) as doc, pytest.raises(Cancelled):
        reader.read(scan, None, doc, [""])
    reader.close()


def test_the_ocr_setting_is_what_index_does_by_default(tmp_path, data_dir, capsys):
    scan = make_scanned_pdf(tmp_path / "letter.pdf", [LETTER])

    assert cli.main(["settings", "set", "ocr", "never"]) == 0
    assert cli.main(["settings", "set", "ocr", "sometimes"]) == 1  # one sentence, no trace
    assert "ocr must be one of auto, always, never" in capsys.readouterr().err
    assert cli.main(["index", "--json", str(scan)]) == 0
    outcome = json.loads(capsys.readouterr().out)["files"][0]
    assert outcome["action"] == "no-text"
    assert cli.main(["index", "--json", "--ocr", "auto", str(scan)]) == 0
    outcome = json.loads(capsys.readouterr().out)["files"][0]
    assert outcome["action"] == "updated"


@pytest.mark.parametrize("engine", ["libtesseract", "pymupdf"])
def test_both_tesseracts_read_a_scan_with_boxes(tmp_path, library, monkeypatch, engine):
    """The system's libtesseract where installed, PyMuPDF's everywhere: each reads alike."""
    from docnook.ingest import tesseract_lib

    if engine == "pymupdf":
        monkeypatch.setenv(tesseract_lib.ENGINE_ENV, "pymupdf")
    elif tesseract_lib.library() is None:
        pytest.skip("the system has no libtesseract (Debian: libtesseract5)")
    scan = make_scanned_pdf(tmp_path / "invoice.pdf", INVOICE)

    assert library.index([scan]).indexed == 1

    (record,) = library.documents()
    assert record.ocr_pages == 2
    assert words_found(library, "boiler repair Harwick") == [1]
    words = library.ocr_words(record.id, 1) or []
    boiler = [w for w in words if w[4].lower() == "boiler"]
    assert boiler and 56 <= boiler[0][0] < boiler[0][2] < 540  # inside the text's margins


def test_a_reading_process_that_dies_leaves_its_pages_unread_and_indexing_goes_on(
    tmp_path, library
):
    """A crash inside Tesseract (a hostile page) kills its process; the document is indexed
    with what was read, and nothing hangs."""
    import os
    import signal

    pages = [f"Page {n}. " + LETTER * 4 for n in range(8)]
    scan = make_scanned_pdf(tmp_path / "long.pdf", pages)
    typed = make_pdf(tmp_path / "typed.pdf", ["A typed page about the garden."])
    killed: list[int] = []

    def progress(p) -> None:
        if p.note and not killed and (workers := multiprocessing.active_children()):
            killed.append(workers[0].pid)
            os.kill(workers[0].pid, signal.SIGKILL)

    report = library.index([scan, typed], progress=progress)

    assert killed
    by_name = {o.path.rsplit("/", 1)[-1]: o for o in report.outcomes}
    assert by_name["typed.pdf"].action == "indexed"
    scan_outcome = by_name["long.pdf"]
    assert scan_outcome.action in ("indexed", "no-text")
    assert "OCR stopped" in (scan_outcome.reason or "")
    assert check_index(library.store.path).problems == []


def test_the_next_scans_pages_are_queued_before_this_ones_last_page_is_back(
    tmp_path, library, monkeypatch
):
    """Two scans in one job: the second is read (its pages sent to the OCR processes) while
    the first's pages are still being read, so no process waits at the first's last page;
    each still gets its own words."""
    first = make_scanned_pdf(tmp_path / "a-invoice.pdf", INVOICE * 2)
    second = make_scanned_pdf(tmp_path / "b-letter.pdf", [LETTER])
    events: list[tuple[str, str]] = []
    read = ocr_pages.PageReader.read

    def recorded(self, path, password, doc, texts):
        events.append(("start", path.name))
        try:
            return read(self, path, password, doc, texts)
        finally:
            events.append(("end", path.name))

    monkeypatch.setattr(ocr_pages.PageReader, "read", recorded)
    report = library.index([first, second])

    assert [o.action for o in report.outcomes] == ["indexed", "indexed"]
    assert events.index(("start", "b-letter.pdf")) < events.index(("end", "a-invoice.pdf"))
    assert words_found(library, "boiler repair Harwick") and words_found(library, "repaint")
    assert check_index(library.store.path).problems == []


def _layout_package_loaded() -> bool:
    """In a pool process: whether PyMuPDF's optional layout package (and ONNX Runtime with
    it) was imported there."""
    import sys

    return sys.modules.get("pymupdf.layout") is not None


def test_a_pool_process_reads_pages_without_pymupdfs_layout_package(tmp_path):
    scan = make_scanned_pdf(tmp_path / "letter.pdf", [LETTER])
    tessdata = ocr_engine.find_tessdata()
    job = (str(scan), None, 0, str(tessdata), ocr_engine.DEFAULT_LANGUAGES, ocr_engine.OCR_DPI)
    context = multiprocessing.get_context("spawn")
    with context.Pool(1, ocr_worker.init) as pool:
        index, page, error = pool.apply(ocr_worker.read_page, (job,))
        loaded = pool.apply(_layout_package_loaded)

    assert (index, error) == (0, None)
    assert "staircase" in page.text
    assert not loaded  # it costs each worker a CPU second and ~35 MB, and OCR never uses it


@pytest.mark.parametrize(("fontsize", "finer"), [(6.5, True), (26, False)])
def test_small_and_large_print_are_read_at_the_resolution_their_text_needs(
    tmp_path, fontsize, finer
):
    from docnook.ingest import tesseract_lib

    if tesseract_lib.library() is None:
        pytest.skip("the system has no libtesseract (Debian: libtesseract5)")
    import pymupdf

    scan = make_scanned_pdf(tmp_path / "letter.pdf", [LETTER], fontsize=fontsize)
    with pymupdf.open(scan) as doc:
        read = ocr_engine.recognise_page(doc[0], ocr_engine.find_tessdata())

    assert (read.dpi > ocr_engine.OCR_DPI) if finer else (read.dpi < ocr_engine.OCR_DPI)
    assert "repaint the staircase" in " ".join(read.text.split())
    staircase = [w for w in read.words if w[4].startswith("staircase")]
    assert staircase and staircase[0][0] < staircase[0][2] <= 595.3  # boxes in page points
