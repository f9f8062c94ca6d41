"""Hybrid search's logic on a real index with the fake embedder: the three modes, filters,
the page a hit points at, and queries that look like FTS5 syntax."""

from __future__ import annotations

from pathlib import Path

import pytest

from docnook.index import search as search_module
from docnook.library import Library
from pdfmaker import make_pdf

ANIMALS = [
    "The walrus lives along Arctic coasts and feeds on clams dug from the sea floor.",
    "Emperor penguins breed during the Antarctic winter, the males keeping the egg warm.",
    "The axolotl can regrow lost limbs, parts of its heart and even of its brain.",
]
LEASE = [
    "The tenant pays the rent monthly, on the first day of each month. " * 6,
    "The deposit is returned within thirty days after the tenant leaves. " * 6,
]


@pytest.fixture
def indexed(tmp_path: Path, library: Library) -> dict[str, int]:
    library.index(
        [
            make_pdf(tmp_path / "animals.pdf", ANIMALS, title="Animals"),
            make_pdf(tmp_path / "lease.pdf", LEASE, title="Lease"),
            make_pdf(tmp_path / "more.pdf", ["Walruses haul out on ice floes."], title="More"),
        ]
    )
    return {r.title: r.id for r in library.documents()}


@pytest.mark.parametrize("mode", search_module.MODES)
def test_each_mode_finds_the_passage_that_shares_the_words(
    library: Library, indexed: dict[str, int], mode: str
) -> None:
    best = library.search("deposit returned thirty days", k=3, mode=mode)[0]
    # The lease's two pages are neighbours, so one place; its best sentence is on page 2.
    assert (best.title, best.page) == ("Lease", 2)
    assert best.best_sentence is not None and "deposit" in best.best_sentence.text
    assert best.as_json()["path"].endswith("lease.pdf")


def test_hits_are_best_first_and_at_most_k(library: Library, indexed: dict[str, int]) -> None:
    hits = library.search("walrus", k=2)
    assert len(hits) == 2
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert {h.title for h in hits} == {"Animals", "More"}
    assert library.search("walrus", k=0) == [] and library.search("   ", k=3) == []


def test_a_filter_keeps_hits_within_the_documents_named(
    library: Library, indexed: dict[str, int]
) -> None:
    only = library.search("walrus", k=5, document_ids=[indexed["More"]])
    assert only and {h.document_id for h in only} == {indexed["More"]}
    for mode in search_module.MODES:
        hits = library.search("tenant rent", k=5, document_ids=[indexed["Animals"]], mode=mode)
        assert all(h.document_id == indexed["Animals"] for h in hits)


def test_a_chunk_of_short_pages_points_at_the_page_that_answers(
    library: Library, indexed: dict[str, int]
) -> None:
    axolotl = library.search("axolotl regrow limbs", k=1)[0]
    # The three one-line pages share one chunk; the hit names the page with the words.
    assert (axolotl.title, axolotl.page_start, axolotl.page_end, axolotl.page) == (
        "Animals",
        1,
        3,
        3,
    )
    assert library.search("penguins breed winter", k=1)[0].page == 2
    # The hit knows where its text crosses into pages 2 and 3: a quote stays on its page.
    assert len(axolotl.page_breaks) == 2
    for page, cut in enumerate(axolotl.page_breaks, start=2):
        after = axolotl.text[cut:].strip()
        assert after.startswith(ANIMALS[page - 1].strip()[:20])


@pytest.mark.parametrize(
    "query", ['"walrus', "walrus AND NOT", "NEAR(walrus", "walrus*", "-walrus", "^walrus:"]
)
def test_queries_that_look_like_fts5_syntax_are_plain_words(
    library: Library, indexed: dict[str, int], query: str
) -> None:
    hits = library.search(query, k=3, mode="bm25")
    assert hits and "alrus" in hits[0].text


def test_fts_query_quotes_words_and_drops_stopwords() -> None:
    assert search_module.fts_query("What is the walrus' diet?") == '"walrus" OR "diet"'
    assert search_module.fts_query("the of") == '"the" OR "of"'  # only stopwords: keep them
    assert search_module.fts_query("?!") is None


def test_fusion_rewards_agreement() -> None:
    fused = search_module.fuse([[1, 2, 3], [3, 1, 4]])
    assert [item for item, _ in fused] == [1, 3, 2, 4]
    assert search_module.fuse([]) == []


def test_an_unknown_mode_is_refused(library: Library) -> None:
    with pytest.raises(ValueError, match="mode"):
        library.search("walrus", mode="fuzzy")


def test_sentences_stored_at_indexing_are_read_not_embedded_again(
    library: Library, indexed: dict[str, int], fake_embedder, monkeypatch
) -> None:
    ids = [row[0] for row in library.store.query("SELECT id FROM chunks")]
    stored = library.store.sentence_vectors(ids)
    assert stored and all(len(spans) == len(vectors) for spans, vectors in stored.values())
    calls: list[list[str]] = []
    real = fake_embedder.embed

    def counting(texts, *args, **kwargs):
        calls.append(list(texts))
        return real(texts, *args, **kwargs)

    monkeypatch.setattr(fake_embedder, "embed", counting)
    best = library.search("deposit returned thirty days", k=3)[0]
    assert calls == [["deposit returned thirty days"]]  # the question alone
    assert best.best_sentence is not None and "deposit" in best.best_sentence.text
    # Asked for `exact`, the best place's leading sentences are embedded alone as well.
    calls.clear()
    exact = library.search("deposit returned thirty days", k=3, exact=1)[0]
    assert len(calls) == 2 and calls[1] and "deposit" in exact.best_sentence.text


def test_a_library_without_stored_sentences_embeds_the_few_it_needs(
    library: Library, indexed: dict[str, int], fake_embedder, monkeypatch
) -> None:
    with library.store.transaction() as conn:
        conn.execute("DELETE FROM sentence_vectors")
    calls: list[list[str]] = []
    real = fake_embedder.embed
    monkeypatch.setattr(
        fake_embedder, "embed", lambda texts, *a, **k: calls.append(list(texts)) or real(texts)
    )
    best = library.search("deposit returned thirty days", k=3)[0]
    assert len(calls) == 2 and "deposit" in best.best_sentence.text
