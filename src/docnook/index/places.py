"""From chunk candidates to places: one result per place in a document, navigation left out.

Chunks overlap (the chunker repeats about 40 word pieces between neighbours) and a relevant
passage often spans two chunks, so the top chunks of a search are often the same place two or
three times. Those collapse into one place whose text is the union of their text. Tables of
contents and back-of-book indexes match every word of a question and answer none, so they are
recognised here and left out of the results.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from docnook.index.store import ChunkRow


class Similarities(Protocol):
    def get(self, chunk_id: int, default: float = 0.0) -> float: ...


# A line that ends in a page reference: "2.3 Installing packages ........ 12",
# "install.packages, 12, 45", "Index 311".
_PAGE_REFERENCE = re.compile(r"(?:\.\s*){3,}\s*[\divxlc]+$|[\s,]\d{1,4}(?:\s*[,–-]\s*\d{1,4})*$")
_NAVIGATION_SHARE = 0.45  # of a chunk's lines ending in page references
_NAVIGATION_MIN_LINES = 5
MAX_PLACE_CHUNKS = 3  # a place longer than this is split back: a passage, not a chapter


def is_navigation(text: str) -> bool:
    """Whether `text` reads as a table of contents or an index rather than prose."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) < _NAVIGATION_MIN_LINES:
        return False
    referencing = sum(1 for line in lines if _PAGE_REFERENCE.search(line))
    dotted = sum(1 for line in lines if "...." in line or ". . ." in line)
    return referencing / len(lines) >= _NAVIGATION_SHARE or dotted / len(lines) >= 0.3


@dataclass
class Place:
    """Consecutive chunks of one document that a search found, as one passage."""

    chunks: list[ChunkRow]
    score: float  # the best fused score of its chunks
    keyword_rank: int | None = None  # best BM25 rank among its chunks (1-based)
    similarity: float = 0.0  # best cosine similarity of its chunks to the query
    order: int = 0  # position of its best chunk in the fused ranking
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def document_id(self) -> int:
        return self.chunks[0].document_id

    @property
    def first(self) -> ChunkRow:
        return self.chunks[0]

    @property
    def page_start(self) -> int:
        return min(c.page_start for c in self.chunks)

    @property
    def page_end(self) -> int:
        return max(c.page_end for c in self.chunks)

    @property
    def char_start(self) -> int:
        return self.chunks[0].char_start

    @property
    def text(self) -> str:
        """The chunks' text without the overlap repeated. A gap between two chunks (the page
        separator the chunker skipped) is filled with as many line breaks, so an offset in
        this text plus `char_start` is an offset in the document's joined pages."""
        parts: list[str] = []
        end: int | None = None
        for chunk in self.chunks:
            if end is None:
                parts.append(chunk.text)
            elif chunk.char_start >= end:
                parts.append("\n" * (chunk.char_start - end) + chunk.text)
            elif chunk.char_end > end:
                parts.append(chunk.text[end - chunk.char_start :])
            end = chunk.char_end if end is None else max(end, chunk.char_end)
        return "".join(parts)


def collapse(
    ranked: list[tuple[ChunkRow, float]],
    keyword_ranks: dict[int, int],
    similarities: Similarities,
) -> list[Place]:
    """Places from chunks ranked best first: chunks of one document whose character spans
    overlap or touch, or that follow each other, join one place. Places come best first."""
    places: list[Place] = []
    by_document: dict[int, list[Place]] = {}
    for order, (chunk, score) in enumerate(ranked):
        home = None
        for place in by_document.get(chunk.document_id, []):
            if len(place.chunks) < MAX_PLACE_CHUNKS and _touches(place, chunk):
                home = place
                break
        if home is None:
            home = Place([chunk], score, order=order)
            places.append(home)
            by_document.setdefault(chunk.document_id, []).append(home)
        else:
            home.chunks.append(chunk)
            home.chunks.sort(key=lambda c: c.seq)
        rank = keyword_ranks.get(chunk.id)
        if rank is not None and (home.keyword_rank is None or rank < home.keyword_rank):
            home.keyword_rank = rank
        home.similarity = max(home.similarity, similarities.get(chunk.id, 0.0))
    return places


def _touches(place: Place, chunk: ChunkRow) -> bool:
    for other in place.chunks:
        if abs(other.seq - chunk.seq) <= 1:
            return True
        if chunk.char_start <= other.char_end and other.char_start <= chunk.char_end:
            return True
    return False
