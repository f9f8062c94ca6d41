"""Read a PDF's metadata and the text of each page with PyMuPDF.

Every way a file can fail to give text ends in a `PdfProblem` whose `status` is what the library
records (`failed`, `needs-password`, `no-text`) and whose message is a sentence for the person.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

# MuPDF reports repairs of damaged files on stderr; DocNook reports them through statuses.
pymupdf.TOOLS.mupdf_display_errors(False)
pymupdf.TOOLS.mupdf_display_warnings(False)

STATUS_INDEXED = "indexed"
STATUS_FAILED = "failed"
STATUS_NEEDS_PASSWORD = "needs-password"
STATUS_NO_TEXT = "no-text"

_TEXT_FLAGS = pymupdf.TEXTFLAGS_TEXT | pymupdf.TEXT_DEHYPHENATE
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*\n+")
# Scans often carry a stray page number or two in a text layer; fewer letters than this per
# page means there is no real text to index.
_MIN_LETTERS_PER_PAGE = 3


class PdfProblem(Exception):
    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class PdfText:
    title: str
    author: str
    page_count: int
    pages: list[str] = field(default_factory=list)


def clean_text(text: str) -> str:
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _BLANK_LINES.sub("\n\n", text)
    return "\n".join(line.strip() for line in text.splitlines()).strip()


def _open(path: Path, password: str | None) -> pymupdf.Document:
    try:
        if path.stat().st_size == 0:
            raise PdfProblem(STATUS_FAILED, "The file is empty (0 bytes).")
        doc = pymupdf.open(path, filetype="pdf")
    except PdfProblem:
        raise
    except (pymupdf.FileDataError, pymupdf.EmptyFileError, RuntimeError, ValueError) as exc:
        raise PdfProblem(
            STATUS_FAILED, "The file is not a readable PDF (it is damaged or another format)."
        ) from exc
    except OSError as exc:
        raise PdfProblem(STATUS_FAILED, f"The file cannot be read: {exc.strerror or exc}.") from exc
    if doc.needs_pass:
        if not password:
            doc.close()
            raise PdfProblem(
                STATUS_NEEDS_PASSWORD, "The PDF is protected by a password; give it to index it."
            )
        if not doc.authenticate(password):
            doc.close()
            raise PdfProblem(STATUS_NEEDS_PASSWORD, "The password given for this PDF is wrong.")
    return doc


def _metadata(doc: pymupdf.Document, path: Path) -> tuple[str, str]:
    meta = doc.metadata or {}
    title = clean_text(meta.get("title") or "").replace("\n", " ")
    author = clean_text(meta.get("author") or "").replace("\n", " ")
    return (title or path.stem), author


def page_count(path: Path, password: str | None = None) -> int:
    """Pages in the file, or 0 when it cannot be opened (the full read reports why)."""
    try:
        with _open(path, password) as doc:
            return doc.page_count
    except PdfProblem:
        return 0


def iter_pages(doc: pymupdf.Document) -> Iterator[str]:
    for index in range(doc.page_count):
        try:
            text = doc.load_page(index).get_text("text", flags=_TEXT_FLAGS)
        except (RuntimeError, ValueError):
            text = ""  # One broken page does not sink the document.
        yield clean_text(text)


def read_pdf(path: Path, password: str | None = None, on_page=None) -> PdfText:
    """Metadata and page texts of `path`; `on_page(n)` is called after each page is read."""
    doc = _open(path, password)
    try:
        title, author = _metadata(doc, path)
        result = PdfText(title=title, author=author, page_count=doc.page_count)
        if doc.page_count == 0:
            raise PdfProblem(STATUS_FAILED, "The PDF has no pages.")
        for number, text in enumerate(iter_pages(doc), start=1):
            result.pages.append(text)
            if on_page is not None:
                on_page(number)
    except PdfProblem:
        raise
    except (RuntimeError, ValueError) as exc:
        raise PdfProblem(STATUS_FAILED, "The PDF is damaged beyond repair.") from exc
    finally:
        doc.close()
    letters = sum(sum(ch.isalnum() for ch in page) for page in result.pages)
    if letters < _MIN_LETTERS_PER_PAGE * result.page_count:
        raise PdfProblem(
            STATUS_NO_TEXT,
            "No text (scanned): the PDF has no text layer. Run OCR on it to make it searchable.",
        )
    return result
