"""Every format DocNook reads, through PyMuPDF: PDF (`pdf.py`), and the others MuPDF opens
itself: EPUB, MOBI, FB2, XPS, CBZ, Word (.docx), plain text and Markdown.

Fixed-layout formats (PDF, XPS, CBZ) have pages of their own. The others are reflowable: MuPDF
lays their text out into pages, and those pages are what DocNook indexes, cites and shows. The
layout is fixed here (`LAYOUT`), and the indexer and the reader both open documents through
`open_document`, so "p. 7" in a citation is the page the reader opens, and a citation of a
reflowable document says that its page is one of the laid-out text.
"""

from __future__ import annotations

from pathlib import Path

import pymupdf

from docnook.ingest import pdf
from docnook.ingest.pdf import STATUS_FAILED, STATUS_NO_TEXT, PdfProblem, PdfText, clean_text
from docnook.ingest.suffixes import DOCUMENT_SUFFIXES, FIXED_LAYOUT_SUFFIXES

# A5 at 11 pt: a page of a book. Changing it changes every reflowable document's page
# numbers, so old citations would point elsewhere: treat it like a migration.
LAYOUT = {"width": 420.0, "height": 595.0, "fontsize": 11.0}

# MuPDF picks its handler by this name; a suffix it does not know is opened as text.
_FILETYPES = {
    ".epub": "epub",
    ".mobi": "mobi",
    ".fb2": "fb2",
    ".xps": "xps",
    ".oxps": "xps",
    ".cbz": "cbz",
    ".docx": "docx",
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
}

_KIND_NAMES = {
    ".epub": "EPUB e-book",
    ".mobi": "MOBI e-book",
    ".fb2": "FictionBook",
    ".xps": "XPS document",
    ".oxps": "XPS document",
    ".cbz": "comic book archive",
    ".docx": "Word document",
    ".txt": "text file",
    ".md": "Markdown file",
    ".markdown": "Markdown file",
}


def suffix(path: str | Path) -> str:
    return Path(path).suffix.lower()


def is_pdf(path: str | Path) -> bool:
    return suffix(path) not in _FILETYPES  # PDFs, and files named explicitly as one


def is_reflowable(path: str | Path) -> bool:
    """Whether the document's pages are DocNook's layout of its text, not its own."""
    return suffix(path) in DOCUMENT_SUFFIXES and suffix(path) not in FIXED_LAYOUT_SUFFIXES


def location_label(path: str | Path, page: int) -> str:
    """How a citation names a place: "p. 7", or for a reflowable document "p. 7 of the
    laid-out text" (the page the reader shows, since such a file has no pages of its own)."""
    if is_reflowable(path):
        return f"p. {page} of the laid-out text"
    return f"p. {page}"


def open_document(path: str | Path, password: str | None = None) -> pymupdf.Document:
    """The document at `path` as PyMuPDF opens it for reading and showing, laid out with
    DocNook's fixed layout when it is reflowable. Raises what PyMuPDF raises; `read_document`
    turns that into a `PdfProblem`."""
    path = Path(path)
    if is_pdf(path):
        doc = pymupdf.open(path, filetype="pdf")
    else:
        try:
            doc = pymupdf.open(path, filetype=_FILETYPES[suffix(path)])
        except (RuntimeError, ValueError):
            if suffix(path) not in (".md", ".markdown"):
                raise
            doc = pymupdf.open(path, filetype="txt")  # a MuPDF without Markdown: plain text
    if doc.is_reflowable:
        doc.layout(**LAYOUT)
    if password and doc.needs_pass:
        doc.authenticate(password)
    return doc


def page_count(path: Path, password: str | None = None) -> int:
    """Pages in the file (laid out, for reflowable ones), or 0 when it cannot be opened."""
    if is_pdf(path):
        return pdf.page_count(path, password)
    try:
        with open_document(path) as doc:
            return doc.page_count
    except Exception:  # the full read says what is wrong, in a sentence
        return 0


def read_document(path: Path, password: str | None = None) -> PdfText:
    """Metadata and page texts of any supported file; failures are `PdfProblem`s."""
    if is_pdf(path):
        return pdf.read_pdf(path, password)
    kind = _KIND_NAMES.get(suffix(path), "file")
    try:
        if path.stat().st_size == 0:
            raise PdfProblem(STATUS_FAILED, "The file is empty (0 bytes).")
        doc = open_document(path)
    except PdfProblem:
        raise
    except OSError as exc:
        raise PdfProblem(STATUS_FAILED, f"The file cannot be read: {exc.strerror or exc}.") from exc
    except Exception as exc:  # MuPDF's many error classes for a damaged file
        raise PdfProblem(
            STATUS_FAILED, f"The {kind} cannot be read (it is damaged or another format)."
        ) from exc
    try:
        meta = doc.metadata or {}
        title = clean_text(meta.get("title") or "").replace("\n", " ") or path.stem
        author = clean_text(meta.get("author") or "").replace("\n", " ")
        result = PdfText(title=title, author=author, page_count=doc.page_count)
        for number in range(doc.page_count):
            try:
                text = clean_text(doc.load_page(number).get_text("text", flags=pdf.TEXT_FLAGS))
            except Exception:
                result.damaged_pages.append(number + 1)
                text = ""
            result.pages.append(text)
    finally:
        doc.close()
    if not any(result.pages):
        message = (
            "No text: the comic book's pages are pictures."
            if suffix(path) == ".cbz"
            else f"No text: the {kind} holds no text DocNook can read."
        )
        raise PdfProblem(STATUS_NO_TEXT, message)
    return result
