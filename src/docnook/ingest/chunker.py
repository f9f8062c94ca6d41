"""Split a document's pages into overlapping chunks that fit the embedding model's window.

Chunks are cut on the embedding model's own word pieces, so a chunk never overflows the window
(all-MiniLM-L6-v2 reads 256, two of them its special tokens). A cut prefers, in order, a page
boundary, a paragraph end, a sentence end, a line end, then any word start, in the back part of
the window, so chunks stay whole thoughts and most of them sit on a single page, which is what
a citation wants.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from docnook.ingest.headings import heading_paths

# Given texts, the (start, end) character spans of each text's word pieces, no special tokens.
TokenSpans = Callable[[Sequence[str]], list[list[tuple[int, int]]]]

PAGE_SEPARATOR = "\n\n"
_SPECIAL_TOKENS = 2  # [CLS] and [SEP]
_SAFETY = 6  # re-tokenising a cut-out chunk can add a piece or two at its edges
_SEARCH_FROM = 0.6  # cut points are looked for in the last 40% of a full window
_PAGE_CUT_FROM = 0.25  # but a page boundary is taken once a chunk holds a quarter window

_BREAK_PAGE, _BREAK_PARAGRAPH, _BREAK_SENTENCE, _BREAK_LINE, _BREAK_WORD = 5, 4, 3, 2, 1
_SENTENCE_END = ".!?:;\u3002\uff01\uff1f"


@dataclass(frozen=True)
class Chunk:
    seq: int
    text: str
    page_start: int  # 1-based
    page_end: int  # 1-based, inclusive
    char_start: int  # offsets in the pages joined by PAGE_SEPARATOR
    char_end: int
    heading: str = ""  # the section it sits in (`headings.py`), "" when none is numbered


def join_pages(pages: Sequence[str]) -> tuple[str, list[int]]:
    """The document text and the offset where each page starts in it."""
    starts, offset = [], 0
    for text in pages:
        starts.append(offset)
        offset += len(text) + len(PAGE_SEPARATOR)
    return PAGE_SEPARATOR.join(pages), starts


def _best_cut(start: int, end: int, n: int, body: int, break_kind: Callable[[int], int]) -> int:
    """Where to end a chunk that begins at token `start` and could run to `end` (of `n`)."""
    page_floor = start + max(1, int(body * _PAGE_CUT_FROM))
    for j in range(page_floor, min(end + 1, n)):
        if break_kind(j) == _BREAK_PAGE:
            return j  # the earliest page boundary: citations then name a single page
    if end >= n:
        return n
    best_j, best_kind = end, break_kind(end)
    for j in range(end - 1, start + max(1, int(body * _SEARCH_FROM)) - 1, -1):
        kind = break_kind(j)
        if kind > best_kind:
            best_j, best_kind = j, kind
    return best_j


def chunk_pages(
    pages: Sequence[str],
    token_spans: TokenSpans,
    max_tokens: int = 256,
    overlap_tokens: int = 40,
) -> list[Chunk]:
    """Chunks of at most `max_tokens` word pieces (specials included) with about
    `overlap_tokens` of overlap between neighbours that share a page."""
    body = max_tokens - _SPECIAL_TOKENS - _SAFETY
    if body < 8:
        raise ValueError("max_tokens is too small to hold a chunk")
    overlap_tokens = max(0, min(overlap_tokens, body // 2))
    text, page_starts = join_pages(pages)
    spans: list[tuple[int, int]] = []
    page_first_token: set[int] = set()
    for page_index, page_spans in enumerate(token_spans(list(pages))):
        if page_spans:
            page_first_token.add(len(spans))
        base = page_starts[page_index]
        spans.extend((base + s, base + e) for s, e in page_spans if e > s)
    if not spans:
        return []

    def page_of(offset: int) -> int:
        return bisect.bisect_right(page_starts, offset)  # 1-based by construction

    def break_kind(j: int) -> int:
        """How good a cut is right before token j."""
        if j in page_first_token:
            return _BREAK_PAGE
        gap = text[spans[j - 1][1] : spans[j][0]]
        if not gap:
            return 0
        if "\n\n" in gap:
            return _BREAK_PARAGRAPH
        if text[spans[j - 1][1] - 1] in _SENTENCE_END:
            return _BREAK_SENTENCE
        return _BREAK_LINE if "\n" in gap else _BREAK_WORD

    chunks: list[Chunk] = []
    n, i = len(spans), 0
    while i < n:
        end = _best_cut(i, min(i + body, n), n, body, break_kind)
        start_char, end_char = spans[i][0], spans[end - 1][1]
        chunks.append(
            Chunk(
                seq=len(chunks),
                text=text[start_char:end_char],
                page_start=page_of(start_char),
                page_end=page_of(end_char - 1),
                char_start=start_char,
                char_end=end_char,
            )
        )
        if end >= n:
            break
        if end in page_first_token:
            i = end  # a clean page cut needs no overlap: the next page starts fresh
            continue
        nxt = max(end - overlap_tokens, i + 1)
        while nxt < end and break_kind(nxt) == 0:
            nxt += 1  # start on a word, not inside one
        i = nxt
    return chunks


def with_headings(pages: Sequence[str], chunks: list[Chunk]) -> list[Chunk]:
    """`chunks` with the heading path each one starts under."""
    text, _ = join_pages(pages)
    paths = heading_paths(text, [chunk.char_start for chunk in chunks])
    return [replace(chunk, heading=path) for chunk, path in zip(chunks, paths, strict=True)]
