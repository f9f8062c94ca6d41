"""The Summary tab with the real bundled model: key points with page links, and a click on a
point's page opens the reader there with the point's sentence marked."""

from __future__ import annotations

import pytest
from guihelpers import ANSWER_MS, index_and_wait
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor

from pdfmaker import make_pdf

pytestmark = pytest.mark.slow

REPORT = [
    "Orchard Society report 2024. The society had 212 members at the end of the year, 14 more "
    "than the year before. Members met every second Thursday in the village hall.",
    "Harvest. The orchard gave 3,400 kilograms of apples this autumn, most of them Cox. The "
    "cider press was repaired in August.",
    "Decisions. The annual meeting decided to plant 40 new trees along the east fence. "
    "Membership fees stay at 25 pounds a year.",
]


def anchor_point(view, href: str) -> QPoint:
    """Where the link `href` is drawn in a QTextBrowser's viewport."""
    document = view.document()
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().anchorHref() == href:
                cursor = QTextCursor(document)
                cursor.setPosition(fragment.position() + fragment.length() // 2)
                return view.cursorRect(cursor).center()
            it += 1
        block = block.next()
    raise AssertionError(f"no link {href} in the summary")


def test_clicking_a_key_point_opens_the_reader_at_its_page(qtbot, make_window, tmp_path):
    pdf = make_pdf(tmp_path / "orchard.pdf", REPORT, title="Orchard report")
    window = make_window()
    index_and_wait(qtbot, window, [pdf])
    panel = window.assistant_panel
    (record,) = window.library_panel.records()
    window.library_panel.select(record.id)
    tab = panel.summary_tab
    seen_points: list[int] = []

    def watch_points() -> None:
        seen_points.append(len(tab.points))

    with qtbot.waitSignal(panel.summary_finished, timeout=ANSWER_MS) as done:
        qtbot.mouseClick(tab.run_button, Qt.MouseButton.LeftButton)
        panel.summaries.worker.signals.token.connect(lambda _: watch_points())
    summary = done.args[0]
    assert summary.points and all(p.pages for p in summary.points)
    if seen_points:  # the overview streamed: every point was on screen before its first word
        assert seen_points[0] == len(summary.points)
    text = " ".join(" ".join(REPORT).split())
    for point in summary.points:
        assert point.source in text
    n, point = next((i, p) for i, p in enumerate(summary.points) if p.pages[0] > 1)
    page = point.pages[0]
    assert f"p. {page}" in tab.view.toPlainText()

    window.reader.show_empty(library_empty=False)  # nothing open before the click
    where = anchor_point(tab.view, f"point:{n}")
    qtbot.mouseClick(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=where)

    assert window.reader.document_id == record.id
    assert window.reader.view.current_page == page
    marks = window.reader.view.highlights(strong_only=True)
    assert marks.get(page), "the point's sentence is not marked"
    marked = " ".join(
        window.reader.view.page(page).get_textbox(r.adjusted(-1, -1, 1, 1)) for r in marks[page]
    )
    first_words = " ".join(point.source.split()[:3])
    assert first_words in " ".join(marked.split())

    # Detailed is its own summary: choosing it shows no saved one until it is made.
    tab.length_box.setCurrentIndex(1)
    assert not tab.has_result() and tab.run_button.isVisible()
    tab.length_box.setCurrentIndex(0)
    qtbot.waitUntil(tab.has_result, timeout=10_000)
    assert tab.cached


SECOND = [
    "Ferry timetable 2025. The first ferry leaves Aston at 6:40 and the last returns at 22:15. "
    "Tickets cost 4 euros for adults and bicycles travel free.",
    "Winter service. From November to March the ferry runs every two hours, and the night "
    "crossing on Fridays is cancelled.",
]


def test_selected_documents_are_summarised_side_by_side(qtbot, make_window, tmp_path):
    orchard = make_pdf(tmp_path / "orchard.pdf", REPORT, title="Orchard report")
    ferry = make_pdf(tmp_path / "ferry.pdf", SECOND, title="Ferry timetable")
    window = make_window()
    index_and_wait(qtbot, window, [orchard, ferry])
    panel = window.assistant_panel
    window.library_panel.list.selectAll()
    panel.show_tab(panel.TAB_SUMMARY)
    tab = panel.summary_tab
    assert tab.compare_button.isVisible() and tab.compare_button.text() == "Side by side (2)"

    qtbot.mouseClick(tab.compare_button, Qt.MouseButton.LeftButton)
    dialog = next(c for c in panel.children() if type(c).__name__ == "SummaryCompare")
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=ANSWER_MS)
    assert dialog.status.text() == "All summaries ready."
    columns = list(dialog.columns.values())
    assert [c.record.title for c in columns] == ["Orchard report", "Ferry timetable"]
    assert all(c.summary is not None and c.summary.points for c in columns)

    ferry_column = columns[1]
    point = ferry_column.summary.points[0]
    where = anchor_point(ferry_column.view, "point:0")
    qtbot.mouseClick(ferry_column.view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert window.reader.document_id == ferry_column.record.id
    assert window.reader.view.current_page == point.pages[0]
    dialog.close()
