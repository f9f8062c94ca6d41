"""Chats: the questions asked of a library and the answers given, kept by the service.

The window and the command line continue a chat the same way (`Assistant.ask(..., chat_id)`),
and a follow-up ("and what is its default?") is searched with the conversation: the question
before it says what "it" is.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from docnook import text as textrules
from docnook.history import Chat, ChatHistory, ChatMessage

if TYPE_CHECKING:
    from docnook.assistant.asking import Answer

# Words that point back into the conversation: a question holding one is a follow-up.
_POINTER_TEXT = "it its this that these those they them their he she his her there such same one"
_POINTERS = frozenset(_POINTER_TEXT.split())
_FOLLOW_UP_OPENINGS = ("and ", "what about", "how about", "also ", "then ", "so ")
_FEW_KEY_WORDS = 2  # a question with no more content words than this leans on what came before


@dataclass(frozen=True)
class ChatContext:
    """What a chat says before its next question."""

    previous_question: str = ""
    previous_pages: tuple[tuple[int, int], ...] = ()  # (document id, page) cited last

    def is_follow_up(self, question: str) -> bool:
        if not self.previous_question:
            return False
        lowered = question.lower()
        words = set(textrules.words(question))
        return (
            bool(words & _POINTERS)
            or lowered.startswith(_FOLLOW_UP_OPENINGS)
            or len(textrules.content_words(question)) <= _FEW_KEY_WORDS
        )

    def query_for(self, question: str) -> str:
        """What to search for: the question, with the one before it when it follows on."""
        if self.is_follow_up(question):
            return f"{self.previous_question} {question}"
        return question


class Turn:
    """One question being answered: filed when asked, its answer filed when it ends."""

    def __init__(self, chats: Chats, chat_id: int, document_ids: list[int] | None) -> None:
        self._chats = chats
        self.chat_id = chat_id
        self._document_ids = document_ids

    def finished(self, answer: Answer) -> Answer:
        with self._chats.history() as history:
            history.add_message(
                self.chat_id,
                "assistant",
                answer.answer,
                [c.as_json() | {"page_end": c.page_end, "text": c.text} for c in answer.citations],
                document_ids=self._document_ids,
                found=answer.found,
            )
        return replace(answer, chat_id=self.chat_id)

    def stopped(self, partial: str = "") -> None:
        with self._chats.history() as history:
            history.add_message(
                self.chat_id, "assistant", partial, document_ids=self._document_ids, stopped=True
            )


class Chats:
    """The chats of one data directory."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    def history(self) -> ChatHistory:
        return ChatHistory(self.data_dir)

    def chats(self) -> list[Chat]:
        with self.history() as history:
            return history.chats()

    def messages(self, chat_id: int) -> list[ChatMessage]:
        with self.history() as history:
            self._require(history, chat_id)
            return history.messages(chat_id)

    def delete(self, chat_id: int) -> None:
        with self.history() as history:
            history.delete_chat(chat_id)

    def create(self, title: str = "") -> int:
        with self.history() as history:
            return history.create_chat(title).id

    def context(self, chat_id: int) -> ChatContext:
        with self.history() as history:
            self._require(history, chat_id)
            messages = history.messages(chat_id)
        question = next((m.text for m in reversed(messages) if m.role == "user"), "")
        answer = next((m for m in reversed(messages) if m.role == "assistant"), None)
        pages: tuple[tuple[int, int], ...] = ()
        if answer is not None:
            pages = tuple(
                (int(c["document_id"]), int(c["page"]))
                for c in answer.citations
                if "document_id" in c and "page" in c
            )
        return ChatContext(question, pages)

    def begin(self, chat_id: int | None, question: str, document_ids: list[int] | None) -> Turn:
        with self.history() as history:
            if chat_id is None:
                chat_id = history.create_chat(question).id
            else:
                self._require(history, chat_id)
            history.add_message(chat_id, "user", question, document_ids=document_ids)
        return Turn(self, chat_id, document_ids)

    @staticmethod
    def _require(history: ChatHistory, chat_id: int) -> None:
        from docnook.errors import InputError

        if history.chat(chat_id) is None:
            raise InputError(f"No chat {chat_id} (see `docnook chats`).")
