"""Chat history kept in the library's SQLite file."""

from __future__ import annotations

import pytest

from docnook.history import ChatHistory


def test_a_chat_keeps_its_messages_and_citations_across_connections(tmp_path):
    data = tmp_path / "data"
    with ChatHistory(data) as history:
        chat = history.create_chat()
        history.add_message(chat.id, "user", "When does the shed open?", document_ids=[3])
        cited = [{"n": 1, "document_id": 3, "path": "/x.pdf", "title": "X", "page": 2}]
        history.add_message(chat.id, "assistant", "At 7 a.m. [1].", cited, document_ids=[3])

    with ChatHistory(data) as history:
        (kept,) = history.chats()
        assert kept.title == "When does the shed open?" and kept.messages == 2
        question, answer = history.messages(kept.id)
    assert (question.role, question.document_ids) == ("user", [3])
    assert (answer.role, answer.text, answer.citations) == ("assistant", "At 7 a.m. [1].", cited)
    assert answer.found and not answer.stopped


def test_most_recent_chat_comes_first_and_delete_removes_its_messages(tmp_path):
    with ChatHistory(tmp_path) as history:
        old = history.create_chat("Old")
        new = history.create_chat("New")
        history.add_message(old.id, "user", "again?")
        assert [c.title for c in history.chats()] == ["Old", "New"]
        history.delete_chat(old.id)
        assert [c.title for c in history.chats()] == ["New"]
        assert history.messages(old.id) == []
        history.add_message(new.id, "assistant", "partial", stopped=True, found=False)
        (message,) = history.messages(new.id)
        assert message.stopped and not message.found


def test_a_long_question_makes_a_short_title_and_roles_are_checked(tmp_path):
    with ChatHistory(tmp_path) as history:
        chat = history.create_chat()
        history.add_message(chat.id, "user", "word " * 40)
        assert len(history.chat(chat.id).title) <= 60
        with pytest.raises(ValueError):
            history.add_message(chat.id, "system", "no")
