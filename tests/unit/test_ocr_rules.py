"""The small rules of OCR: when an indexed document is read again, how recognised lines are
joined, and the sentence for scanned pages left unread."""

from __future__ import annotations

import pytest

from docnook.ingest import ocr, ocr_pages


@pytest.mark.parametrize(
    ("status", "ocr_count", "mode", "again"),
    [
        ("no-text", None, "auto", True),  # a scan indexed before OCR existed
        ("no-text", 0, "auto", False),  # OCR looked and found nothing: not every time again
        ("no-text", None, "never", False),
        ("indexed", None, "auto", False),  # typed documents are not read again
        ("indexed", 3, "always", True),
        ("failed", None, "always", True),
    ],
)
def test_when_an_unchanged_document_is_read_again(status, ocr_count, mode, again) -> None:
    assert ocr_pages.worth_reading_again(status, ocr_count, mode) is again


def test_lines_join_words_hyphenated_at_a_line_end_only() -> None:
    lines = [["The", "exam-"], ["ple", "shows", "well-"], ["Known", "cases"]]
    assert ocr._join_lines(lines) == "The example\nshows well-\nKnown cases"


def test_scanned_pages_left_unread_get_one_sentence() -> None:
    result = ocr_pages.OcrResult(problem="Install tesseract-ocr-eng.", unread=[3])
    assert ocr_pages.scanned_note(result, 9) == (
        "Page 3 of 9 is scanned and could not be read. Install tesseract-ocr-eng."
    )
    assert ocr_pages.scanned_note(ocr_pages.OcrResult(), 9) is None


def test_missing_language_data_names_the_package(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    monkeypatch.setattr(ocr, "TESSDATA_DIRS", ())
    (tmp_path / "eng.traineddata").write_bytes(b"")
    assert ocr.find_tessdata("eng") == tmp_path
    with pytest.raises(ocr.OcrUnavailable, match=r"sudo apt install tesseract-ocr-deu`"):
        ocr.find_tessdata("eng+deu")


@pytest.mark.parametrize(
    ("heights", "expected"),
    [
        ([18, 17, 19, 8], 130),  # ordinary print: read as first rendered
        ([20, 20, 21], 130),  # within the band: a second layout would cost more than it saves
        ([12, 12, 26], 195),  # small print (median 12 px): finer, so its lines are 18 px
        ([30, 29, 31], 78),  # large print: coarser, for less CPU
        ([300, 280], ocr.MIN_DPI),  # a poster's letters
        ([4, 4, 5], ocr.MAX_DPI),  # a footnote's
        ([], 130),  # no line found: nothing to go by
        ([0, 0], 130),
    ],
)
def test_a_page_is_rendered_so_its_lines_are_as_tall_as_tesseract_reads_best(
    heights, expected
) -> None:
    assert (ocr.OCR_DPI, ocr.LINE_PX) == (130, 18)
    assert ocr.render_dpi_for(heights, 130) == expected
    assert ocr.MIN_DPI <= ocr.render_dpi_for(heights, 130) <= ocr.MAX_DPI
