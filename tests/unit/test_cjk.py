"""Chinese, Japanese and Korean words found by keyword: character pairs in `chunks_cjk`,
chosen per query by its script, on a real SQLite index."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docnook.index import cjk
from docnook.index.search import bm25_ranked, fts_searches
from docnook.index.store import Store

TEXTS = {
    "zh": "北京是中国的首都，人口众多，历史悠久。",
    "ja": "東京都に住んでいます。毎日電車で通勤します。",
    "ko": "서울은 한국의 수도입니다.",
    "en": "The walrus feeds on clams dug from the Arctic sea floor.",
}


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "library.sqlite3") as s:
        with s.transaction() as conn:
            for n, (lang, text) in enumerate(TEXTS.items(), start=1):
                conn.execute(
                    "INSERT INTO documents (id, path, sha256, title, size, mtime_ns, status) "
                    "VALUES (?, ?, ?, ?, 1, 1, 'indexed')",
                    (n, f"/{lang}.txt", lang, lang),
                )
                conn.execute(
                    "INSERT INTO chunks (id, document_id, seq, page_start, page_end, "
                    "char_start, char_end, text) VALUES (?, ?, 0, 1, 1, 0, ?, ?)",
                    (n, n, len(text), text),
                )
        yield s


def found(store: Store, query: str) -> set[str]:
    ids = bm25_ranked(store, query, 10)
    names = {1: "zh", 2: "ja", 3: "ko", 4: "en"}
    return {names[i] for i in ids}


def test_two_character_words_are_found_in_chinese_japanese_and_korean(store):
    assert found(store, "首都") == {"zh"}
    assert found(store, "东京") == set()  # simplified 东 is not the Japanese 東
    assert found(store, "東京") == {"ja"}
    assert found(store, "電車で通勤") == {"ja"}  # longer: a phrase of consecutive pairs
    assert found(store, "수도") == {"ko"}
    assert found(store, "中国 walrus") == {"zh", "en"}  # mixed: both indexes, fused
    assert found(store, "walrus") == {"en"}
    assert found(store, "京") == {"ja", "zh"}  # one character: a prefix of its pairs


def test_only_chunks_with_cjk_get_pairs_and_deletes_follow(store):
    assert [r[0] for r in store.query("SELECT rowid FROM chunks_cjk ORDER BY rowid")] == [1, 2, 3]
    with store.transaction() as conn:
        conn.execute("DELETE FROM documents WHERE id = 1")
    assert found(store, "首都") == set()
    assert store.query("SELECT count(*) FROM chunks_cjk")[0][0] == 2


def test_the_query_picks_its_index_by_script():
    assert fts_searches("walrus") == [("chunks_fts", ['"walrus"'])]
    assert fts_searches("首都") == [("chunks_cjk", ['"首都"'])]
    assert [table for table, _ in fts_searches("首都 capital")] == ["chunks_cjk", "chunks_fts"]


@given(st.text(alphabet="北京是中国東京都にんでいます서울은 ab.", min_size=1, max_size=30))
def test_every_cjk_substring_of_two_or_more_is_a_phrase_of_the_pairs(text):
    pairs = (cjk.pair_text(text) or "").split()
    for run in cjk._CJK_RUN.findall(text):
        for i in range(len(run) - 1):
            word = run[i : i + 2]
            assert word in pairs
