"""The second stage of search: re-order the first stage's places by their best sentences.

The first stage scores whole chunks, about 200 words each: a chunk that mentions every word of
the question in passing can beat the one sentence that answers it. Here every sentence of each
candidate place is scored against the question by meaning and by the question's words it
holds, its vector read from the index (pooled at indexing from the chunk's own pass through
the model, `sentence_vectors.py`), so ranking costs no model time. A place is then ranked by
its best sentence together with its own similarity and first-stage rank, and carries its
sentences, best first, so the next stages (the page a citation opens, the quote, the answer's
span) need not compute them again. An index without stored sentences has each place's
likeliest few embedded at question time, as before.

Measured alternatives are in benchmarks/README.md ("Answers"); no cross-encoder can be shipped
inside a package offline, and the language model's own yes/no probability cost about 0.3 s a
candidate on 2 cores for no better order.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from docnook import text as textrules
from docnook.index.places import Place
from docnook.index.sentence_vectors import MIN_WORDS

# Candidates the second stage reads: the "top ~30". Reading 30 places rather than 10
# costs about 0.06 s a question (their sentence vectors are stored) and brought two more gold
# pages into the top 5 of the answer benchmark; 20 brought the same two (benchmarks/README.md).
RERANK_PLACES = 30
SENTENCES_PER_PLACE = 4  # of each, the sentences embedded and scored
_MAX_SENTENCE_CHARS = 320  # a "sentence" longer than this is a table or a list: cut it
# How the evidence is weighed: meaning first, then the question's own words, then the
# first stage's view of the whole passage.
WEIGHT_SENTENCE = 0.5
WEIGHT_PLACE = 0.3
WEIGHT_FIRST_STAGE = 0.2
KEYWORD_BONUS = 0.3  # added to a sentence's similarity for the share of query words it holds


@dataclass(frozen=True)
class ScoredSentence:
    text: str
    start: int  # span in the place's text
    end: int
    page: int
    similarity: float  # cosine to the question
    overlap: float  # share of the question's content words it contains
    score: float


@dataclass(frozen=True)
class Reranked:
    place: Place
    sentences: tuple[ScoredSentence, ...]  # best first
    score: float


def query_terms(query: str) -> set[str]:
    return textrules.content_words(query)


def _overlap(wanted: set[str], sentence: str) -> float:
    if not wanted:
        return 0.0
    return len(wanted & textrules.content_words(sentence)) / len(wanted)


Stored = Callable[[list[int]], dict[int, tuple[np.ndarray, np.ndarray]]]


def rerank(
    places: Sequence[Place],
    query: str,
    query_vector: np.ndarray,
    embed: Callable[[list[str]], np.ndarray],
    page_starts: Callable[[int], list[int]],
    stored: Stored | None = None,
    exact: int = 0,
) -> list[Reranked]:
    """`places` re-ordered by their best sentences, best first. Every sentence whose vector
    was stored at indexing (`sentence_vectors.py`) is scored, at no model cost; a place
    without stored sentences has its likeliest few embedded now (those holding most of the
    question's words, then the first ones; about 10 ms of CPU a sentence on 2 cores).
    `exact`: how many of the best places have their leading sentences embedded on their own
    as well and scored by those vectors, the scale `assistant/evidence.py` judges support
    on (a pooled vector reads its sentence in context, and is for ranking)."""
    wanted = query_terms(query)
    query_vector = np.asarray(query_vector, dtype=np.float32)
    known = _stored_by_offset(places, stored)
    per_place: dict[int, list[ScoredSentence]] = {}
    pending: list[tuple[int, int, int, str, float]] = []  # place, start, end, text, overlap
    for index, place in enumerate(places):
        found = []
        for order, (start, end) in enumerate(textrules.sentence_spans(place.text)):
            sentence = place.text[start:end]
            if len(textrules.words(sentence)) < MIN_WORDS:
                continue
            overlap = _overlap(wanted, sentence)
            vector = known.get(
                (place.document_id, place.char_start + start, place.char_start + end)
            )
            found.append((order, start, end, sentence, overlap, vector))
        if any(f[5] is not None for f in found):
            for _, start, end, sentence, overlap, vector in found:
                if vector is not None:
                    similarity = float(vector @ query_vector)
                    per_place.setdefault(index, []).append(
                        _scored(place, page_starts, sentence, start, end, similarity, overlap)
                    )
            continue
        found.sort(key=lambda f: (-f[4], f[0]))
        pending.extend((index, f[1], f[2], f[3], f[4]) for f in found[:SENTENCES_PER_PLACE])
    _embed_and_score(pending, places, query_vector, embed, page_starts, per_place)
    results = _ranked(places, per_place)
    # A place whose sentences were embedded just now (none stored) is scored exactly already.
    embedded = {id(places[piece[0]]) for piece in pending}
    leading = [r for r in results[:exact] if id(r.place) not in embedded]
    if leading:
        rescored = {id(r.place): r for r in _exact(leading, query_vector, embed)}
        results = [rescored.get(id(r.place), r) for r in results]
    return results


def _stored_by_offset(
    places: Sequence[Place], stored: Stored | None
) -> dict[tuple[int, int, int], np.ndarray]:
    """(document, start, end) in the document's text -> the sentence's stored vector."""
    if stored is None:
        return {}
    chunks = {chunk.id: chunk for place in places for chunk in place.chunks}
    known = {}
    for chunk_id, (spans, vectors) in stored(list(chunks)).items():
        chunk = chunks[chunk_id]
        for (a, b), vector in zip(spans.tolist(), vectors, strict=True):
            known[(chunk.document_id, chunk.char_start + a, chunk.char_start + b)] = vector
    return known


def _scored(
    place: Place,
    page_starts: Callable[[int], list[int]],
    sentence: str,
    start: int,
    end: int,
    similarity: float,
    overlap: float,
) -> ScoredSentence:
    score = similarity + KEYWORD_BONUS * overlap
    page = _page_of(page_starts(place.document_id), place.char_start + start)
    return ScoredSentence(sentence, start, end, page, similarity, overlap, score)


def _embed_and_score(
    pending: list[tuple[int, int, int, str, float]],
    places: Sequence[Place],
    query_vector: np.ndarray,
    embed: Callable[[list[str]], np.ndarray],
    page_starts: Callable[[int], list[int]],
    per_place: dict[int, list[ScoredSentence]],
) -> None:
    if not pending:
        return
    vectors = embed([piece[3][:_MAX_SENTENCE_CHARS] for piece in pending])
    for (index, start, end, sentence, overlap), similarity in zip(
        pending, vectors @ query_vector, strict=True
    ):
        per_place.setdefault(index, []).append(
            _scored(places[index], page_starts, sentence, start, end, float(similarity), overlap)
        )


def _ranked(places: Sequence[Place], per_place: dict[int, list[ScoredSentence]]) -> list[Reranked]:
    best_first_stage = max((p.score for p in places), default=1.0) or 1.0
    results = []
    for index, place in enumerate(places):
        sentences = sorted(per_place.get(index, []), key=lambda s: -s.score)
        best = sentences[0].score if sentences else place.similarity
        score = (
            WEIGHT_SENTENCE * best
            + WEIGHT_PLACE * place.similarity
            + WEIGHT_FIRST_STAGE * place.score / best_first_stage
        )
        results.append(Reranked(place, tuple(sentences), score))
    results.sort(key=lambda r: -r.score)
    return results


def _exact(
    leading: list[Reranked], query_vector: np.ndarray, embed: Callable[[list[str]], np.ndarray]
) -> list[Reranked]:
    """`leading` with their likeliest sentences scored by vectors of the sentences alone:
    the best few by their pooled vectors, and the few holding most of the question's words
    (what the second stage embedded before sentences were stored, so no sentence it would
    have found is missed)."""
    picked = []
    for n, r in enumerate(leading):
        by_words = sorted(r.sentences, key=lambda s: (-s.overlap, s.start))
        chosen = {
            s.start: s
            for s in (*by_words[:SENTENCES_PER_PLACE], *r.sentences[:SENTENCES_PER_PLACE])
        }
        picked.extend((n, s) for s in chosen.values())
    if not picked:
        return leading
    vectors = embed([s.text[:_MAX_SENTENCE_CHARS] for _, s in picked])
    rescored: dict[int, list[ScoredSentence]] = {}
    for (n, s), similarity in zip(picked, vectors @ query_vector, strict=True):
        score = float(similarity) + KEYWORD_BONUS * s.overlap
        rescored.setdefault(n, []).append(
            ScoredSentence(s.text, s.start, s.end, s.page, float(similarity), s.overlap, score)
        )
    out = []
    for n, r in enumerate(leading):
        head = sorted(rescored.get(n, []), key=lambda s: -s.score)
        done = {s.start for s in head}
        rest = tuple(s for s in r.sentences if s.start not in done)
        out.append(Reranked(r.place, (*head, *rest), r.score))
    return out


def _page_of(starts: list[int], offset: int) -> int:
    """1-based page holding character `offset` of the joined document text."""
    return max(1, bisect.bisect_right(starts, offset))
