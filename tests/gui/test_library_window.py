"""The library side of the window: drop, index, read, remove, passwords, cancel, layout."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from guihelpers import INDEX_MS, drop_files, index_and_wait
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox, QWidget

from pdfmaker import make_pdf

pytestmark = pytest.mark.slow

FACTS = [
    "Parties and premises. The landlord lets the flat on the second floor to the tenant.",
    "The tenant pays rent of 900 euros on the first day of each month by bank transfer.",
    "Termination requires three months notice in writing from either party.",
]


def respond_to_dialog(qtbot, handle: Callable[[QWidget], None]) -> list[QWidget]:
    """Run `handle` on the next modal dialog as soon as it opens (its exec() blocks the test's
    own code, so the answer has to come from the event loop)."""
    seen: list[QWidget] = []

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, poll)
            return
        seen.append(dialog)
        handle(dialog)

    QTimer.singleShot(0, poll)
    return seen


def test_dropped_pdf_is_indexed_listed_and_readable(qtbot, make_window, tmp_path):
    window = make_window(wait_ready=False)
    pdf = make_pdf(tmp_path / "lease.pdf", FACTS, title="Lease agreement")

    report = index_and_wait(qtbot, window, [pdf])

    assert (report.indexed, report.failed, report.cancelled) == (1, 0, False)
    records = window.library_panel.records()
    assert [(r.title, r.pages, r.status) for r in records] == [("Lease agreement", 3, "indexed")]
    assert not window.overlay.isVisible()
    assert not window.library_panel.indexing.isVisible()
    assert "1 indexed" in window.banner.message()

    window.library_panel.select(records[0].id)
    reader = window.reader
    assert reader.document_id == records[0].id
    assert (reader.view.current_page, reader.view.page_count) == (1, 3)
    qtbot.mouseClick(reader.next_button, Qt.MouseButton.LeftButton)
    assert reader.view.current_page == 2
    reader.page_box.setText("3")
    reader.page_box.editingFinished.emit()
    assert reader.view.current_page == 3
    zoom = reader.view.zoom
    qtbot.mouseClick(reader.zoom_in_button, Qt.MouseButton.LeftButton)
    assert reader.view.zoom > zoom and not reader.fit_button.isChecked()


def test_dropping_a_folder_indexes_the_pdfs_inside(qtbot, make_window, tmp_path):
    window = make_window(wait_ready=False)
    folder = tmp_path / "papers"
    make_pdf(folder / "a.pdf", ["Alpha report about glaciers and ice."], title="Alpha")
    make_pdf(folder / "sub" / "b.pdf", ["Beta report about deserts and sand."], title="Beta")

    report = index_and_wait(qtbot, window, [folder])

    assert report.indexed == 2
    assert sorted(r.title for r in window.library_panel.records()) == ["Alpha", "Beta"]


def test_a_dropped_file_that_is_not_a_pdf_gets_a_sentence(qtbot, make_window, tmp_path):
    window = make_window(wait_ready=False)
    notes = tmp_path / "photo.png"
    notes.write_text("hello")

    drop_files(window.library_panel.list.viewport(), [notes])

    assert "DocNook reads PDF files and folders" in window.banner.message()
    assert "Traceback" not in window.banner.message()
    assert not window.indexing


def test_locked_pdf_asks_for_its_password_then_indexes(qtbot, make_window, tmp_path):
    window = make_window(wait_ready=False)
    pdf = make_pdf(
        tmp_path / "minutes.pdf",
        ["Board minutes: the budget was approved."],
        title="Minutes",
        user_password="s3cret",
    )

    def unlock(dialog: QWidget) -> None:
        assert isinstance(dialog, QInputDialog)
        assert "password" in dialog.labelText()
        dialog.setTextValue("s3cret")
        dialog.accept()

    answered = respond_to_dialog(qtbot, unlock)
    first = index_and_wait(qtbot, window, [pdf])
    assert first.count("needs-password") == 1
    with qtbot.waitSignal(window.indexing_finished, timeout=INDEX_MS) as second:
        pass
    assert answered, "no password prompt was shown"
    assert second.args[0].indexed == 1
    (record,) = window.library_panel.records()
    assert record.status == "indexed"
    window.library_panel.select(record.id)
    assert window.reader.stack.currentWidget() is window.reader.view  # readable with it


def test_cancel_stops_indexing_and_keeps_the_window_working(qtbot, make_window, tmp_path):
    window = make_window(wait_ready=False)
    pages = [
        f"Chapter {n}. " + "The survey counted swifts, sparrows and starlings over the roofs. " * 40
        for n in range(80)
    ]
    big = make_pdf(tmp_path / "survey.pdf", pages, title="Survey")
    card = window.library_panel.indexing

    with qtbot.waitSignal(window.indexing_finished, timeout=INDEX_MS) as finished:
        drop_files(window.reader.view.viewport(), [big])
        qtbot.waitUntil(lambda: card.isVisible() and card.bar.value() > 0, timeout=INDEX_MS)
        qtbot.mouseClick(card.cancel_button, Qt.MouseButton.LeftButton)
        assert not card.cancel_button.isEnabled()  # says it is stopping

    report = finished.args[0]
    assert report.cancelled
    assert window.library_panel.records() == []  # no half document
    assert not card.isVisible()
    small = make_pdf(tmp_path / "small.pdf", ["A short note about herons."], title="Note")
    assert index_and_wait(qtbot, window, [small]).indexed == 1


def test_remove_asks_then_forgets_the_document(qtbot, make_window, tmp_path):
    window = make_window(wait_ready=False)
    index_and_wait(qtbot, window, [make_pdf(tmp_path / "lease.pdf", FACTS, title="Lease")])
    (record,) = window.library_panel.records()

    def confirm(dialog: QWidget) -> None:
        assert isinstance(dialog, QMessageBox)
        assert "files stay where they are" in dialog.text()
        dialog.button(QMessageBox.StandardButton.Yes).click()

    respond_to_dialog(qtbot, confirm)
    with qtbot.waitSignal(window.library_changed, timeout=30_000):
        window.remove([record.id])
    qtbot.waitUntil(lambda: window.library_panel.records() == [], timeout=30_000)
    assert (tmp_path / "lease.pdf").exists()
    assert window.reader.stack.currentWidget() is window.reader.empty


def test_window_layout_is_remembered_in_the_data_folder(qtbot, make_window, data_dir):
    window = make_window(wait_ready=False)
    window.splitter.setSizes([250, 640, 390])
    sizes = window.splitter.sizes()
    window.assistant_panel.show_tab(2)
    window.close()
    qtbot.waitUntil(lambda: window._shutdown_done, timeout=60_000)
    assert (data_dir / "window.ini").exists()

    again = make_window(wait_ready=False)
    assert again.splitter.sizes() == sizes
    assert again.assistant_panel.tabs.currentIndex() == 2


def test_common_actions_have_shortcuts(make_window):
    window = make_window(wait_ready=False)
    for action in (
        window.add_action,
        window.add_folder_action,
        window.settings_action,
        window.quit_action,
        window.reindex_action,
        window.remove_action,
        window.stop_action,
        window.filter_action,
    ):
        assert not action.shortcut().isEmpty(), action.text()
