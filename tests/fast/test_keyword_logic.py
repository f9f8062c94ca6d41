"""The keyword half of search (index/keywords.py): a question's commonest words are scored
only beside rarer ones, and the list is always the plain OR query's list, checked against
that query itself on a real FTS5 index."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docnook.index import keywords, search
from docnook.index.store import Store

COMMON = "harbour"  # in nine chunks of ten
MEDIUM = ["granite", "pier", "storm"]  # in about one in five
RARE = ["lighthouse", "logbook", "glacier"]  # a few chunks each
FILLER = ["the", "boats", "came", "in", "with", "the", "tide", "and", "left", "again", "at", "dawn"]
CHUNKS = 300


def _texts() -> list[str]:
    rng = random.Random(15)
    texts = []
    for n in range(CHUNKS):
        words = rng.choices(FILLER, k=rng.randint(8, 40))
        if rng.random() < 0.9:
            words += [COMMON] * rng.randint(1, 3)
        words += [w for w in MEDIUM if rng.random() < 0.2]
        words += [w for w in RARE if rng.random() < 0.03]
        if n % 50 == 0:
            words += ["os.path.join", "path", "join"]  # an identifier beside its parts
        rng.shuffle(words)
        texts.append(" ".join(words))
    return texts


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    path: Path = tmp_path_factory.mktemp("keywords") / "library.sqlite3"
    with Store(path) as s:
        with s.transaction() as conn:
            for doc in (1, 2):
                conn.execute(
                    "INSERT INTO documents (id, path, sha256, title, size, mtime_ns, status) "
                    "VALUES (?, ?, ?, ?, 1, 1, 'indexed')",
                    (doc, f"/survey-{doc}.txt", str(doc), f"survey {doc}"),
                )
            for n, text in enumerate(_texts(), start=1):
                conn.execute(
                    "INSERT INTO chunks (id, document_id, seq, page_start, page_end, "
                    "char_start, char_end, text) VALUES (?, ?, ?, 1, 1, 0, ?, ?)",
                    (n, 1 + n % 2, n, len(text), text),
                )
        yield s


def plain(store: Store, phrases: list[str], limit: int, document_ids=None) -> list[int]:
    expression = " OR ".join(phrases)
    return [i for i, _ in store.keyword_scored(expression, limit, document_ids, "chunks_fts")]


@settings(max_examples=150, deadline=None)
@given(
    words=st.lists(
        st.sampled_from([COMMON, *MEDIUM, *RARE, "the", "absent", "os.path.join"]),
        min_size=1,
        max_size=5,
        unique=True,
    ),
    limit=st.sampled_from([1, 3, 10, 50]),
    filtered=st.booleans(),
)
def test_the_list_is_the_plain_querys_list(store, words, limit, filtered) -> None:
    phrases = search.fts_phrases(" ".join(words))
    document_ids = [2] if filtered else None
    assert keywords.ranked(store, phrases, limit, document_ids) == plain(
        store, phrases, limit, document_ids
    )


def test_a_very_common_word_is_not_scored_when_rarer_ones_are_present(store, monkeypatch):
    phrases = search.fts_phrases(f"{COMMON} granite pier")
    rows, counts = store.phrase_counts(phrases)
    assert counts[0] > 0.85 * rows  # the common word is in nearly every chunk
    common, bound = keywords.split_common(phrases, counts, rows)
    assert common == [f'"{COMMON}"'] and 0 < bound < keywords.idf(rows, counts[1])
    expected = plain(store, phrases, 10)
    real = store.keyword_scored

    def refuse_the_plain_query(expression, *args):
        assert expression != " OR ".join(phrases), "every chunk with the common word scored"
        return real(expression, *args)

    monkeypatch.setattr(store, "keyword_scored", refuse_the_plain_query)
    assert keywords.ranked(store, phrases, 10) == expected


def test_too_few_rare_matches_fall_back_to_the_plain_query(store):
    # Only a few chunks hold the rare word: the rest of the list is chunks with the common
    # word alone, which the restricted query cannot see.
    phrases = search.fts_phrases(f"{COMMON} lighthouse")
    ranked = keywords.ranked(store, phrases, 50)
    assert len(ranked) == 50 and ranked == plain(store, phrases, 50)
    with_rare = {
        r[0]
        for r in store.query("SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH 'lighthouse'")
    }
    assert set(ranked[: len(with_rare)]) == with_rare


def test_a_query_of_common_words_only_still_finds_chunks(store):
    assert len(keywords.ranked(store, search.fts_phrases(COMMON), 20)) == 20
    assert len(search.bm25_ranked(store, "the harbour", 20)) == 20  # a stopword dropped
    assert len(search.bm25_ranked(store, "the", 5)) == 5  # only stopwords: kept


def test_an_identifier_is_found_as_a_phrase_beside_its_common_parts(store):
    phrases = search.fts_phrases(f"os.path.join {COMMON}")
    assert phrases[0] == '"os path join"'
    ranked = keywords.ranked(store, phrases, 10)
    assert ranked == plain(store, phrases, 10)
    assert set(ranked[:6]) == {n for n in range(1, CHUNKS + 1) if n % 50 == 1}


def test_split_common_follows_bm25s_idf() -> None:
    # 100,000 chunks: a word in 40 % of them adds at most 2.2 x 0.385 to a score, less than
    # one occurrence of a word in 7 % (idf 2.6); that one could add 5.7, more than pier's 3.3.
    phrases = ['"storm"', '"harbour"', '"pier"', '"granite"', '"absent"']
    common, bound = keywords.split_common(phrases, [40_500, 6_917, 3_494, 500, 0], 100_000)
    assert common == ['"storm"']
    assert bound == pytest.approx(2.2 * keywords.idf(100_000, 40_500))
    assert keywords.split_common(['"a"', '"b"'], [5, 5], 10) == ([], 0.0)  # alike: no split
    assert keywords.idf(10, 9) == 1e-6  # FTS5's floor for words in over half the chunks
