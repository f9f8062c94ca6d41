"""The words OCR found on scanned pages, with their boxes, and each document's count of such
pages (migration m007_ocr).

A scanned page has no text of its own for the reader to find a cited passage in, so the words
OCR read there are kept, as JSON per page in the tuple shape of PyMuPDF's `get_text("words")`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence

from docnook.index.store import Store

Word = tuple[float, float, float, float, str, int, int, int]


def write(
    conn: sqlite3.Connection, document_id: int, words: Mapping[int, Sequence[Word]] | None
) -> None:
    """Inside the document's write transaction: its OCR pages (None: indexed without OCR)."""
    conn.execute("DELETE FROM ocr_words WHERE document_id = ?", (document_id,))
    count = None if words is None else len(words)
    conn.execute("UPDATE documents SET ocr_pages = ? WHERE id = ?", (count, document_id))
    if words:
        conn.executemany(
            "INSERT INTO ocr_words (document_id, page_no, words) VALUES (?, ?, ?)",
            [
                (document_id, page, json.dumps(list(found), separators=(",", ":")))
                for page, found in sorted(words.items())
            ],
        )


def page_words(store: Store, document_id: int, page_no: int) -> list[Word] | None:
    """The words OCR found on one page, or None when the page was not read by OCR."""
    rows = store.query(
        "SELECT words FROM ocr_words WHERE document_id = ? AND page_no = ?",
        (document_id, page_no),
    )
    if not rows:
        return None
    return [tuple(word) for word in json.loads(rows[0][0])]  # type: ignore[misc]
