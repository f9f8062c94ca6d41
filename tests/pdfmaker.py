"""Real PDFs made on the spot with PyMuPDF, so tests own every byte they index."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pymupdf

PAGE = pymupdf.paper_rect("a4")
MARGIN = 56


def make_pdf(
    path: Path,
    pages: Sequence[str],
    title: str | None = None,
    author: str | None = None,
    user_password: str | None = None,
    owner_password: str | None = None,
    fontsize: float = 10,
) -> Path:
    """A PDF with one text page per entry of `pages` (long text is shrunk to fit the page)."""
    doc = pymupdf.open()
    box = pymupdf.Rect(MARGIN, MARGIN, PAGE.width - MARGIN, PAGE.height - MARGIN)
    for text in pages:
        page = doc.new_page(width=PAGE.width, height=PAGE.height)
        size = fontsize
        while page.insert_textbox(box, text, fontsize=size) < 0 and size > 2:
            page.clean_contents()
            page = _fresh_page(doc, page)
            size *= 0.8
    metadata = {}
    if title:
        metadata["title"] = title
    if author:
        metadata["author"] = author
    if metadata:
        doc.set_metadata(metadata)
    path.parent.mkdir(parents=True, exist_ok=True)
    if user_password or owner_password:
        doc.save(
            path,
            encryption=pymupdf.PDF_ENCRYPT_AES_256,
            user_pw=user_password or "",
            owner_pw=owner_password or user_password or "",
            permissions=pymupdf.PDF_PERM_PRINT,
        )
    else:
        doc.save(path)
    doc.close()
    return path


def _fresh_page(doc: pymupdf.Document, page: pymupdf.Page) -> pymupdf.Page:
    number = page.number
    doc.delete_page(number)
    return doc.new_page(pno=number, width=PAGE.width, height=PAGE.height)


def make_image_only_pdf(path: Path, pages: int = 2) -> Path:
    """A 'scanned' PDF: pictures of text, no text layer."""
    doc = pymupdf.open()
    for _ in range(pages):
        page = doc.new_page(width=PAGE.width, height=PAGE.height)
        pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 200, 100), False)
        pix.clear_with(200)
        page.insert_image(pymupdf.Rect(100, 100, 500, 300), pixmap=pix)
    doc.save(path)
    doc.close()
    return path


def make_scanned_pdf(
    path: Path, pages: Sequence[str], dpi: int = 150, fontsize: float = 12
) -> Path:
    """A scan of real text: each page typeset as `make_pdf` would, rendered to a greyscale
    picture at `dpi` and put on an otherwise empty page, so no text layer is left."""
    typeset = path.with_name(path.stem + ".typeset.pdf")
    make_pdf(typeset, pages, fontsize=fontsize)
    with pymupdf.open(typeset) as source, pymupdf.open() as scan:
        for page in source:
            pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
            new = scan.new_page(width=page.rect.width, height=page.rect.height)
            new.insert_image(new.rect, pixmap=pix)
        scan.save(path)
    typeset.unlink()
    return path
