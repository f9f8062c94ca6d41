"""Real e-books and Word files made on the spot, byte by byte, so tests own what they index.

Each maker writes the format's own structure (an EPUB's container and package, a .docx's
WordprocessingML parts, a FictionBook's XML), not a PDF renamed.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from html import escape
from pathlib import Path


def make_epub(path: Path, chapters: Sequence[tuple[str, str]], title: str = "A book") -> Path:
    """An EPUB 3 with one XHTML file per (heading, text) chapter."""
    path.parent.mkdir(parents=True, exist_ok=True)
    items, spine = [], []
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        book.writestr(
            "META-INF/container.xml",
            '<?xml version="1.0"?><container version="1.0" '
            'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
            '<rootfile full-path="OEBPS/content.opf" '
            'media-type="application/oebps-package+xml"/></rootfiles></container>',
        )
        for n, (heading, text) in enumerate(chapters, start=1):
            paragraphs = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n"))
            book.writestr(
                f"OEBPS/ch{n}.xhtml",
                '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/'
                f'xhtml"><head><title>{escape(heading)}</title></head><body>'
                f"<h1>{escape(heading)}</h1>{paragraphs}</body></html>",
            )
            items.append(
                f'<item id="ch{n}" href="ch{n}.xhtml" media-type="application/xhtml+xml"/>'
            )
            spine.append(f'<itemref idref="ch{n}"/>')
        book.writestr(
            "OEBPS/content.opf",
            '<?xml version="1.0" encoding="utf-8"?><package xmlns="http://www.idpf.org/2007/opf" '
            'version="3.0" unique-identifier="id"><metadata '
            'xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f'<dc:identifier id="id">docnook-test</dc:identifier><dc:title>{escape(title)}'
            "</dc:title><dc:language>en</dc:language></metadata>"
            f"<manifest>{''.join(items)}</manifest><spine>{''.join(spine)}</spine></package>",
        )
    return path


def make_docx(path: Path, paragraphs: Sequence[str], title: str | None = None) -> Path:
    """A Word document: one paragraph per entry; entries starting with '# ' are headings."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = []
    for text in paragraphs:
        style = ""
        if text.startswith("# "):
            text = text[2:]
            style = '<w:pPr><w:pStyle w:val="Heading1"/></w:pPr>'
        body.append(f"<w:p>{style}<w:r><w:t xml:space='preserve'>{escape(text)}</w:t></w:r></w:p>")
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as docx:
        docx.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
            '.org/package/2006/content-types"><Default Extension="rels" ContentType="'
            'application/vnd.openxmlformats-package.relationships+xml"/><Default Extension='
            '"xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
            'document.main+xml"/><Override PartName="/docProps/core.xml" ContentType="'
            'application/vnd.openxmlformats-package.core-properties+xml"/></Types>',
        )
        docx.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
            f'{rels}/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" '
            'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
            'core-properties" Target="docProps/core.xml"/></Relationships>',
        )
        docx.writestr(
            "docProps/core.xml",
            '<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://'
            'schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc='
            f'"http://purl.org/dc/elements/1.1/"><dc:title>{escape(title or "")}</dc:title>'
            "</cp:coreProperties>",
        )
        docx.writestr(
            "word/_rels/document.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"/>',
        )
        docx.writestr(
            "word/document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{w}"><w:body>'
            f"{''.join(body)}</w:body></w:document>",
        )
    return path


def make_fb2(path: Path, sections: Sequence[tuple[str, str]], title: str = "A story") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(
        f"<section><title><p>{escape(h)}</p></title><p>{escape(t)}</p></section>"
        for h, t in sections
    )
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><FictionBook xmlns="http://www.gribuser.ru/xml/'
        'fictionbook/2.0"><description><title-info><book-title>'
        f"{escape(title)}</book-title></title-info></description><body>{body}</body>"
        "</FictionBook>",
        encoding="utf-8",
    )
    return path
