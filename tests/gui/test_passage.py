"""Finding a cited passage on a PDF page (PyMuPDF only; no window needed)."""

from __future__ import annotations

import pymupdf

from docnook.gui.passage import passage_marks, passage_rects
from pdfmaker import make_pdf

PAGE = (
    "Opening hours. The gates are open from sunrise to sunset. The tool shed opens at 7 a.m. "
    "and is locked at dusk by the volunteer on duty. Please return every tool clean and dry "
    "before the shed closes. Fees. The annual plot fee is 45 euros."
)


def _page(tmp_path):
    doc = pymupdf.open(make_pdf(tmp_path / "p.pdf", [PAGE]))
    return doc, doc[0]


def _text(page, rects) -> str:
    return " ".join(
        " ".join(
            page.get_textbox(pymupdf.Rect(r.x0 - 1, r.y0 - 1, r.x1 + 1, r.y1 + 1)) for r in rects
        ).split()
    )


def test_a_passage_from_the_index_is_found_despite_different_spacing(tmp_path):
    doc, page = _page(tmp_path)
    passage = "The tool shed opens at 7 a.m.\nand is locked at dusk   by the volunteer on duty."
    rects = passage_rects(page, passage)
    assert rects
    found = _text(page, rects)
    assert "tool shed opens" in found and "volunteer" in found
    assert "annual plot fee" not in found
    doc.close()


def test_the_sentence_the_answer_used_is_marked_more_strongly(tmp_path):
    doc, page = _page(tmp_path)
    marks = passage_marks(page, PAGE, answer="The annual plot fee is 45 euros [1].")
    assert marks.passage and marks.focus
    focus = _text(page, marks.focus)
    assert "45 euros" in focus and "sunrise" not in focus
    doc.close()


def test_text_that_is_not_on_the_page_marks_nothing(tmp_path):
    doc, page = _page(tmp_path)
    assert passage_rects(page, "Quarterly revenue of the coffee roastery grew strongly") == []
    doc.close()


def test_a_heading_is_not_marked_with_the_sentence_under_it(tmp_path):
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "Opening hours", fontsize=16)
    body = "The gates are open from sunrise to sunset every day of the year."
    page.insert_textbox(pymupdf.Rect(72, 100, 520, 200), body, fontsize=11)
    blocks = {w[5] for w in page.get_text("words")}
    assert len(blocks) == 2  # the heading is a block of its own, as on a typeset page
    marks = passage_marks(page, f"Opening hours\n{body}", answer=body)
    focus = _text(page, marks.focus)
    assert "gates are open" in focus and "Opening hours" not in focus
    # Not even when the answer holds the heading's words.
    marks = passage_marks(page, f"Opening hours\n{body}", answer=f"Opening hours: {body}")
    assert "Opening hours" not in _text(page, marks.focus)
    doc.close()
