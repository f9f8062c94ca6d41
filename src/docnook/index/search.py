"""Hybrid retrieval: BM25 from FTS5 and cosine similarity, fused by reciprocal rank."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from docnook.index import vectors
from docnook.index.store import Store

RRF_K = 60  # the constant from Cormack et al.; dampens the weight of the very top ranks
CANDIDATES = 50  # each half proposes this many before fusion
MODES = ("hybrid", "bm25", "vector")

_WORD = re.compile(r"\w+", re.UNICODE)
# Words that match nearly every chunk: they only add noise to an OR query.
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
    ]
)


@dataclass(frozen=True)
class SearchHit:
    chunk_id: int
    document_id: int
    path: str
    title: str
    page_start: int
    page_end: int
    score: float
    text: str
    page: int  # the page of the span that best matches the query: where a citation points

    def as_json(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "path": self.path,
            "title": self.title,
            "page_start": self.page_start,
            "page_end": self.page_end,
            "page": self.page,
            "score": round(self.score, 6),
            "text": self.text,
            "chunk_id": self.chunk_id,
        }


def fts_query(query: str) -> str | None:
    """An FTS5 expression that ORs the query's words, each quoted so no word is an operator."""
    words = [w for w in _WORD.findall(query.lower()) if w not in _STOPWORDS]
    if not words:
        words = _WORD.findall(query.lower())
    if not words:
        return None
    unique = list(dict.fromkeys(words))
    return " OR ".join(f'"{w}"' for w in unique)


def bm25_ranked(
    store: Store, query: str, limit: int, document_ids: list[int] | None = None
) -> list[int]:
    expression = fts_query(query)
    if expression is None:
        return []
    sql = (
        "SELECT chunks_fts.rowid FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid "
        "WHERE chunks_fts MATCH ?"
    )
    params: list[Any] = [expression]
    if document_ids:
        sql += f" AND c.document_id IN ({','.join('?' * len(document_ids))})"
        params.extend(document_ids)
    sql += " ORDER BY bm25(chunks_fts) LIMIT ?"
    params.append(limit)
    return [row[0] for row in store.query(sql, params)]


def fuse(rankings: list[list[int]], k: int = RRF_K) -> list[tuple[int, float]]:
    """Reciprocal rank fusion of several best-first lists of ids."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))


def search(
    store: Store,
    embed_query: Callable[[str], np.ndarray],
    query: str,
    k: int = 5,
    document_ids: list[int] | None = None,
    mode: str = "hybrid",
) -> list[SearchHit]:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    query = query.strip()
    if not query or k <= 0:
        return []
    candidates = max(CANDIDATES, k * 4)
    rankings: list[list[int]] = []
    scored: list[tuple[int, float]]
    if mode in ("hybrid", "bm25"):
        rankings.append(bm25_ranked(store, query, candidates, document_ids))
    if mode in ("hybrid", "vector"):
        near = vectors.nearest(store, embed_query(query), candidates, document_ids)
        if mode == "vector":
            scored = near
        rankings.append([chunk_id for chunk_id, _ in near])
    if mode != "vector":
        scored = fuse(rankings)
    hits = _hits(store, scored[:k])
    return [_with_best_page(store, hit, query, embed_query) for hit in hits]


def _stems(text: str) -> set[str]:
    # A crude stemmer is enough to tell which of two or three pages a query is about.
    return {w[:6] for w in _WORD.findall(text.lower()) if w not in _STOPWORDS and len(w) > 2}


def _with_best_page(
    store: Store, hit: SearchHit, query: str, embed_query: Callable[[str], np.ndarray]
) -> SearchHit:
    """Chunks of short pages can span several; point the hit at the page that answers."""
    if hit.page_start == hit.page_end:
        return hit
    rows = store.query(
        "SELECT page_no, text FROM pages WHERE document_id = ? AND page_no BETWEEN ? AND ? "
        "ORDER BY page_no",
        (hit.document_id, hit.page_start, hit.page_end),
    )
    if not rows:
        return hit
    wanted = _stems(query)
    overlaps = [len(wanted & _stems(text)) for _, text in rows]
    if max(overlaps) > 0:
        best = rows[overlaps.index(max(overlaps))][0]
    else:
        q = embed_query(query)
        similarities = [float(np.dot(embed_query(text), q)) for _, text in rows]
        best = rows[similarities.index(max(similarities))][0]
    return dataclasses.replace(hit, page=best)


def _hits(store: Store, scored: list[tuple[int, float]]) -> list[SearchHit]:
    if not scored:
        return []
    ids = [chunk_id for chunk_id, _ in scored]
    rows = store.query(
        "SELECT c.id, c.document_id, d.path, d.title, c.page_start, c.page_end, c.text "
        f"FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.id IN "
        f"({','.join('?' * len(ids))})",
        ids,
    )
    by_id = {row[0]: row for row in rows}
    hits = []
    for chunk_id, score in scored:
        row = by_id.get(chunk_id)
        if row is not None:
            hits.append(
                SearchHit(row[0], row[1], row[2], row[3], row[4], row[5], score, row[6], row[4])
            )
    return hits
