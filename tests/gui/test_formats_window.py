"""The reader opens e-books, Word, text and Markdown files at the page a search cites, with
the passage marked: the same layout for indexing and for showing."""

from __future__ import annotations

from pathlib import Path

import pytest
from guihelpers import index_and_wait

from docnook.gui.citations import StoredCitation
from formatmaker import make_docx, make_epub, make_fb2

pytestmark = pytest.mark.slow

FILLER = "\n\n".join(
    f"Evening {n}. The keeper climbed the tower stairs, trimmed the wick and wrote the weather "
    "in the log before the long night began."
    for n in range(1, 30)
)


def test_the_reader_opens_each_format_at_the_cited_page(qtbot, make_window, tmp_path):
    files = [
        make_epub(
            tmp_path / "keeper.epub",
            [("Arrival", FILLER), ("The storm", "The cormorant colony hid in the tower.")],
        ),
        make_docx(tmp_path / "plan.docx", ["# Budget", FILLER, "Ferry revenue grew by a tenth."]),
        make_fb2(tmp_path / "tales.fb2", [("The fox", "A red fox crossed the frozen river.")]),
        tmp_path / "notes.md",
        tmp_path / "list.txt",
    ]
    files[3].write_text("# Garden\n\n" + FILLER + "\n\nWater the tomatoes every morning.\n")
    files[4].write_text(FILLER + "\n\nSaffron, cardamom and star anise.\n")
    window = make_window(wait_ready=False)
    report = index_and_wait(qtbot, window, files)
    assert (report.indexed, report.failed) == (5, 0), report.summary()

    for query, name in [
        ("cormorant colony", "keeper.epub"),
        ("ferry revenue", "plan.docx"),
        ("red fox frozen river", "tales.fb2"),
        ("water the tomatoes", "notes.md"),
        ("saffron cardamom", "list.txt"),
    ]:
        (hit,) = window.library.search(query, k=1, mode="bm25")
        assert Path(hit.path).name == name
        if name in ("keeper.epub", "plan.docx", "notes.md", "list.txt"):
            assert hit.page > 1  # the filler fills the first laid-out pages
        citation = StoredCitation.from_stored(
            {"document_id": hit.document_id, "path": hit.path, "page": hit.page, "text": hit.text}
        )
        marks = window.citations.open_citation(citation)
        view = window.reader.view
        assert view.path == hit.path
        assert view.current_page == hit.page, name
        assert marks > 0, name
        assert hit.page in view.highlights()
