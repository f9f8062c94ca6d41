"""E-books, Word files, text and Markdown beside PDFs: indexed, found at the page the reader
opens, cited with a location that says what it is, summarised and read for sentiment. Real
files (tests/formatmaker.py), the real index, embedder and language model."""

from __future__ import annotations

from pathlib import Path

import pytest

from docnook.assistant import Assistant
from docnook.config import Settings
from docnook.ingest import formats
from docnook.library import Library
from formatmaker import make_docx, make_epub, make_fb2
from pdfmaker import make_pdf

pytestmark = pytest.mark.slow

FILLER = "\n\n".join(
    f"Evening {n}. The keeper climbed the tower stairs, trimmed the wick and wrote the weather "
    "in the log before the long night began."
    for n in range(1, 30)
)


@pytest.fixture(scope="module")
def shelf(tmp_path_factory: pytest.TempPathFactory, embedder):
    root = tmp_path_factory.mktemp("formats")
    files = root / "files"
    make_epub(
        files / "keeper.epub",
        [
            ("Arrival", FILLER),
            (
                "The storm",
                "In the great storm of 1903 the cormorant colony sheltered in the tower.",
            ),
        ],
        title="The keeper's year",
    )
    make_docx(
        files / "plan.docx",
        ["# Budget", "Revenue from the ferry tickets grew by twelve percent last year."],
        title="Harbour plan",
    )
    make_fb2(files / "tales.fb2", [("The fox", "A red fox crossed the frozen river at dawn.")])
    (files / "notes.txt").write_text("Shopping: saffron, cardamom and star anise.\n")
    (files / "readme.md").write_text("# Garden\n\nWater the *tomatoes* every second morning.\n")
    (files / "beijing.txt").write_text("北京是中国的首都，人口众多，历史悠久。\n", encoding="utf-8")
    make_docx(files / "tokyo.docx", ["東京都に住んでいます。毎日電車で通勤します。"])
    make_pdf(files / "lease.pdf", ["The tenant pays rent of 900 euros each month."])
    data = root / "data"
    with Library(data, embedder) as library:
        report = library.index([files])
        assert (report.indexed, report.failed) == (8, 0), report.summary()
    return data, files


@pytest.fixture
def library(shelf, embedder):
    data, _ = shelf
    with Library(data, embedder) as lib:
        yield lib


def top(library: Library, query: str, mode: str = "hybrid"):
    hits = library.search(query, k=1, mode=mode)
    assert hits, query
    return hits[0]


@pytest.mark.parametrize(
    ("query", "name", "word"),
    [
        ("cormorant colony in the great storm", "keeper.epub", "cormorant"),
        ("ferry ticket revenue growth", "plan.docx", "ferry"),
        ("red fox frozen river", "tales.fb2", "fox"),
        ("saffron cardamom", "notes.txt", "saffron"),
        ("water the tomatoes", "readme.md", "tomatoes"),
        ("rent in euros", "lease.pdf", "euros"),
    ],
)
def test_each_format_is_found_at_the_page_the_reader_opens(library, query, name, word):
    hit = top(library, query)
    assert Path(hit.path).name == name
    with formats.open_document(hit.path) as doc:  # what the reader shows
        shown = doc.load_page(hit.page - 1).get_text()
    assert word in shown.lower()


def test_an_ebook_chapter_lands_on_its_laid_out_page(library):
    hit = top(library, "cormorant colony")
    assert hit.page > 1  # the first chapter fills pages before it
    assert formats.location_label(hit.path, hit.page) == f"p. {hit.page} of the laid-out text"
    assert formats.location_label("/x/lease.pdf", 3) == "p. 3"
    record = library.resolve(hit.path)
    assert record.title == "The keeper's year"


def test_chinese_and_japanese_documents_are_found_by_a_two_character_word(library):
    assert Path(top(library, "首都", mode="bm25").path).name == "beijing.txt"
    assert Path(top(library, "電車", mode="bm25").path).name == "tokyo.docx"
    assert Path(top(library, "首都").path).name == "beijing.txt"  # hybrid too


def test_ask_cites_an_ebook_page_and_summary_and_sentiment_work_on_a_word_file(shelf, embedder):
    data, _ = shelf
    assistant = Assistant(data, embedder)
    try:
        assistant.apply_settings(Settings(n_ctx=1024, n_threads=1))
        answer = assistant.ask("Where did the cormorant colony shelter in the storm of 1903?")
        assert answer.found
        cited = next(c for c in answer.citations if c.path.endswith("keeper.epub"))
        assert cited.label().endswith("of the laid-out text")
        with Library(data, embedder) as library:
            plan = library.resolve(str(shelf[1] / "plan.docx"))
        summary = assistant.summarize(plan.id)
        assert summary.summary.strip()
        sentiment = assistant.sentiment(plan.id)
        assert [p.page for p in sentiment.pages] == [1]
    finally:
        assistant.close()
