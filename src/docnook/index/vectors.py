"""Vectors as float32 BLOBs, searched with numpy.

A brute-force dot product over every chunk of a 3,000-page library (about 10,000 vectors of
384 floats, 15 MB) takes a few milliseconds, so an approximate index would buy nothing at the
sizes a desktop library reaches. The matrix is cached per index file and reloaded only when the
store's generation counter says chunks were written.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from docnook.index.store import Store

DIMENSIONS = 384


@dataclass(frozen=True)
class VectorMatrix:
    generation: int
    chunk_ids: np.ndarray  # int64, one per row
    document_ids: np.ndarray  # int64, one per row
    matrix: np.ndarray  # float32 (rows, DIMENSIONS), unit length


_cache: dict[str, VectorMatrix] = {}
_cache_lock = threading.Lock()


def to_blob(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def load_matrix(store: Store) -> VectorMatrix:
    generation = store.generation()
    key = str(store.path)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None and cached.generation == generation:
        return cached
    rows = store.query(
        "SELECT v.chunk_id, c.document_id, v.embedding FROM chunk_vectors v "
        "JOIN chunks c ON c.id = v.chunk_id ORDER BY v.chunk_id"
    )
    if rows:
        chunk_ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        document_ids = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
        matrix = np.frombuffer(b"".join(r[2] for r in rows), dtype="<f4").reshape(
            len(rows), DIMENSIONS
        )
    else:
        chunk_ids = document_ids = np.zeros(0, dtype=np.int64)
        matrix = np.zeros((0, DIMENSIONS), dtype=np.float32)
    loaded = VectorMatrix(generation, chunk_ids, document_ids, matrix)
    with _cache_lock:
        _cache[key] = loaded
    return loaded


def nearest(
    store: Store, query: np.ndarray, limit: int, document_ids: list[int] | None = None
) -> list[tuple[int, float]]:
    """(chunk id, cosine similarity) of the `limit` closest chunks, best first."""
    return score_all(store, query, document_ids).top(limit)


class QueryScores:
    """The cosine similarity of one query to every chunk, computed once per search."""

    def __init__(self, loaded: VectorMatrix, scores: np.ndarray) -> None:
        self._loaded = loaded
        self._scores = scores

    def top(self, limit: int) -> list[tuple[int, float]]:
        """(chunk id, similarity) of the `limit` closest chunks, best first."""
        scores = self._scores
        limit = min(limit, len(scores))
        if limit <= 0:
            return []
        top = np.argpartition(-scores, limit - 1)[:limit]
        top = top[np.argsort(-scores[top])]
        chunk_ids = self._loaded.chunk_ids
        return [(int(chunk_ids[i]), float(scores[i])) for i in top if np.isfinite(scores[i])]

    def get(self, chunk_id: int, default: float = 0.0) -> float:
        # The matrix's ids are sorted (`load_matrix` reads them in id order), so a binary
        # search finds the row without a per-search map over every chunk.
        chunk_ids = self._loaded.chunk_ids
        row = int(np.searchsorted(chunk_ids, chunk_id))
        if row >= len(chunk_ids) or chunk_ids[row] != chunk_id:
            return default
        score = self._scores[row]
        return float(score) if np.isfinite(score) else default


def score_all(
    store: Store, query: np.ndarray, document_ids: list[int] | None = None
) -> QueryScores:
    """Similarities of `query` to every chunk (of `document_ids` only, when given)."""
    loaded = load_matrix(store)
    scores = loaded.matrix @ np.asarray(query, dtype=np.float32)
    if document_ids:
        scores = np.where(np.isin(loaded.document_ids, document_ids), scores, -np.inf)
    return QueryScores(loaded, scores)
