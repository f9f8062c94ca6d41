"""The assistant side of the window with the real bundled model: ask (the quote first, then
the phrasing streamed, with citation links that open the page), "your documents don't say",
stop, summary, sentiment, history, settings, a bad model file."""

from __future__ import annotations

import csv
import io

import pytest
from guihelpers import ANSWER_MS, drop_files, index_and_wait
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from docnook.config import load_settings
from docnook.gui.message_bubble import CURSOR
from docnook.gui.workers import QuoteFound
from gguf_tools import tiny_gguf
from pdfmaker import make_pdf

pytestmark = pytest.mark.slow

GARDEN = [
    "Riverside Community Garden. Welcome to the garden. Forty plots sit beside the river and "
    "every one is tended by a neighbour. Members meet on the first Saturday of each month.",
    "Compost and waste. The compost bays behind the shed take plant waste and coffee grounds. "
    "Leave out meat, dairy and diseased plants.",
    "Opening hours. The tool shed opens at 7 a.m. and is locked at dusk by the volunteer on "
    "duty. Return every tool clean and dry before the shed closes.",
    "Harvest festival. Every September members bring soup and bread; there is music and a "
    "prize for the largest pumpkin.",
]
QUESTION = "When does the tool shed open?"


@pytest.fixture
def garden(tmp_path):
    return make_pdf(tmp_path / "garden.pdf", GARDEN, title="Garden handbook")


def ask(qtbot, window, question: str):
    """Type a question and press Enter; returns (AskResult, streamed pieces, bubble texts seen
    while streaming)."""
    panel = window.assistant_panel
    edit = panel.ask_tab.composer.edit
    edit.setFocus()
    edit.setPlainText(question)
    pieces: list[str] = []
    shown: list[str] = []

    def on_token(text: str) -> None:
        pieces.append(text)
        bubble = panel.ask_tab.chat.bubbles[-1]
        shown.append(bubble.body.text())

    with qtbot.waitSignal(panel.answer_finished, timeout=ANSWER_MS) as done:
        qtbot.keyClick(edit, Qt.Key.Key_Return)
        assert panel.asking.worker is not None, "Enter did not send the question"
        panel.asking.worker.signals.token.connect(on_token)
    return done.args[0], pieces, shown


def test_answer_streams_and_its_citation_opens_the_cited_page(qtbot, make_window, garden):
    window = make_window()
    index_and_wait(qtbot, window, [garden])
    panel = window.assistant_panel

    result, pieces, shown = ask(qtbot, window, QUESTION)

    assert result is not None and result.found
    # The words stream as the model says them; a short extract of the quote ("7 a.m.") is
    # held until it ends (a copy of a whole sentence of the quote is never shown), so it
    # may come as one piece. Either way it is drawn while the answer is still running.
    assert pieces, "no words of the answer reached the window"
    if result.phrasing:
        assert " ".join("".join(pieces).split()) == result.phrasing
    assert any(CURSOR in text for text in shown), "no partial answer was drawn while streaming"
    assert "7" in result.answer
    bubble = panel.ask_tab.chat.bubbles[-1]
    assert CURSOR not in bubble.body.text()
    (citation,) = result.citations
    assert citation.page == 3, f"the shed's page is not cited: {result.citations}"
    if result.phrasing:  # else the answer is the quote alone
        assert 'href="cite:1"' in bubble.body.text(), "the answer's [1] is not a link"
    assert bubble.quote_shown == citation.quote and "tool shed opens" in citation.quote
    (block,) = bubble.blocks
    assert 'href="cite:1"' in block.source.text() and "Garden handbook, p. 3" in block.source.text()

    window.reader.show_empty(library_empty=False)  # nothing open before the click
    bubble.body.linkActivated.emit("cite:1")  # what clicking [1] in the answer does

    (record,) = window.library_panel.records()
    assert window.reader.document_id == record.id
    assert window.reader.view.current_page == 3
    marks = window.reader.view.highlights()
    assert marks.get(3), "the cited passage is not highlighted"
    strong = window.reader.view.highlights(strong_only=True)
    assert 3 in strong, "the quote is not marked"
    page = window.reader.view.page(3)
    marked_text = " ".join(page.get_textbox(r.adjusted(-1, -1, 1, 1)) for r in marks[3])
    assert "tool shed opens" in " ".join(marked_text.split())

    # The exchange is kept with the library: a new window shows it again.
    window.close()
    qtbot.waitUntil(lambda: window._shutdown_done, timeout=60_000)
    again = make_window()
    qtbot.waitUntil(lambda: len(again.assistant_panel.ask_tab.chat.bubbles) == 2, timeout=30_000)
    kept = again.assistant_panel.ask_tab.chat.bubbles
    assert kept[0].text == QUESTION
    assert [c.page for c in kept[1].citations] == [3]
    assert kept[1].quote_shown == citation.quote  # shown apart from the words, as before


def test_the_quote_shows_before_the_phrasing_and_opens_its_page(qtbot, make_window, garden):
    window = make_window()
    index_and_wait(qtbot, window, [garden])
    panel = window.assistant_panel
    edit = panel.ask_tab.composer.edit
    quotes: list[str] = []  # what the bubble showed as a quote when each token arrived
    bodies: list[str] = []  # and what it showed above it

    def on_token(_text: str) -> None:
        bubble = panel.ask_tab.chat.bubbles[-1]
        quotes.append(bubble.quote_shown)
        bodies.append(bubble.body.text())

    edit.setPlainText(QUESTION)
    with qtbot.waitSignal(panel.answer_finished, timeout=ANSWER_MS) as done:
        worker = panel.ask()
        assert worker is not None
        worker.signals.token.connect(on_token)  # after the panel's own slot: it draws first
    result = done.args[0]
    assert result is not None and result.found and result.phrasing, result
    assert quotes, "the phrasing did not stream"
    assert quotes[0] == result.citations[0].quote, "no quote was on show at the first token"
    assert "Writing the answer" not in bodies[-1] and result.phrasing.split()[0] in bodies[-1]

    # Clicking the quote's source opens the cited page with the quote marked strongly.
    window.reader.show_empty(library_empty=False)
    (block,) = panel.ask_tab.chat.bubbles[-1].blocks
    block.source.linkActivated.emit("cite:1")
    assert window.reader.view.current_page == 3
    strong = window.reader.view.highlights(strong_only=True)
    page = window.reader.view.page(3)
    marked = " ".join(page.get_textbox(r.adjusted(-1, -1, 1, 1)) for r in strong[3])
    assert "tool shed opens at 7" in " ".join(marked.split())

    # A question the documents do not answer: they say so, with the closest passages.
    panel.new_chat()
    edit.setPlainText("What is the membership fee for a plot?")
    with qtbot.waitSignal(panel.answer_finished, timeout=ANSWER_MS) as done:
        panel.ask()
    result = done.args[0]
    assert result is not None and not result.found and result.citations
    bubble = panel.ask_tab.chat.bubbles[-1]
    assert bubble.text.startswith("Your documents don't say") and bubble.body.isVisibleTo(bubble)
    assert bubble.heading.text() == "CLOSEST PASSAGES"
    assert [b.citation for b in bubble.blocks] == result.citations
    assert all(b.citation.quote and b.quote.isVisibleTo(b) for b in bubble.blocks)
    bubble.blocks[0].source.linkActivated.emit("cite:1")
    assert window.reader.view.current_page == result.citations[0].page


def test_stop_ends_the_answer_and_the_next_question_works(qtbot, make_window, garden):
    window = make_window()
    index_and_wait(qtbot, window, [garden])
    panel = window.assistant_panel
    composer = panel.ask_tab.composer
    composer.edit.setPlainText("What do members bring to the harvest festival in September?")

    with qtbot.waitSignal(panel.answer_finished, timeout=ANSWER_MS) as stopped:
        panel.ask()
        assert composer.generating
        # Stopped once the quote is on show, while the model phrases (its first words may be
        # held back to the end, so no token is waited for).
        quoted: list[QuoteFound] = []
        panel.asking.worker.signals.progress.connect(
            lambda value: quoted.append(value) if isinstance(value, QuoteFound) else None
        )
        qtbot.waitUntil(lambda: bool(quoted), timeout=ANSWER_MS)
        qtbot.mouseClick(composer.send, Qt.MouseButton.LeftButton)  # the Stop button now
    assert stopped.args[0] is None
    assert "Stopped." in panel.ask_tab.chat.bubbles[-1].note.text()
    assert not composer.generating

    result, _, _ = ask(qtbot, window, QUESTION)
    assert result is not None and result.found and result.answer.strip()


def test_summary_and_sentiment_then_from_the_cache(qtbot, make_window, garden, tmp_path):
    window = make_window()
    index_and_wait(qtbot, window, [garden])
    panel = window.assistant_panel
    (record,) = window.library_panel.records()
    window.library_panel.select(record.id)

    with qtbot.waitSignal(panel.summary_finished, timeout=ANSWER_MS) as summary:
        qtbot.mouseClick(panel.summary_tab.run_button, Qt.MouseButton.LeftButton)
        assert panel.summary_tab.progress_box.isVisible()
    assert summary.args[0].summary.strip()
    tab = panel.summary_tab
    assert tab.view.toPlainText().strip() and not tab.run_button.isVisible()
    exported = tab.export_to(str(tmp_path / "summary"))
    text = (tmp_path / "summary.md").read_text()
    assert exported.endswith(".md") and text.startswith("# Summary of Garden handbook")
    tab.copy()
    assert QApplication.clipboard().text() == tab.copy_text()

    panel.show_tab(panel.TAB_SENTIMENT)
    with qtbot.waitSignal(panel.sentiment_finished, timeout=ANSWER_MS) as sentiment:
        qtbot.mouseClick(panel.sentiment_tab.run_button, Qt.MouseButton.LeftButton)
    result = sentiment.args[0]
    assert result.label in ("positive", "neutral", "negative") and len(result.pages) == 4
    chart = panel.sentiment_tab.chart
    assert [p.page for p in chart.pages] == [1, 2, 3, 4]
    rows = list(csv.reader(io.StringIO(panel.sentiment_tab.export_text())))
    assert rows[0] == ["page", "label", "positive", "neutral", "negative"]
    assert [r[0] for r in rows[1:]] == ["document", "1", "2", "3", "4"]
    with qtbot.waitSignal(panel.page_requested) as clicked:
        qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=chart._column(2).center().toPoint())
    assert clicked.args == [record.id, 3]

    # Another window on the same library shows both at once, from the cache.
    window.close()
    qtbot.waitUntil(lambda: window._shutdown_done, timeout=60_000)
    again = make_window()
    again.library_panel.select(record.id)
    qtbot.waitUntil(lambda: again.assistant_panel.sentiment_tab.has_result(), timeout=10_000)
    qtbot.waitUntil(lambda: again.assistant_panel.summary_tab.has_result(), timeout=10_000)
    assert again.assistant_panel.summary_tab.cached
    assert "instantly" in again.assistant_panel.sentiment_tab.status.text()


def test_settings_round_trip(qtbot, make_window, data_dir):
    window = make_window()
    dialog = window.assistant_panel.open_settings(window)
    qtbot.waitUntil(lambda: dialog.apply_button.isEnabled(), timeout=60_000)
    assert dialog.model_combo.count() >= 1 and "Gemma" in dialog.model_combo.currentText()
    assert dialog.gpu_layers.layers == 18  # read from the bundled GGUF
    assert dialog.gpu_label.text()  # the GPUs found, or why the model runs on the CPU
    assert dialog.gpu_layers.get() == "auto" and dialog.gpu_layers.auto.isChecked()  # default

    dialog.editors["n_ctx"].put(2048)
    dialog.editors["n_threads"].put(2)
    dialog.editors["n_batch"].put(256)
    with qtbot.waitSignal(dialog.applied, timeout=120_000):
        qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
        assert "Loading" in dialog.message.text()
    assistant = window.assistant_panel.assistant
    assert (assistant.settings.n_ctx, assistant.settings.n_threads) == (2048, 2)
    saved = load_settings(data_dir)
    assert (saved.n_ctx, saved.n_threads, saved.n_batch) == (2048, 2, 256)
    dialog.close()

    window.close()
    qtbot.waitUntil(lambda: window._shutdown_done, timeout=60_000)
    again = make_window()
    reopened = again.assistant_panel.open_settings(again)
    qtbot.waitUntil(lambda: reopened.apply_button.isEnabled(), timeout=60_000)
    assert reopened.current().n_ctx == 2048
    assert reopened.current().n_threads == 2
    reopened.close()


def test_a_bad_model_file_is_a_sentence_and_the_old_model_stays(qtbot, make_window, tmp_path):
    window = make_window()
    bad = tiny_gguf(tmp_path / "broken.gguf")

    def use_it() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, use_it)
            return
        assert "broken.gguf" in box.text()
        next(b for b in box.buttons() if b.text() == "Add and use it").click()

    QTimer.singleShot(0, use_it)
    drop_files(window.reader.view.viewport(), [bad])
    qtbot.waitUntil(lambda: window.banner.message() != "", timeout=60_000)
    message = window.banner.message()
    assert "Traceback" not in message and message.endswith(".")
    qtbot.waitUntil(lambda: window.assistant_panel.state == "ready", timeout=60_000)
    assistant = window.assistant_panel.assistant
    assert assistant.settings.model == "default"
    assert assistant.engine_state() == "ready"


def test_closing_mid_job_cancels_everything_and_shuts_down(qtbot, make_window, garden, tmp_path):
    window = make_window()
    index_and_wait(qtbot, window, [garden])
    pages = [
        f"Part {n}. " + "Swifts scream over the roofs at dusk in summer. " * 60 for n in range(80)
    ]
    big = make_pdf(tmp_path / "big.pdf", pages, title="Big survey")
    panel = window.assistant_panel
    drop_files(window.reader.view.viewport(), [big])
    qtbot.waitUntil(lambda: window.library_panel.indexing.bar.value() > 0, timeout=ANSWER_MS)
    panel.ask_tab.composer.edit.setPlainText(QUESTION)
    worker = panel.ask()
    # Mid-answer: the quote is found, the model is yet to phrase it (its words may be held
    # back to the end, so the first token is no sure sign of a running job).
    quoted: list[QuoteFound] = []
    worker.signals.progress.connect(
        lambda value: quoted.append(value) if isinstance(value, QuoteFound) else None
    )
    qtbot.waitUntil(lambda: bool(quoted), timeout=ANSWER_MS)
    assert window.indexing and panel.busy

    window.close()  # mid-indexing, mid-answer
    assert not window.isEnabled()  # finishing the current step, then closing
    qtbot.waitUntil(lambda: window._shutdown_done, timeout=60_000)
    assert not window.pool.busy
    assert window.index_process._process is None
    assert panel.assistant is None  # the engine was closed

    again = make_window(wait_ready=False)
    titles = {r.title: r.status for r in again.library_panel.records()}
    assert titles["Garden handbook"] == "indexed"
    assert titles.get("Big survey", "indexed") == "indexed"  # whole or not at all


def test_gpu_layers_editor_offers_auto_all_and_a_number(qtbot):
    from docnook.config import option
    from docnook.gui.settings_dialog import GpuLayersEditor

    editor = GpuLayersEditor(option("n_gpu_layers"))
    qtbot.addWidget(editor)
    editor.set_layers(18, suggested=12)  # Auto would put 12 of 18 layers on the GPU
    editor.put("auto")
    assert editor.get() == "auto" and editor.slider.value() == 12
    assert editor.value.text() == "Auto: 12 of 18 layers" and not editor.slider.isEnabled()
    editor.auto.setChecked(False)
    editor.slider.setValue(5)
    assert editor.get() == 5 and editor.value.text() == "5 of 18 layers"
    editor.all.setChecked(True)
    assert editor.get() == -1 and editor.value.text() == "all 18 layers"
    editor.put(0)
    assert editor.get() == 0 and editor.value.text() == "CPU only"
