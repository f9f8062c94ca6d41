"""Running headers, footers and page numbers come out of the page text."""

from __future__ import annotations

from docnook.ingest.layout import blank_running_lines, strip_running_lines


def test_running_lines_and_page_numbers_are_removed_and_the_text_kept() -> None:
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
    pages = [
        f"R Installation and Administration\nThe {word} section starts here.\n"
        f"It ends with {word} too.\n{n}"
        for n, word in enumerate(words, 1)
    ]
    cleaned = strip_running_lines(pages)
    assert cleaned[2] == "The gamma section starts here.\nIt ends with gamma too."
    assert all("Installation and Administration" not in page for page in cleaned)


def test_a_short_document_keeps_its_lines() -> None:
    pages = ["Title\nA sentence.", "Title\nAnother sentence."]
    assert strip_running_lines(pages) == pages
    assert strip_running_lines(["12"]) == ["12"]  # never empties a page


def test_running_lines_can_be_blanked_with_every_offset_kept() -> None:
    pages = ["Lease of Strandgata 14\nThe rent is paid.", "Lease of Strandgata 14\nThe deposit."]
    blanked = blank_running_lines(pages)
    assert [len(page) for page in blanked] == [len(page) for page in pages]
    assert [page.split("\n")[1] for page in blanked] == ["The rent is paid.", "The deposit."]
    assert not any(page.split("\n")[0].strip() for page in blanked)
    assert blank_running_lines(pages, min_pages=3) == pages  # as indexing asks
