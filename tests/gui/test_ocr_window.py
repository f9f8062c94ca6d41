"""Scanned PDFs in the window: read by OCR in the indexing process, marked as such in the list,
passages marked on the picture of the page, and "Read again with OCR" from the list."""

from __future__ import annotations

import pytest
from guihelpers import INDEX_MS, index_and_wait
from PySide6.QtGui import QPainter

from docnook.gui.document_list import READ_BY_OCR
from pdfmaker import make_pdf, make_scanned_pdf

pytestmark = pytest.mark.slow

NOTICE = [
    "Notice to residents. The water supply will be cut on Tuesday between nine and noon.",
    "Questions about the works go to the caretaker, Mr Lindqvist, in the ground floor office.",
]


def drawn_texts(widget, monkeypatch) -> list[str]:
    """The texts the list's delegate draws when `widget` is painted."""
    texts: list[str] = []
    original = QPainter.drawText

    def spy(painter, *args):
        texts.extend(a for a in args if isinstance(a, str))
        return original(painter, *args)

    monkeypatch.setattr(QPainter, "drawText", spy)
    widget.grab()
    monkeypatch.setattr(QPainter, "drawText", original)
    return texts


def test_a_scan_dropped_on_the_window_is_read_by_ocr_and_says_so(
    qtbot, make_window, tmp_path, monkeypatch
):
    window = make_window(wait_ready=False)
    scan = make_scanned_pdf(tmp_path / "notice.pdf", NOTICE)
    typed = make_pdf(tmp_path / "typed.pdf", ["A typed page about the garden and its roses."])
    details: list[str] = []
    card = window.library_panel.indexing
    card.detail.setText = lambda text, f=card.detail.setText: (details.append(text), f(text))[1]

    report = index_and_wait(qtbot, window, [scan, typed])

    assert (report.indexed, report.failed) == (2, 0), report.summary()
    by_title = {r.title: r for r in window.library_panel.records()}
    assert by_title["notice"].ocr_pages == 2 and by_title["typed"].ocr_pages == 0
    assert any("(scanned)" in text for text in details), details
    texts = drawn_texts(window.library_panel.list.viewport(), monkeypatch)
    assert texts.count(READ_BY_OCR) == 1, texts  # the scan's row, not the typed one's

    # A passage found by search is marked on the picture of the scanned page.
    hit = window.library.search("caretaker Lindqvist office", k=1, mode="bm25")[0]
    marked = window.reader.show_passage(by_title["notice"], hit.page, hit.page_end, hit.text)
    assert marked > 0
    assert 2 in window.reader.view.highlights()


def test_read_again_with_ocr_from_the_list(qtbot, make_window, tmp_path):
    window = make_window(wait_ready=False)
    typed = make_pdf(tmp_path / "typed.pdf", ["The roof was inspected in May by the surveyor."])
    assert index_and_wait(qtbot, window, [typed]).indexed == 1
    (record,) = window.library_panel.records()
    assert record.ocr_pages == 0

    with qtbot.waitSignal(window.indexing_finished, timeout=INDEX_MS) as finished:
        window.library_panel.ocr_requested.emit([record.id])

    assert [o.action for o in finished.args[0].outcomes] == ["updated"]
    (record,) = window.library_panel.records()
    assert record.ocr_pages == 1


def test_the_ocr_setting_is_in_settings_and_saves_without_reloading_the_model(
    qtbot, make_window, data_dir, monkeypatch
):
    from PySide6.QtCore import Qt

    from docnook.config import load_settings

    window = make_window()
    dialog = window.assistant_panel.open_settings(window)
    qtbot.waitUntil(lambda: dialog.apply_button.isEnabled(), timeout=60_000)
    assert dialog.editors["ocr"].get() == "auto"
    assert dialog.editors["ocr_languages"].get() == "eng"
    engine = window.assistant_panel.assistant.runtime.engine

    def must_not_reload(spec):
        raise AssertionError("changing the OCR setting reloaded the language model")

    monkeypatch.setattr(engine, "load", must_not_reload)
    dialog.editors["ocr"].put("never")
    with qtbot.waitSignal(dialog.applied, timeout=60_000):
        qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert load_settings(data_dir).ocr == "never"
    dialog.close()


def test_cancel_while_the_indexing_process_reads_a_scan(qtbot, make_window, tmp_path):
    from PySide6.QtCore import Qt

    window = make_window(wait_ready=False)
    pages = [f"Page {n}. " + NOTICE[0] * 5 for n in range(10)]
    scan = make_scanned_pdf(tmp_path / "long-scan.pdf", pages)
    card = window.library_panel.indexing

    with qtbot.waitSignal(window.indexing_finished, timeout=INDEX_MS) as finished:
        window.index_paths([str(scan)])
        qtbot.waitUntil(lambda: "(scanned)" in card.detail.text(), timeout=INDEX_MS)
        qtbot.mouseClick(card.cancel_button, Qt.MouseButton.LeftButton)

    assert finished.args[0].cancelled
    assert window.library_panel.records() == []  # nothing half-written
    typed = make_pdf(tmp_path / "typed.pdf", ["A typed note about the lift."])
    assert index_and_wait(qtbot, window, [typed]).indexed == 1
