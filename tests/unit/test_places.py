"""From chunk candidates to places: overlap collapses, navigation is recognised."""

from __future__ import annotations

from docnook.index.places import collapse, is_navigation
from docnook.index.store import ChunkRow

DOC = "Alpha beta gamma. " * 40


def _chunk(cid: int, doc: int, seq: int, start: int, end: int, page: int = 1) -> ChunkRow:
    return ChunkRow(
        cid, doc, f"/d{doc}.pdf", f"D{doc}", seq, page, page, start, end, DOC[start:end]
    )


class _NoScores:
    def get(self, chunk_id: int, default: float = 0.0) -> float:
        return {1: 0.5, 2: 0.7}.get(chunk_id, default)


def test_overlapping_and_neighbouring_chunks_of_a_document_are_one_place() -> None:
    ranked = [
        (_chunk(1, 1, 0, 0, 100), 0.9),
        (_chunk(3, 2, 0, 0, 100), 0.8),
        (_chunk(2, 1, 1, 80, 200), 0.7),
        (_chunk(9, 1, 7, 600, 700, page=3), 0.6),
    ]
    places = collapse(ranked, {2: 1}, _NoScores())
    assert [[c.id for c in p.chunks] for p in places] == [[1, 2], [3], [9]]
    first = places[0]
    assert first.text == DOC[0:200]  # the overlap is not repeated
    assert first.keyword_rank == 1
    assert first.similarity == 0.7
    assert first.score == 0.9


def test_a_gap_between_chunks_keeps_offsets_exact() -> None:
    ranked = [(_chunk(1, 1, 0, 0, 50), 0.9), (_chunk(2, 1, 1, 52, 100), 0.8)]
    place = collapse(ranked, {}, _NoScores())[0]
    assert len(place.text) == 100
    assert place.text[52:] == DOC[52:100]


def test_tables_of_contents_and_indexes_are_navigation() -> None:
    toc = "\n".join(
        f"{n}.{m} Section title here ........ {10 * n + m}"
        for n in range(1, 4)
        for m in range(1, 4)
    )
    index = "\n".join(f"function_{n}, {n * 3}, {n * 7}" for n in range(12))
    prose = (
        "The function returns a list. It was added in version 2 of the package, which\n"
        "changed how defaults are read. Call it with a vector of numbers and it returns\n"
        "their mean, or NA when any is missing, unless na.rm is set to TRUE.\n"
        "See also page 12.\nAnd chapter 4.\n"
    )
    assert is_navigation(toc)
    assert is_navigation(index)
    assert not is_navigation(prose)
