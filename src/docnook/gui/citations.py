"""Citations as the window handles them: typed, whether fresh from the service or from a chat.

A live answer brings the service's `Citation` objects; a chat read back from the history
brings plain dicts, as the store keeps them. Those are turned into a `StoredCitation` here,
once, so the chat view, the reader and the window only ever see one typed shape
(`CitedSource`) and never read dicts with `.get`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


class CitedSource(Protocol):
    """What the window needs of a citation; `docnook.assistant.Citation` has it all."""

    @property
    def n(self) -> int: ...
    @property
    def document_id(self) -> int | None: ...
    @property
    def path(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def page(self) -> int: ...
    @property
    def page_end(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def quote(self) -> str: ...

    def label(self) -> str: ...


@dataclass(frozen=True)
class StoredCitation:
    """A citation read back from the chat history."""

    n: int
    document_id: int | None
    path: str
    title: str
    page: int
    page_end: int
    text: str  # the passage
    quote: str  # the sentence(s) the answer rests on; "" in chats kept before quotes

    def label(self) -> str:
        return f"[{self.n}] {self.title}, p. {self.page}"

    @classmethod
    def from_stored(cls, data: Mapping[str, Any]) -> StoredCitation:
        """One stored citation; older rows lack some keys, so each has a default here."""
        page = int(data.get("page") or 1)
        doc = data.get("document_id")
        path = str(data.get("path") or "")
        return cls(
            n=int(data.get("n") or 1),
            document_id=int(doc) if doc is not None else None,
            path=path,
            title=str(data.get("title") or path or "document"),
            page=page,
            page_end=max(page, int(data.get("page_end") or page)),
            text=str(data.get("text") or ""),
            quote=str(data.get("quote") or ""),
        )


def stored_citations(rows: Sequence[Mapping[str, Any]]) -> list[StoredCitation]:
    return [StoredCitation.from_stored(row) for row in rows]


def split_answer(text: str, citations: Sequence[CitedSource]) -> tuple[str, bool]:
    """The answer's own words without the quote the service appends (“quote” [1]), and
    whether it was there: the quote is shown apart, as a block with its source."""
    first = next((c for c in citations if c.n == 1 and c.quote), None)
    if first is None:
        return text, False
    quoted = f"“{first.quote}” [1]"
    stripped = text.strip()
    if stripped == quoted:
        return "", True
    if stripped.endswith(quoted):
        return stripped[: -len(quoted)].rstrip(), True
    return text, False


@dataclass(frozen=True)
class KeptMessage:
    """A message of a chat read back from the history, its citations already typed."""

    role: str  # user | assistant
    text: str
    citations: list[StoredCitation]
    found: bool
    stopped: bool

    @classmethod
    def from_history(cls, message: Any) -> KeptMessage:
        """From the service's `ChatMessage`, whose citations are the stored dicts."""
        return cls(
            message.role,
            message.text,
            stored_citations(message.citations),
            bool(message.found),
            bool(message.stopped),
        )
