"""Asking, with the fake engine: the road from the question to the quote, the checked
phrasing, "your documents don't say", the chat the service keeps, and cancel. What the real
model says is the integration tests' business (tests/integration/test_assistant.py); here the
model's words are scripted, so each rule of the road is tested on its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from docnook.assistant.asking import NOT_FOUND, compose
from docnook.errors import Cancelled
from docnook.jobs import CancelToken
from docnook.library import Library
from fakes import (
    FakeEmbedder,
    FakeModel,
    assistant_with,
    refuse_the_engine,
)
from pdfmaker import make_pdf

# Long pages, so each is its own chunk and a citation can only be right by its page.
HANDBOOK = [
    "Opening hours. The museum of Eldvik opens at nine in the morning and closes at five in "
    "the afternoon from Tuesday to Sunday. On Mondays the museum is closed for cleaning. "
    "Groups of more than ten visitors should book a guided tour at the front desk. " * 2,
    "The lighthouse. The old lighthouse was kept by Marta Olsen, who lit its whale oil lamp "
    "every night for forty years, from 1881 to 1921. Her logbooks, in which she recorded "
    "every passing ship and every storm, are shown in the lighthouse room. " * 2,
    "The harbor. The harbor of Eldvik was built in 1871 by the merchant guild. It has three "
    "piers of granite, and in 1923 a storm destroyed the northern pier, which the guild "
    "rebuilt in stone the following summer. " * 2,
]
QUESTION = "Who kept the old lighthouse?"


@pytest.fixture
def handbook(tmp_path: Path, data_dir: Path) -> int:
    pdf = make_pdf(tmp_path / "handbook.pdf", HANDBOOK, title="Eldvik museum handbook")
    with Library(data_dir, FakeEmbedder()) as library:  # type: ignore[arg-type]
        library.index([pdf])
        (record,) = library.documents()
        return record.id


def test_the_quote_comes_first_then_the_checked_phrasing(data_dir: Path, handbook: int) -> None:
    assistant, engine = assistant_with(
        data_dir, FakeModel(reply="Marta Olsen kept it, from 1881 to 1921.")
    )
    events: list[tuple[str, str]] = []
    with assistant:
        answer = assistant.ask(
            QUESTION,
            on_quote=lambda c: events.append(("quote", c.quote)),
            on_token=lambda t: events.append(("token", t)),
        )
    assert answer.found and answer.supported
    assert events[0][0] == "quote" and all(kind == "token" for kind, _ in events[1:])
    (citation,) = answer.citations
    assert (citation.document_id, citation.page) == (handbook, 2)
    assert "kept by Marta Olsen" in citation.quote
    # The quote is the page's own text, whitespace tidied, not the model's.
    assert citation.quote in " ".join(HANDBOOK[1].split())
    assert answer.phrasing == "Marta Olsen kept it, from 1881 to 1921."
    assert answer.answer == compose(answer.phrasing, citation.quote)
    assert engine.jobs == 1
    shown = answer.as_json()
    assert shown["supported"] is True and shown["citations"][0]["quote"] == citation.quote


def test_a_phrasing_with_a_fact_not_in_the_passage_is_never_shown(
    data_dir: Path, handbook: int
) -> None:
    # 1875 and "Henrik" are nowhere in the cited passage: the check stops the stream there.
    assistant, _ = assistant_with(
        data_dir, FakeModel(reply="Marta Olsen kept it from 1875, helped by Henrik.")
    )
    tokens: list[str] = []
    with assistant:
        answer = assistant.ask(QUESTION, on_token=tokens.append)
    assert answer.found and answer.phrasing is None
    assert "1875" not in "".join(tokens) and "Henrik" not in "".join(tokens)
    assert answer.answer == compose(None, answer.citations[0].quote)


def test_a_phrasing_that_only_says_the_question_back_is_never_shown(
    data_dir: Path, handbook: int
) -> None:
    # Every word is the question's: it names no keeper, so the quote is the answer.
    assistant, _ = assistant_with(data_dir, FakeModel(reply="The old lighthouse was kept."))
    tokens: list[str] = []
    with assistant:
        answer = assistant.ask(QUESTION, on_token=tokens.append)
    assert answer.found and answer.phrasing is None and tokens == []
    assert answer.answer == compose(None, answer.citations[0].quote)


def test_a_question_the_library_cannot_answer_is_declined_without_the_model(
    data_dir: Path, handbook: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    assistant, engine = assistant_with(
        data_dir, FakeModel(reply="The ingress controller is configured by YAML.")
    )
    refuse_the_engine(monkeypatch, engine)
    with assistant:
        answer = assistant.ask("How is the Kubernetes ingress controller configured with TLS?")
    assert not answer.found and not answer.supported
    # It says why: the words the documents never use.
    assert answer.answer.startswith(
        "Your documents don't say: they never mention “Kubernetes” or “ingress”"
    )
    # The closest passages come with their pages, so the person can look for themselves.
    assert answer.citations and all(c.page >= 1 and c.quote for c in answer.citations)


def test_a_common_word_no_page_uses_gets_the_closest_passage_without_the_model(
    data_dir: Path, handbook: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    assistant, engine = assistant_with(data_dir, FakeModel(reply="It was kept by the guild."))
    refuse_the_engine(monkeypatch, engine)
    # No page says "company" (a common word, `FakeEmbedder.common_words`): the pages may say
    # it otherwise, so no refusal, and the passage is shown as the closest, not phrased.
    with assistant:
        answer = assistant.ask("Which company kept the old lighthouse lamp?")
    assert answer.found and not answer.supported and answer.phrasing is None
    assert answer.answer.startswith("Your documents never use the word “company”")
    (citation,) = answer.citations
    assert citation.page == 2 and citation.quote in answer.answer


def test_a_question_whose_words_are_all_in_the_library_but_far_from_any_sentence_is_declined(
    data_dir: Path, handbook: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    assistant, engine = assistant_with(data_dir, FakeModel(reply="Never said."))
    refuse_the_engine(monkeypatch, engine)
    with assistant:
        answer = assistant.ask("Storm logbooks guild summer nine?")
    assert not answer.found and answer.answer == NOT_FOUND


def test_the_service_keeps_the_chat_and_a_follow_up_is_searched_with_it(
    data_dir: Path, handbook: int
) -> None:
    assistant, _ = assistant_with(data_dir, FakeModel(reply="For forty years."))
    with assistant:
        first = assistant.ask(QUESTION)
        assert first.chat_id is not None
        # Alone, this follow-up names nothing on any page; with the question before, it does.
        follow = assistant.ask("And for how many years?", chat_id=first.chat_id)
        assert follow.found and follow.chat_id == first.chat_id
        assert follow.citations[0].page == 2
        messages = assistant.chat_messages(first.chat_id)
    assert [m.role for m in messages] == ["user", "assistant", "user", "assistant"]
    assert messages[-1].citations[0]["quote"] == follow.citations[0].quote


def test_cancel_while_phrasing_files_what_was_shown_as_stopped(
    data_dir: Path, handbook: int
) -> None:
    cancel = CancelToken()

    class CancelledMidway(FakeModel):
        """The person cancels after the model's second word, before its sentence ends."""

        def stream(self, prompt, emit, token):  # type: ignore[no-untyped-def]
            def counted(piece: str) -> None:
                emit(piece)
                if len(self.words) == 1:
                    cancel.cancel()
                self.words.append(piece)

            self.words: list[str] = []
            return super().stream(prompt, counted, token)

    reply = "Marta Olsen kept the old lighthouse for forty years."
    assistant, _ = assistant_with(data_dir, CancelledMidway(reply=reply))
    tokens: list[str] = []
    with assistant:
        with pytest.raises(Cancelled):
            assistant.ask(QUESTION, on_token=tokens.append, cancel=cancel)
        (chat,) = assistant.chat_list()
        messages = assistant.chat_messages(chat.id)
    # The short answer is shown whole once its sentence has ended: nothing was, so nothing
    # is filed as said, and the turn is marked stopped.
    assert tokens == []
    assert [m.role for m in messages] == ["user", "assistant"]
    assert messages[-1].stopped and messages[-1].text == ""
