"""The keyword half of the first stage: FTS5's BM25, with the question's commonest words
scored only where a rarer word matched, and the same best chunks as the plain query.

FTS5 computes `bm25()` for every row that matches before `ORDER BY ... LIMIT` can keep the
best, so an OR of the question's words costs what its commonest word costs: a word in four
chunks of ten made the query four times slower than its other three words alone (100,000
chunks, benchmarks/README.md). Such a word weighs little in BM25 and the chunks that hold it
alone cannot reach the top; this module proves that for each query instead of assuming it.

FTS5's `bm25()` (ext/fts5/fts5_aux.c, k1 = 1.2, b = 0.75) sums over the query's phrases

    idf * f * (k1 + 1) / (f + k1 * (1 - b + b * D / avgdl)),
    idf = ln((N - n + 0.5) / (n + 0.5)), or 1e-6 where that is not positive,

with f the phrase's count in the chunk, D its length, n the chunks holding the phrase and N
all chunks. One phrase's share is below idf * (k1 + 1), however often it occurs. So:

1. the phrases are counted (a count costs about a tenth of scoring the same rows);
2. the commonest go to the second role ("common", C) while everything they could add
   together, sum of idf * (k1 + 1), stays within what one occurrence of the least common
   remaining word adds in a chunk of average length (f = 1, D = avgdl: exactly its idf). A
   rule of thumb only: it decides the cost, never the answer;
3. one query scores just the chunks that hold a rare phrase ("rare", R), each with its full
   score: `(R) AND (R OR C OR C)` counts every phrase twice, so FTS5 returns twice the plain
   query's score and the plain order;
4. a chunk with common phrases only scores below the bound of step 2. When the last of the
   `limit` best is at or above it, no such chunk belongs in the top: the list is the plain
   query's list. Otherwise (too few rare matches, a low score) the plain query runs.

Chinese, Japanese and Korean (`chunks_cjk`) keep the plain query: that table holds only
chunks with CJK, so its N is not the chunk count.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Protocol

K1 = 1.2  # FTS5's own constant in bm25(); the bound below depends on it
_SLACK = 1e-9  # SQLite and Python's log may differ in the last bits


class KeywordIndex(Protocol):
    """What this module needs of `Store` (its keyword connection)."""

    def keyword_scored(
        self, expression: str, limit: int, document_ids: list[int] | None, table: str
    ) -> list[tuple[int, float]]: ...

    def phrase_counts(self, phrases: Sequence[str]) -> tuple[int, list[int]]: ...

    def keyword_snapshot(self) -> AbstractContextManager[None]: ...


def idf(rows: int, hits: int) -> float:
    """FTS5's inverse document frequency of a phrase in `hits` of `rows` chunks."""
    value = math.log((rows - hits + 0.5) / (hits + 0.5))
    return value if value > 0.0 else 1e-6


def split_common(
    phrases: Sequence[str], counts: Sequence[int], rows: int
) -> tuple[list[str], float]:
    """The phrases to score only beside rarer ones, commonest first, and the most they add
    to any chunk's score together (step 2 of the module's docstring)."""
    order = sorted(
        (count, phrase) for phrase, count in zip(phrases, counts, strict=True) if count > 0
    )
    order.reverse()
    common: list[str] = []
    bound = 0.0
    for (count, phrase), (next_count, _) in itertools.pairwise(order):
        widened = bound + (K1 + 1.0) * idf(rows, count)
        if widened > idf(rows, next_count):
            break
        common.append(phrase)
        bound = widened
    return common, bound


def ranked(
    index: KeywordIndex,
    phrases: Sequence[str],
    limit: int,
    document_ids: list[int] | None = None,
) -> list[int]:
    """Chunk ids of `chunks_fts` matching any of `phrases` (FTS5 strings), best BM25 first:
    the same list as `index.keyword_scored(" OR ".join(phrases), ...)`."""
    plain = " OR ".join(phrases)
    if limit <= 0:
        return []
    if len(phrases) < 2:
        return _ids(index.keyword_scored(plain, limit, document_ids, "chunks_fts"))
    with index.keyword_snapshot():
        rows, counts = index.phrase_counts(phrases)
        common, bound = split_common(phrases, counts, rows)
        if common:
            rare = " OR ".join(
                p for p, n in zip(phrases, counts, strict=True) if n and p not in common
            )
            twice = " OR ".join([*common, *common])
            scored = index.keyword_scored(
                f"({rare}) AND ({rare} OR {twice})", limit, document_ids, "chunks_fts"
            )
            # bm25() is negative (lower is better), and doubled here.
            if len(scored) == limit and -scored[-1][1] / 2 >= bound * (1 + _SLACK):
                return _ids(scored)
        return _ids(index.keyword_scored(plain, limit, document_ids, "chunks_fts"))


def _ids(scored: list[tuple[int, float]]) -> list[int]:
    return [chunk_id for chunk_id, _ in scored]
