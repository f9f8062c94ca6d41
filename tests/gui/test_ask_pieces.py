"""The pieces of the Ask side that need no model: the engine state's one writer, citations
read back from a chat, and an answer bubble (quote first, then the words; "don't say")."""

from __future__ import annotations

from docnook.assistant import Citation
from docnook.assistant.asking import NOT_FOUND, compose
from docnook.gui.citations import KeptMessage, StoredCitation, split_answer
from docnook.gui.engine_status import BUSY, EngineStatus
from docnook.gui.message_bubble import CURSOR, MessageBubble
from docnook.history import ChatMessage

QUOTE = "The tool shed opens at 7 a.m. and is locked at dusk by the volunteer on duty."


def citation(n: int = 1, page: int = 3, quote: str = QUOTE) -> Citation:
    return Citation(n, 4, "/docs/garden.pdf", "Garden handbook", page, 2, 3, 17, "…", quote)


def test_the_engine_state_is_derived_from_what_the_jobs_report(qtbot):
    status = EngineStatus()
    seen: list[tuple[str, object]] = []
    status.changed.connect(lambda state, rate: seen.append((state, rate)))
    status.load_started()  # the preload starts before the service says it is up
    assert status.state == "starting"
    status.service_up()
    status.job_started("ask")
    status.set_rate(12.5)
    status.job_started("sentiment", BUSY)
    status.job_ended("ask")
    assert status.state == "loading"  # a load in flight outranks the jobs
    status.load_ended("ready")
    assert (status.state, status.rate) == (BUSY, None)
    status.job_ended("sentiment")
    status.load_started()
    status.load_ended("error")  # the load failed and nothing is loaded
    assert seen == [
        ("loading", None),
        ("busy", None),
        ("ready", None),
        ("loading", None),
        ("error", None),
    ]


def test_a_rate_shows_only_while_generating(qtbot):
    status = EngineStatus()
    status.service_up()
    status.job_started("summary")
    status.set_rate(20.0)
    assert (status.state, status.rate) == ("generating", 20.0)
    status.job_ended("summary")
    assert (status.state, status.rate) == ("ready", None)


def test_stored_citations_are_typed_once_and_old_rows_get_defaults():
    stored = citation().as_json() | {"page_end": 3, "text": "the passage"}
    message = ChatMessage(1, 1, "assistant", compose("At 7 a.m.", QUOTE), [stored])
    kept = KeptMessage.from_history(message)
    (typed,) = kept.citations
    assert typed == StoredCitation(
        1, 4, "/docs/garden.pdf", "Garden handbook", 3, 3, "the passage", QUOTE
    )
    assert typed.label() == citation().label() == "[1] Garden handbook, p. 3"
    old = StoredCitation.from_stored({"n": 2, "path": "/docs/a.pdf", "page": 5})
    assert (old.document_id, old.title, old.page_end, old.quote) == (None, "/docs/a.pdf", 5, "")


def test_the_quote_is_split_from_the_answer_words():
    cited = [citation()]
    assert split_answer(compose("At 7 a.m.", QUOTE), cited) == ("At 7 a.m. [1]", True)
    assert split_answer(compose(None, QUOTE), cited) == ("", True)
    assert split_answer("Older answer [1].", cited) == ("Older answer [1].", False)
    assert split_answer("Older answer [1].", [citation(quote="")]) == ("Older answer [1].", False)


def test_a_bubble_shows_the_quote_then_the_words_then_the_answer(qtbot):
    bubble = MessageBubble("assistant")
    qtbot.addWidget(bubble)
    assert "Reading your documents" in bubble.body.text() and bubble.quote_shown == ""
    bubble.show_quote(citation())
    assert bubble.quote_shown == QUOTE and "Writing the answer" in bubble.body.text()
    bubble.set_streaming("The shed opens")
    assert CURSOR in bubble.body.text() and bubble.quote_shown == QUOTE
    bubble.finish(compose("The shed opens at 7 a.m.", QUOTE), [citation()])
    assert CURSOR not in bubble.body.text() and 'href="cite:1"' in bubble.body.text()
    assert "“" not in bubble.body.text(), "the quote is shown twice"
    (block,) = bubble.blocks
    assert "Garden handbook" in block.source.text() and 'href="cite:1"' in block.quote.text()
    assert bubble.citation(1) == citation() and bubble.citation(2) is None
    assert not bubble.heading.isVisibleTo(bubble)


def test_a_bubble_lists_the_closest_passages_when_the_documents_do_not_say(qtbot):
    bubble = MessageBubble("assistant")
    qtbot.addWidget(bubble)
    closest = [citation(1, 3), citation(2, 1, "Members meet on the first Saturday.")]
    bubble.finish(NOT_FOUND, closest, found=False)
    assert bubble.body.isVisibleTo(bubble) and bubble.heading.text() == "CLOSEST PASSAGES"
    assert [b.citation.n for b in bubble.blocks] == [1, 2]
    assert all(b.quote.isVisibleTo(bubble) for b in bubble.blocks)
    clicked: list[str] = []
    bubble.link_clicked.connect(clicked.append)
    bubble.blocks[1].source.linkActivated.emit("cite:2")
    assert clicked == ["cite:2"]


def test_a_stopped_answer_keeps_its_quote(qtbot):
    bubble = MessageBubble("assistant")
    qtbot.addWidget(bubble)
    bubble.show_quote(citation())
    bubble.finish("The shed", [citation()], stopped=True)
    assert bubble.quote_shown == QUOTE and "Stopped." in bubble.note.text()
