"""The second stage of search: re-order the first stage's places by their best sentences.

The first stage scores whole chunks, about 200 words each: a chunk that mentions every word of
the question in passing can beat the one sentence that answers it. Here each candidate place
is split into sentences; the few likeliest of each place (most of the question's words) are
embedded with the bundled embedding model, in one batch, and scored against the question by
meaning and by the question's words they contain. A place is then ranked by its best
sentence together with its own similarity and first-stage rank, and carries its sentences,
best first, so the next stages (the page a citation opens, the quote, the answer's span)
need not compute them again.

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

RERANK_PLACES = 10  # candidates the second stage reads
SENTENCES_PER_PLACE = 4  # of each, the sentences embedded and scored
_MAX_SENTENCE_CHARS = 320  # a "sentence" longer than this is a table or a list: cut it
_MIN_WORDS = 2
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


def rerank(
    places: Sequence[Place],
    query: str,
    query_vector: np.ndarray,
    embed: Callable[[list[str]], np.ndarray],
    page_starts: Callable[[int], list[int]],
) -> list[Reranked]:
    """`places` re-ordered by their best sentences, best first. Embedding is what costs
    (about 10 ms of CPU a sentence on 2 cores), so only each place's likeliest sentences
    are embedded: those holding most of the question's words, then the first ones."""
    wanted = query_terms(query)
    pieces: list[tuple[int, int, int, str, float]] = []  # place, start, end, text, overlap
    for index, place in enumerate(places):
        passage = place.text
        found = []
        for order, (start, end) in enumerate(textrules.sentence_spans(passage)):
            sentence = passage[start:end]
            if len(textrules.words(sentence)) < _MIN_WORDS:
                continue
            found.append((order, start, end, sentence, _overlap(wanted, sentence)))
        found.sort(key=lambda f: (-f[4], f[0]))
        for _, start, end, sentence, overlap in found[:SENTENCES_PER_PLACE]:
            pieces.append((index, start, end, sentence, overlap))
    if not pieces:
        return [Reranked(p, (), p.similarity) for p in places]
    vectors = embed([piece[3][:_MAX_SENTENCE_CHARS] for piece in pieces])
    similarities = vectors @ np.asarray(query_vector, dtype=np.float32)
    per_place: dict[int, list[ScoredSentence]] = {}
    for (index, start, end, sentence, overlap), similarity in zip(
        pieces, similarities, strict=True
    ):
        place = places[index]
        score = float(similarity) + KEYWORD_BONUS * overlap
        page = _page_of(page_starts(place.document_id), place.char_start + start)
        scored = ScoredSentence(sentence, start, end, page, float(similarity), overlap, score)
        per_place.setdefault(index, []).append(scored)
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


def _page_of(starts: list[int], offset: int) -> int:
    """1-based page holding character `offset` of the joined document text."""
    return max(1, bisect.bisect_right(starts, offset))
