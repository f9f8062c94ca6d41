"""A vector for every sentence of every chunk, made while the chunk is embedded.

The second stage of search (`rerank.py`) scores the sentences of the best places against the
question. Embedding them at question time cost about 0.25 s of CPU a question on two cores,
whatever the library's size, which alone broke the 150 ms budget of a warm search. Embedding
each sentence apart at indexing time would double indexing. Instead the sentence vectors are
pooled from the chunk's own pass through the model: the mean of the word pieces of each
sentence, as the whole chunk shaped them ("late chunking", Günther et al. 2024). They cost no
model time, read the sentence in its context, and were measured against sentences embedded
alone on the answer benchmark (benchmarks/README.md, "Answers"). Stored as int8 (384 bytes a
sentence): a cosine moves by less than 0.01, which no ranking here resolves.

A library indexed before this, or by the torch fallback, has none: search then embeds the few
sentences it needs, as before.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

import numpy as np

from docnook import text as textrules

MIN_WORDS = 2  # fewer words is a label or a number, not a sentence to weigh
_SCALE = 127.0

Spans = list[tuple[int, int]]


def sentence_spans(text: str) -> Spans:
    """The sentences of a chunk's text worth a vector, as character spans of `text`."""
    return [
        (a, b)
        for a, b in textrules.sentence_spans(text)
        if len(textrules.words(text[a:b])) >= MIN_WORDS
    ]


def write(
    conn: sqlite3.Connection,
    chunk_ids: Sequence[int],
    spans: Sequence[Spans],
    vectors: Sequence[np.ndarray],
) -> None:
    """Store each chunk's sentence spans (in its text) and their unit vectors. A sentence the
    model never saw (past its window: a zero vector) is left out."""
    rows = []
    for chunk_id, chunk_spans, chunk_vectors in zip(chunk_ids, spans, vectors, strict=True):
        keep = [n for n in range(len(chunk_spans)) if np.any(chunk_vectors[n])]
        if not keep:
            continue
        kept_spans = np.asarray([chunk_spans[n] for n in keep], dtype="<i4")
        quantized = np.clip(np.rint(chunk_vectors[keep] * _SCALE), -127, 127).astype(np.int8)
        rows.append((chunk_id, kept_spans.tobytes(), quantized.tobytes()))
    conn.executemany(
        "INSERT OR REPLACE INTO sentence_vectors (chunk_id, spans, vectors) VALUES (?,?,?)", rows
    )


def read(
    conn: sqlite3.Connection, chunk_ids: Iterable[int]
) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """chunk id -> (spans as an n x 2 array of offsets in the chunk's text, n x 384 unit
    vectors). Chunks without stored sentences are absent."""
    ids = sorted(set(chunk_ids))
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    found = {}
    for chunk_id, span_blob, vector_blob in conn.execute(
        f"SELECT chunk_id, spans, vectors FROM sentence_vectors WHERE chunk_id IN ({marks})", ids
    ):
        spans = np.frombuffer(span_blob, dtype="<i4").reshape(-1, 2)
        vectors = np.frombuffer(vector_blob, dtype=np.int8).reshape(len(spans), -1)
        vectors = vectors.astype(np.float32)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        found[chunk_id] = (spans, vectors)
    return found
