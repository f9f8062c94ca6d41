"""Hostile and odd PDFs, written byte by byte or with PyMuPDF, each the kind of file a person's
folder really holds: cut off by a failed download, renamed, locked, scanned, enormous, in
another script, or damaged so that a reader must repair or refuse it."""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

import pymupdf

from pdfmaker import PAGE, make_image_only_pdf, make_pdf

_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
_CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
_ONE_PAGE = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"


def raw_pdf(path: Path, objects: Sequence[bytes]) -> Path:
    """A PDF of the given objects (numbered from 1; 1 is the catalog) with a correct xref."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


def _stream(content: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(content), extra, content)


def _page(parent: int, contents: int, extra: bytes = b"", font: int = 5) -> bytes:
    return (
        b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
        b"/Resources << /Font << /F1 %d 0 R >> %s>> >>" % (parent, contents, font, extra)
    )


TEXT = b"BT /F1 12 Tf 72 720 Td (The harbour master keeps the tide tables) Tj ET"


def _tree_pdf(
    path: Path,
    tree: bytes,
    page: bytes | None = None,
    contents: bytes | None = None,
    more: Sequence[bytes] = (),
) -> Path:
    """Objects 1 catalog, 2 `tree`, 3 `page` (a page of tree 2 drawing object 4), 4 `contents`
    (the sentence TEXT), 5 the font, then `more` from 6 on: what each hostile file bends."""
    page = page if page is not None else _page(2, 4)
    contents = contents if contents is not None else _stream(TEXT)
    return raw_pdf(path, [_CATALOG, tree, page, contents, _FONT, *more])


def page_tree_cycle(path: Path) -> Path:
    """The page tree lists itself among its own pages: a naive reader walks it forever."""
    return _tree_pdf(path, b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>")


def second_page_is_a_cycle(path: Path) -> Path:
    """A good first page, then a "page" that is the page tree itself: one page is damaged,
    the rest of the document is fine."""
    return _tree_pdf(path, b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>")


def kids_cycle(path: Path) -> Path:
    """Two page-tree nodes that are each other's child, claiming a million pages."""
    return _tree_pdf(
        path,
        b"<< /Type /Pages /Kids [6 0 R] /Count 1000000 >>",
        page=_page(6, 4),
        more=[b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 1000000 /Parent 2 0 R >>"],
    )


def reference_cycle(path: Path) -> Path:
    """A stream's /Length is an object that refers to an object that refers back to it."""
    return _tree_pdf(
        path,
        _ONE_PAGE,
        contents=b"<< /Length 6 0 R >>\nstream\n%s\nendstream" % TEXT,
        more=[b"7 0 R", b"6 0 R"],
    )


def self_drawing_form(path: Path) -> Path:
    """A form XObject that draws itself: endless recursion for a renderer or text extractor."""
    form = _stream(
        b"q /X1 Do Q",
        b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] "
        b"/Resources << /XObject << /X1 6 0 R >> >> ",
    )
    return _tree_pdf(
        path,
        _ONE_PAGE,
        page=_page(2, 4, b"/XObject << /X1 6 0 R >> "),
        contents=_stream(TEXT + b" /X1 Do"),
        more=[form],
    )


def broken_xref(path: Path, pages: Sequence[str]) -> Path:
    """A good PDF whose cross-reference table and startxref point at the wrong bytes: MuPDF
    rebuilds the table by scanning the file for objects."""
    make_pdf(path, pages)
    data = path.read_bytes()
    start = data.rindex(b"startxref")
    data = data[:start] + b"startxref\n999999\n%%EOF\n"
    xref = data.rfind(b"\nxref")
    if xref != -1:
        data = data[: xref + 1] + b"xref\n0 99\nnot an xref table at all\n" + data[xref + 60 :]
    path.write_bytes(data)
    return path


def truncated(path: Path, pages: Sequence[str], keep: float = 0.5) -> Path:
    """A PDF cut off part way, as by a failed download."""
    make_pdf(path, pages)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def random_bytes(path: Path, size: int = 200_000, seed: int = 7) -> Path:
    path.write_bytes(random.Random(seed).randbytes(size))
    return path


def zero_bytes(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def many_pages(path: Path, count: int) -> Path:
    """`count` short pages, each naming its own number (written as raw objects: PyMuPDF takes
    seconds to make thousands of pages)."""
    first_page = 4  # objects: 1 catalog, 2 page tree, 3 font, then a page and its contents each
    kids = b" ".join(b"%d 0 R" % (first_page + 2 * i) for i in range(count))
    objects = [_CATALOG, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count), _FONT]
    for number in range(1, count + 1):
        line = b"Ledger page %d: entry %d." % (number, number * 7919 % 100003)
        objects.append(_page(2, first_page + 2 * (number - 1) + 1, font=3))
        objects.append(_stream(b"BT /F1 11 Tf 72 720 Td (%s) Tj ET" % line))
    return raw_pdf(path, objects)


def huge_single_page(path: Path, characters: int) -> Path:
    """One page holding `characters` of running text in a tiny font on a very large page."""
    words = [
        "the",
        "quick",
        "survey",
        "of",
        "coastal",
        "erosion",
        "measured",
        "every",
        "cliff",
        "and",
        "cove",
    ]
    rng = random.Random(3)
    lines: list[bytes] = []
    total = 0
    while total < characters:
        line = " ".join(rng.choice(words) for _ in range(150))
        lines.append(line.encode())
        total += len(line) + 1
    height = len(lines) * 2.6 + 20
    content = (
        b"BT /F1 2 Tf 2.6 TL 5 %.1f Td " % (height - 10)
        + b" T* ".join(b"(%s) Tj" % line for line in lines)
        + b" ET"
    )
    page = _page(2, 4).replace(b"[0 0 612 792]", b"[0 0 1200 %.1f]" % height)
    return _tree_pdf(path, _ONE_PAGE, page=page, contents=_stream(content))


# Scripts MuPDF carries fonts for (Noto for Cyrillic and Greek, Droid Sans Fallback for CJK), so
# the test needs no font from the system.
SCRIPTS = {
    "russian": ("Маяк на острове Эльдвик построили в 1887 году.", None),
    "greek": ("Ο φάρος του νησιού φωτίζει το λιμάνι κάθε νύχτα.", None),
    "chinese": ("灯塔建于一八八七年，守护着港口的船只。", "cjk"),
    "japanese": ("灯台は一八八七年に建てられ、港の船を守っている。", "cjk"),
    "korean": ("등대는 1887년에 세워져 항구의 배를 지킨다.", "cjk"),
}


def non_latin(path: Path) -> Path:
    """A page per script of `SCRIPTS`, each sentence written with a font that has its glyphs."""
    doc = pymupdf.open()
    for text, fontname in SCRIPTS.values():
        page = doc.new_page(width=PAGE.width, height=PAGE.height)
        font = pymupdf.Font(fontname) if fontname else pymupdf.Font(language="ru")
        writer = pymupdf.TextWriter(page.rect)
        writer.append((72, 100), text, font=font, fontsize=14)
        writer.write_text(page)
    doc.save(path)
    doc.close()
    return path


def locked(path: Path, pages: Sequence[str], user_password: str) -> Path:
    return make_pdf(path, pages, user_password=user_password)


def owner_locked(path: Path, pages: Sequence[str]) -> Path:
    """Encrypted with an owner password only: anyone may open it, no password to ask for."""
    return make_pdf(path, pages, owner_password="owner-secret")


def image_only(path: Path) -> Path:
    return make_image_only_pdf(path, pages=3)
