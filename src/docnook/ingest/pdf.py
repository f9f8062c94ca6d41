"""Read a PDF's metadata and the text of each page with PyMuPDF.

Every way a file can fail to give text ends in a `PdfProblem` whose `status` is what the library
records (`failed`, `needs-password`, `no-text`) and whose message is a sentence for the person.
"""

from __future__ import annotations

import re
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

# Ligatures (ﬁ, ﬂ, ﬀ) are spelled out: typeset PDFs use them in every "file", "define" and
# "fitted", and kept as single characters those words match no keyword search (in the R
# vignettes of the answer benchmark, one chunk in five had one).
TEXT_FLAGS = (pymupdf.TEXTFLAGS_TEXT | pymupdf.TEXT_DEHYPHENATE) & ~pymupdf.TEXT_PRESERVE_LIGATURES
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*\n+")
# What MuPDF raises for a damaged file: its own error classes (a cycle in the page tree is an
# `FzErrorFormat`, which is no RuntimeError) besides the Python ones PyMuPDF maps some to.
_MUPDF_ERRORS: tuple[type[Exception], ...] = (RuntimeError, ValueError)
if hasattr(pymupdf, "mupdf") and hasattr(pymupdf.mupdf, "FzErrorBase"):
    _MUPDF_ERRORS += (pymupdf.mupdf.FzErrorBase,)
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
    damaged_pages: list[int] = field(default_factory=list)  # 1-based: pages that cannot be read


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
    except (pymupdf.FileDataError, pymupdf.EmptyFileError, *_MUPDF_ERRORS) as exc:
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
    except (PdfProblem, *_MUPDF_ERRORS):
        return 0


def _page_text(doc: pymupdf.Document, index: int) -> str | None:
    """The text of one page, or None when the page itself is damaged (its object missing, a
    cycle in the page tree): one broken page does not sink the document."""
    try:
        return clean_text(doc.load_page(index).get_text("text", flags=TEXT_FLAGS))
    except _MUPDF_ERRORS:
        return None


def read_pdf(path: Path, password: str | None = None, on_page=None) -> PdfText:
    """Metadata and page texts of `path`; `on_page(n)` is called after each page is read.
    Damaged pages read as empty and are listed in `damaged_pages`."""
    doc = _open(path, password)
    try:
        title, author = _metadata(doc, path)
        result = PdfText(title=title, author=author, page_count=doc.page_count)
        if doc.page_count == 0:
            raise PdfProblem(STATUS_FAILED, "The PDF has no pages.")
        for number in range(1, doc.page_count + 1):
            text = _page_text(doc, number - 1)
            if text is None:
                result.damaged_pages.append(number)
            result.pages.append(text or "")
            if on_page is not None:
                on_page(number)
    except PdfProblem:
        raise
    except _MUPDF_ERRORS as exc:
        raise PdfProblem(STATUS_FAILED, "The PDF is damaged beyond repair.") from exc
    finally:
        doc.close()
    readable = result.page_count - len(result.damaged_pages)
    if readable == 0:
        raise PdfProblem(
            STATUS_FAILED, "The PDF is damaged beyond repair: none of its pages can be read."
        )
    letters = sum(sum(ch.isalnum() for ch in page) for page in result.pages)
    if letters < _MIN_LETTERS_PER_PAGE * readable:
        raise PdfProblem(
            STATUS_NO_TEXT,
            "No text (scanned): the PDF has no text layer. Run OCR on it to make it searchable.",
        )
    return result


def damage_note(damaged_pages: list[int], page_count: int) -> str | None:
    """A sentence for a document indexed without some of its pages, or None."""
    if not damaged_pages:
        return None
    shown = ", ".join(str(n) for n in damaged_pages[:10])
    if len(damaged_pages) > 10:
        shown += f" and {len(damaged_pages) - 10} more"
    noun = "Page" if len(damaged_pages) == 1 else "Pages"
    verb = "is" if len(damaged_pages) == 1 else "are"
    return (
        f"{noun} {shown} of {page_count} {verb} damaged and could not be read; the rest is indexed."
    )
