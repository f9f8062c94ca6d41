from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docnook.ingest.chunker import PAGE_SEPARATOR, chunk_pages, join_pages

_WORD = re.compile(r"\w+|[^\w\s]")


def word_spans(texts):
    """A stand-in tokenizer for logic tests: one token per word or punctuation mark."""
    return [[m.span() for m in _WORD.finditer(text)] for text in texts]


def test_short_pages_each_become_a_chunk_on_their_own_page():
    pages = ["Alpha beta gamma. " * 30, "Delta epsilon. " * 30, "Zeta eta theta. " * 30]
    chunks = chunk_pages(pages, word_spans, max_tokens=256)
    assert [(c.page_start, c.page_end) for c in chunks] == [(1, 1), (2, 2), (3, 3)]
    assert chunks[1].text.startswith("Delta")


def test_long_page_is_split_with_overlap_and_every_chunk_fits_the_window():
    page = " ".join(f"word{n}." if n % 9 == 0 else f"word{n}" for n in range(2000))
    chunks = chunk_pages([page], word_spans, max_tokens=128, overlap_tokens=20)
    assert len(chunks) > 10
    for chunk in chunks:
        assert len(word_spans([chunk.text])[0]) <= 128 - 2
    for before, after in itertools.pairwise(chunks):
        assert after.char_start < before.char_end, "neighbours on one page overlap"
        assert after.char_start > before.char_start


def test_cuts_prefer_sentence_ends():
    sentence = "This sentence has exactly eight words in it. "
    chunks = chunk_pages([sentence * 100], word_spans, max_tokens=100, overlap_tokens=10)
    assert all(c.text.endswith(".") for c in chunks[:-1])


def test_tiny_pages_are_merged_and_know_their_page_span():
    pages = [f"Page {n} has a few words." for n in range(1, 11)]
    chunks = chunk_pages(pages, word_spans, max_tokens=256)
    assert len(chunks) < len(pages)
    assert chunks[0].page_start == 1
    assert chunks[-1].page_end == 10


def test_empty_pages_give_no_chunks_and_are_skipped_in_page_numbers():
    assert chunk_pages(["", "  ", ""], word_spans) == []
    chunks = chunk_pages(["", "Only the second page has text."], word_spans)
    assert [(c.page_start, c.page_end) for c in chunks] == [(2, 2)]


def test_real_tokenizer_keeps_every_chunk_within_256_word_pieces(embedder):
    text = (
        "Die Grundrechte binden Gesetzgebung, vollziehende Gewalt und Rechtsprechung. "
        "naïve café résumé — 東京都は日本の首都です。 ∑∫∂ mathematics "
        "supercalifragilisticexpialidocious-antidisestablishmentarianism "
    ) * 60
    chunks = chunk_pages([text, text], embedder.token_spans, max_tokens=256)
    tokenizer = embedder._get_tokenizer()
    for chunk in chunks:
        assert len(tokenizer.encode(chunk.text, add_special_tokens=True).ids) <= 256


def _chunk_text_is_in_document(pages, chunks):
    text, _ = join_pages(pages)
    for chunk in chunks:
        assert text[chunk.char_start : chunk.char_end] == chunk.text
        assert chunk.text.strip() == chunk.text or chunk.text


@settings(max_examples=200, deadline=None)
@given(
    pages=st.lists(st.text(max_size=600), max_size=8),
    max_tokens=st.integers(min_value=16, max_value=300),
    overlap=st.integers(min_value=0, max_value=80),
)
def test_fuzz_chunks_cover_the_text_within_bounds(pages, max_tokens, overlap):
    chunks = chunk_pages(pages, word_spans, max_tokens=max_tokens, overlap_tokens=overlap)
    text, starts = join_pages(pages)
    all_tokens = [
        (starts[i] + s, starts[i] + e)
        for i, spans in enumerate(word_spans(pages))
        for s, e in spans
    ]
    covered = set()
    for n, chunk in enumerate(chunks):
        assert chunk.seq == n
        assert text[chunk.char_start : chunk.char_end] == chunk.text
        assert 1 <= chunk.page_start <= chunk.page_end <= len(pages)
        inside = [t for t in all_tokens if chunk.char_start <= t[0] and t[1] <= chunk.char_end]
        assert 0 < len(inside) <= max_tokens - 2
        covered.update(inside)
        assert PAGE_SEPARATOR not in chunk.text or chunk.page_end > chunk.page_start
    assert covered == set(all_tokens), "every word lands in some chunk"


def test_window_too_small_is_refused():
    with pytest.raises(ValueError):
        chunk_pages(["text"], word_spans, max_tokens=4)
