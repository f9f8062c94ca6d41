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
        ([21, 20, 22, 9], 150),  # ordinary print: read as first rendered
        ([23, 24, 23], 150),  # within the band: a second layout would cost more than it saves
        ([14, 14, 30], 225),  # small print (median 14 px): finer, so its lines are 21 px
        ([42, 40, 44], 75),  # large print: coarser, for less CPU
        ([300, 280], ocr.MIN_DPI),  # a poster's letters
        ([5, 5, 6], ocr.MAX_DPI),  # a footnote's
        ([], 150),  # no line found: nothing to go by
        ([0, 0], 150),
    ],
)
def test_a_page_is_rendered_so_its_lines_are_as_tall_as_tesseract_reads_best(
    heights, expected
) -> None:
    assert ocr.render_dpi_for(heights, 150) == expected
    assert ocr.MIN_DPI <= ocr.render_dpi_for(heights, 150) <= ocr.MAX_DPI
