"""Chat history: the questions asked of one library and the answers given, with their citations.

It lives in the library's own SQLite file (tables `chats` and `messages`), so a library carries
its conversations with it. Like `Library`, one instance per thread.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docnook import paths
from docnook.index.store import Store

ROLES = ("user", "assistant")


@dataclass(frozen=True)
class ChatMessage:
    id: int
    chat_id: int
    role: str  # user | assistant
    text: str
    citations: list[dict[str, Any]] = field(default_factory=list)
    document_ids: list[int] | None = None  # what the question was limited to (None: all)
    found: bool = True  # False when the library held nothing relevant
    stopped: bool = False  # the person stopped the answer part-way
    created_at: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "chat_id": self.chat_id,
            "role": self.role,
            "text": self.text,
            "citations": self.citations,
            "document_ids": self.document_ids,
            "found": self.found,
            "stopped": self.stopped,
            "created_at": self.created_at,
        }


@dataclass(frozen=True)
class Chat:
    id: int
    title: str
    created_at: str
    updated_at: str
    messages: int


_NEXT_ACTIVITY = "(SELECT COALESCE(MAX(activity), 0) + 1 FROM chats)"


class ChatHistory:
    """The conversations kept in one data directory."""

    def __init__(self, data_dir: Path | None = None) -> None:
        base = paths.ensure_private_dir(data_dir or paths.data_dir())
        self.store = Store(paths.index_path(base))

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> ChatHistory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def chats(self) -> list[Chat]:
        """Every chat, the most recently active first."""
        rows = self.store.query(
            "SELECT c.id, c.title, c.created_at, c.updated_at, "
            "(SELECT count(*) FROM messages m WHERE m.chat_id = c.id) "
            "FROM chats c ORDER BY c.activity DESC, c.id DESC"
        )
        return [Chat(*row) for row in rows]

    def chat(self, chat_id: int) -> Chat | None:
        return next((c for c in self.chats() if c.id == chat_id), None)

    def create_chat(self, title: str = "") -> Chat:
        with self.store.transaction() as conn:
            chat_id = conn.execute(
                f"INSERT INTO chats (title, activity) VALUES (?, {_NEXT_ACTIVITY})",
                (_title(title),),
            ).lastrowid
        chat = self.chat(int(chat_id))
        assert chat is not None
        return chat

    def add_message(
        self,
        chat_id: int,
        role: str,
        text: str,
        citations: list[dict[str, Any]] | None = None,
        document_ids: list[int] | None = None,
        found: bool = True,
        stopped: bool = False,
    ) -> ChatMessage:
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}")
        with self.store.transaction() as conn:
            message_id = conn.execute(
                "INSERT INTO messages (chat_id, role, text, citations, document_ids, found, "
                "stopped) VALUES (?,?,?,?,?,?,?)",
                (
                    chat_id,
                    role,
                    text,
                    json.dumps(citations or []),
                    json.dumps(document_ids) if document_ids is not None else None,
                    int(found),
                    int(stopped),
                ),
            ).lastrowid
            conn.execute(
                "UPDATE chats SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'), "
                f"activity = {_NEXT_ACTIVITY}, "
                "title = CASE WHEN title = '' AND ? = 'user' THEN ? ELSE title END WHERE id = ?",
                (role, _title(text), chat_id),
            )
        return self.messages(chat_id, message_id=int(message_id))[0]

    def messages(self, chat_id: int, message_id: int | None = None) -> list[ChatMessage]:
        sql = (
            "SELECT id, chat_id, role, text, citations, document_ids, found, stopped, created_at "
            "FROM messages WHERE chat_id = ?"
        )
        params: tuple[Any, ...] = (chat_id,)
        if message_id is not None:
            sql += " AND id = ?"
            params += (message_id,)
        rows = self.store.query(sql + " ORDER BY id", params)
        return [
            ChatMessage(
                id=row[0],
                chat_id=row[1],
                role=row[2],
                text=row[3],
                citations=json.loads(row[4] or "[]"),
                document_ids=json.loads(row[5]) if row[5] is not None else None,
                found=bool(row[6]),
                stopped=bool(row[7]),
                created_at=row[8],
            )
            for row in rows
        ]

    def delete_chat(self, chat_id: int) -> None:
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM chats WHERE id = ?", (chat_id,))

    def clear(self) -> None:
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM chats")


def _title(text: str, limit: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
