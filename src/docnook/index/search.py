"""Search: keywords and meaning, one result per place, re-ordered by the best sentence.

The road a question takes, each stage adding to what the previous one found:

1. retrieve: BM25 over FTS5 (identifiers kept whole as phrases; the commonest words scored
   only beside rarer ones, `keywords.py`) and cosine similarity over the chunk vectors,
   fused by reciprocal rank; every candidate keeps its similarity and its keyword rank;
2. places: tables of contents and indexes left out, overlapping and neighbouring chunks of a
   document joined into one place (`places.py`);
3. rerank: the places re-ordered by their best sentences (`rerank.py`), which also choose the
   page a hit points at: the page of its best sentence. Nothing downstream chooses it again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from docnook import text as textrules
from docnook.index import cjk, keywords, vectors
from docnook.index.places import Place, collapse, is_navigation
from docnook.index.rerank import RERANK_PLACES, Reranked, ScoredSentence, rerank
from docnook.index.store import Store

RRF_K = 60  # the constant from Cormack et al.; dampens the weight of the very top ranks
FIRST_STAGE = 50  # each half of the first stage proposes this many chunks
MODES = ("hybrid", "bm25", "vector")
_KEYWORDS = ThreadPoolExecutor(max_workers=1, thread_name_prefix="docnook-keywords")

Embed = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class SearchHit:
    chunk_id: int  # the place's first chunk
    document_id: int
    path: str
    title: str
    page_start: int
    page_end: int
    score: float
    text: str  # the place's text
    page: int  # the page of the best sentence: where a citation opens
    similarity: float = 0.0  # best cosine similarity of the place's chunks to the query
    keyword_rank: int | None = None  # best BM25 rank among its chunks, None: no word matched
    sentences: tuple[ScoredSentence, ...] = ()  # best first (empty without the second stage)
    chunk_ids: tuple[int, ...] = ()
    page_breaks: tuple[int, ...] = ()  # offsets in `text` where a new page begins

    @property
    def best_sentence(self) -> ScoredSentence | None:
        return self.sentences[0] if self.sentences else None

    def as_json(self) -> dict[str, Any]:
        best = self.best_sentence
        return {
            "document_id": self.document_id,
            "path": self.path,
            "title": self.title,
            "page_start": self.page_start,
            "page_end": self.page_end,
            "page": self.page,
            "score": round(self.score, 6),
            "similarity": round(self.similarity, 4),
            "keyword_rank": self.keyword_rank,
            "text": self.text,
            "quote": best.text if best else None,
            "chunk_id": self.chunk_id,
        }


def fts_query(query: str) -> str | None:
    """An FTS5 expression that ORs the query's phrases (`fts_phrases`), or None."""
    phrases = fts_phrases(query)
    return " OR ".join(phrases) if phrases else None


def fts_phrases(query: str) -> list[str]:
    """The query's words, each quoted so no word is an operator, and its identifiers
    (os.path.join, LD_LIBRARY_PATH) as phrases, so a name is found as the name and not as its
    common parts."""
    terms: list[str] = []
    for identifier in textrules.identifiers(query):
        parts = textrules.words(identifier)
        if len(parts) > 1:
            terms.append('"' + " ".join(parts) + '"')
    words = [w for w in textrules.words(query) if w not in textrules.STOPWORDS]
    if not words and not terms:
        words = textrules.words(query)
    terms.extend(f'"{w}"' for w in words)
    return list(dict.fromkeys(terms))


def fts_searches(query: str) -> list[tuple[str, list[str]]]:
    """(FTS5 table, phrases to OR) pairs for the query, chosen by its script: words in spaced
    scripts go to `chunks_fts` (unicode61), Chinese, Japanese and Korean to `chunks_cjk`
    (character pairs, see index/cjk.py). A mixed query searches both."""
    searches = []
    cjk_phrases = cjk.cjk_phrases(query) if textrules.has_cjk(query) else []
    if cjk_phrases:
        searches.append(("chunks_cjk", cjk_phrases))
        query = cjk.latin_part(query)
    phrases = fts_phrases(query)
    if phrases:
        searches.append(("chunks_fts", phrases))
    return searches


def bm25_ranked(
    store: Store, query: str, limit: int, document_ids: list[int] | None = None
) -> list[int]:
    rankings = []
    for table, phrases in fts_searches(query):
        if table == "chunks_fts":  # its commonest words scored only beside rarer ones
            rankings.append(keywords.ranked(store, phrases, limit, document_ids))
        else:
            scored = store.keyword_scored(" OR ".join(phrases), limit, document_ids, table)
            rankings.append([chunk_id for chunk_id, _ in scored])
    if len(rankings) <= 1:
        return rankings[0] if rankings else []
    return [chunk_id for chunk_id, _ in fuse(rankings)][:limit]


def fuse(rankings: list[list[int]], k: int = RRF_K) -> list[tuple[int, float]]:
    """Reciprocal rank fusion of several best-first lists of ids."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))


def search(
    store: Store,
    embed: Embed,
    query: str,
    k: int = 5,
    document_ids: list[int] | None = None,
    mode: str = "hybrid",
    second_stage: bool = True,
    exact: int = 0,
) -> list[SearchHit]:
    """The `k` best places for `query`, best first. `exact`: see `rerank.rerank`."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    query = " ".join(query.split())
    if not query or k <= 0:
        return []
    candidates = max(FIRST_STAGE, 4 * k)
    places, query_vector = _first_stage(store, embed, query, candidates, document_ids, mode)
    if not places:
        return []
    if not second_stage:
        return [_hit(place, None) for place in places[:k]]
    pool = places[: max(RERANK_PLACES, k)]
    starts: dict[int, list[int]] = {}

    def page_starts(document_id: int) -> list[int]:
        if document_id not in starts:
            starts[document_id] = store.page_starts(document_id)
        return starts[document_id]

    def stored(chunk_ids: list[int]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        return store.sentence_vectors(chunk_ids)

    ranked = rerank(pool, query, query_vector, embed, page_starts, stored, exact)
    hits = [_hit(r.place, r, page_starts(r.place.document_id)) for r in ranked]
    return _one_per_page(hits)[:k]


def _one_per_page(hits: list[SearchHit]) -> list[SearchHit]:
    """`hits` less those that would open a page an earlier hit already opens. Two places of
    one page (chunks that do not touch, or a place cut at `MAX_PLACE_CHUNKS`) would show the
    person the same page twice and fill a slot that another page could have had."""
    seen: set[tuple[int, int]] = set()
    kept = []
    for hit in hits:
        where = (hit.document_id, hit.page)
        if where not in seen:
            seen.add(where)
            kept.append(hit)
    return kept


def _first_stage(
    store: Store,
    embed: Embed,
    query: str,
    candidates: int,
    document_ids: list[int] | None,
    mode: str,
) -> tuple[list[Place], np.ndarray]:
    # The full-text query runs on the helper thread while this one embeds the question and
    # scores the vectors: SQLite, ONNX Runtime and numpy all let go of the GIL, so on two
    # cores the keyword half costs little more than the vector half.
    keyword_job = (
        _KEYWORDS.submit(bm25_ranked, store, query, candidates, document_ids)
        if mode != "vector"
        else None
    )
    query_vector = embed([query])[0]
    similarities = vectors.score_all(store, query_vector, document_ids)
    keyword = keyword_job.result() if keyword_job is not None else []
    near = similarities.top(candidates)
    if mode == "bm25":
        scored = fuse([keyword])
    elif mode == "vector":
        scored = near
    else:
        scored = fuse([keyword, [chunk_id for chunk_id, _ in near]])
    rows = {row.id: row for row in store.chunk_rows([chunk_id for chunk_id, _ in scored])}
    ranked = [
        (rows[chunk_id], score)
        for chunk_id, score in scored
        if chunk_id in rows and not is_navigation(rows[chunk_id].text)
    ]
    if not ranked:  # nothing but navigation matched: better a table of contents than nothing
        ranked = [(rows[chunk_id], score) for chunk_id, score in scored if chunk_id in rows]
    keyword_ranks = {chunk_id: rank for rank, chunk_id in enumerate(keyword, start=1)}
    return collapse(ranked, keyword_ranks, similarities), query_vector


def _hit(place: Place, reranked: Reranked | None, page_starts: Sequence[int] = ()) -> SearchHit:
    sentences = reranked.sentences if reranked else ()
    # Where the place's text crosses into another page (`Place.text` counts from the first
    # chunk's offset), so that a quote taken from it can stay on the page a citation opens.
    begin, length = place.char_start, len(place.text)
    breaks = tuple(start - begin for start in page_starts if begin < start < begin + length)
    page = sentences[0].page if sentences else place.first.page_start
    first = place.first
    return SearchHit(
        chunk_id=first.id,
        document_id=first.document_id,
        path=first.path,
        title=first.title,
        page_start=place.page_start,
        page_end=place.page_end,
        score=reranked.score if reranked else place.score,
        text=place.text,
        page=page,
        similarity=place.similarity,
        keyword_rank=place.keyword_rank,
        sentences=sentences,
        chunk_ids=tuple(c.id for c in place.chunks),
        page_breaks=breaks,
    )
