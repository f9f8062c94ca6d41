"""The sentiment views of the window, on a real library and the real Assistant service with the
fake engine behind it (no model is loaded): the explanation panel of a page's column, and the
library's sentiment (sortable, CSV, the documents not read yet read as a job with Stop)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from docnook.assistant import Assistant
from docnook.gui.engine_status import EngineStatus
from docnook.gui.library_sentiment import LibrarySentimentDialog
from docnook.gui.sentiment_explain import ExplainController
from docnook.gui.sentiment_tab import SentimentTab
from docnook.gui.workers import WorkerPool
from docnook.library import Library
from fakes import FakeEmbedder, FakeEngine, FakeModel, use_tiny_model
from pdfmaker import make_pdf

CALM = "The harbor has three piers of granite, built in 1871. The ferry leaves at noon daily."
STORM = (
    "The ferry timetable is printed below. A terrible disaster struck the town: the bridge "
    "failed and angry people lost their homes. Buses run every hour."
)
HAPPY = "What a wonderful, joyful festival! Everyone loved the brilliant music and the food."


@pytest.fixture
def service(tmp_path: Path, data_dir: Path):
    pdfs = tmp_path / "pdfs"
    make_pdf(pdfs / "harbor.pdf", [CALM, STORM], title="Harbor news")
    make_pdf(pdfs / "festival.pdf", [HAPPY], title="Festival letters")
    make_pdf(pdfs / "notices.pdf", [CALM], title="Notices")
    with Library(data_dir, FakeEmbedder()) as library:  # type: ignore[arg-type]
        library.index([pdfs])
        ids = {Path(r.path).stem: r.id for r in library.documents()}
    use_tiny_model(data_dir)
    assistant = Assistant(data_dir, FakeEmbedder(), engine=FakeEngine(FakeModel()))  # type: ignore[arg-type]
    yield assistant, ids
    assistant.close()


def test_clicking_a_column_shows_the_sentences_that_weighed_most(qtbot, service, data_dir):
    assistant, ids = service
    sentiment = assistant.sentiment(ids["harbor"])
    with Library(data_dir, FakeEmbedder()) as library:  # type: ignore[arg-type]
        record = library.resolve(ids["harbor"])
    tab = SentimentTab()
    qtbot.addWidget(tab)
    pool = WorkerPool()
    explainer = ExplainController(tab, pool, EngineStatus(), lambda: assistant)
    tab.resize(600, 700)
    tab.show()
    tab.set_record(record)
    tab.show_sentiment(sentiment)
    assert not tab.explanation.links and "Click a column" in tab.explanation.heading.text()
    hints = [w for w in tab.findChildren(QLabel) if "Click a column" in w.text()]
    assert len(hints) == 1, "the tab says once what a click on a column does"

    chart = tab.chart
    with qtbot.waitSignal(explainer.explained, timeout=10_000) as explained:
        with qtbot.waitSignal(tab.page_clicked) as opened:
            column = chart._column(1).center().toPoint()
            qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=column)
        assert "Scoring its sentences" in tab.explanation.heading.text()
    assert opened.args == [2] and chart.selected == 2
    page = explained.args[0]
    assert page.page == 2 and page.label == "negative"
    assert "Why page 2 reads negative" in tab.explanation.heading.text()
    links = tab.explanation.links
    assert [link.reason for link in links] == list(page.reasons)
    assert "A terrible disaster" in links[0].text()

    with qtbot.waitSignal(tab.sentence_clicked) as clicked:
        qtbot.mouseClick(links[0], Qt.MouseButton.LeftButton)
    assert clicked.args == [2, page.reasons[0]]

    # Another column, then back: the page explained before shows at once, no job.
    tab.explain(1)
    qtbot.waitUntil(lambda: explainer.worker is None, timeout=10_000)
    tab.explain(2)
    assert explainer.worker is None and [link.reason for link in links] == list(page.reasons)
    assert [link.reason for link in tab.explanation.links] == list(page.reasons)

    assert "Why page 2 reads negative:\n- “A terrible disaster" in tab.copy_text()
    tab.clear_result()  # another document: no stale reasons
    assert not tab.explanation.links and chart.selected is None
    qtbot.waitUntil(lambda: not pool.busy, timeout=10_000)


def test_the_library_view_sorts_exports_and_reads_the_rest_as_a_job(qtbot, service, tmp_path):
    assistant, ids = service
    assistant.sentiment(ids["harbor"])
    assistant.sentiment(ids["festival"])
    pool = WorkerPool()
    dialog = LibrarySentimentDialog(pool, lambda: assistant)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.loaded, timeout=10_000) as loaded:
        dialog.refresh()
    tone = loaded.args[0]
    assert len(tone.rows) == 3 and len(tone.not_analysed) == 1
    assert (
        dialog.analyse_button.isVisible() and "1 document(s) not analysed" in dialog.message.text()
    )

    table = dialog.table
    table.sortByColumn(4, Qt.SortOrder.DescendingOrder)  # most negative first
    titles = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert titles == ["Harbor news", "Festival letters", "Notices"]  # not analysed: last
    assert table.item(0, 5).text() == "2"  # the harbor news' most negative page
    with qtbot.waitSignal(dialog.page_requested) as opened:
        dialog._open(0, 5)
    assert opened.args == [ids["harbor"], 2]

    saved = dialog.export_to(str(tmp_path / "tone"))
    rows = list(csv.reader(io.StringIO(Path(saved).read_text())))
    assert rows[0][:4] == ["id", "title", "path", "label"] and len(rows) == 4
    assert {r[1]: r[3] for r in rows[1:]}["Notices"] == "not analysed"

    with qtbot.waitSignal(dialog.analysis_finished, timeout=10_000) as done:
        dialog.analyse()
        assert dialog.stop_button.isVisible()
    assert done.args[0] is not None and not done.args[0].not_analysed
    qtbot.waitUntil(lambda: dialog.tone is not None and not dialog.tone.not_analysed)
    assert not dialog.analyse_button.isVisible()
    qtbot.waitUntil(lambda: not pool.busy, timeout=10_000)


def test_stopping_the_library_job_keeps_what_was_read(qtbot, service, monkeypatch):
    assistant, _ids = service
    dialog = LibrarySentimentDialog(WorkerPool(), lambda: assistant)
    qtbot.addWidget(dialog)
    # Stop as soon as the job starts: the worker's cancel token is set before any page.
    original = assistant.analyse_library

    def stopped_at_once(*args, **kwargs):
        dialog.worker.quit()
        return original(*args, **kwargs)

    monkeypatch.setattr(assistant, "analyse_library", stopped_at_once)
    with qtbot.waitSignal(dialog.analysis_finished, timeout=10_000) as done:
        dialog.analyse()
    assert done.args[0] is None
    qtbot.waitUntil(lambda: dialog.message.text() == "Stopped." or dialog.tone is not None)
    qtbot.waitUntil(lambda: dialog.tone is not None, timeout=10_000)
    assert len(dialog.tone.not_analysed) == 3


def test_a_sentence_opens_as_a_citation_of_its_page(qtbot, service, data_dir):
    from docnook.gui.assistant_panel import AssistantPanel

    assistant, ids = service
    sentiment = assistant.sentiment(ids["harbor"])
    with Library(data_dir, FakeEmbedder()) as library:  # type: ignore[arg-type]
        record = library.resolve(ids["harbor"])
    pool = WorkerPool()
    panel = AssistantPanel(data_dir, pool, assistant_factory=lambda: assistant)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.ready, timeout=10_000):
        panel.start()
    tab = panel.sentiment_tab
    tab.set_record(record)
    tab.show_sentiment(sentiment)
    with qtbot.waitSignal(panel.explainer.explained, timeout=10_000) as explained:
        tab.explain(2)
    reason = explained.args[0].reasons[0]
    with qtbot.waitSignal(panel.citation_clicked) as cited:
        qtbot.mouseClick(tab.explanation.links[0], Qt.MouseButton.LeftButton)
    citation = cited.args[0]
    assert (citation.document_id, citation.path, citation.page, citation.page_end) == (
        record.id,
        record.path,
        2,
        2,
    )
    assert citation.quote == citation.text == reason.text
    assert citation.label() == "Harbor news, p. 2"
    pool.cancel_all()
    assert pool.wait_all(30_000)


def test_the_window_menu_opens_the_library_view(qtbot, service, data_dir):
    from docnook.gui.main_window import MainWindow

    assistant, ids = service
    assistant.sentiment(ids["harbor"])
    window = MainWindow(data_dir, assistant_factory=lambda: assistant)
    window.show()
    try:
        qtbot.waitUntil(lambda: window.assistant_panel.assistant is not None, timeout=20_000)
        window.library_sentiment_action.trigger()
        dialog = window.library_sentiment
        qtbot.waitUntil(lambda: dialog.tone is not None, timeout=10_000)
        assert dialog.isVisible() and dialog.table.rowCount() == 3
        with qtbot.waitSignal(dialog.page_requested) as opened:
            row = next(r for r in range(3) if dialog.table.item(r, 0).text() == "Harbor news")
            dialog._open(row, 5)
        assert opened.args == [ids["harbor"], 2]
        qtbot.waitUntil(lambda: window.reader.document_id == ids["harbor"], timeout=10_000)
    finally:
        window.close()
        qtbot.waitUntil(lambda: window._shutdown_done, timeout=60_000)
