"""Opening what an answer cites: the document, at the cited page, with the passage marked.

The passage is marked on its pages and the quote the answer rests on more strongly, so the
eye lands on the sentence itself.
"""

from __future__ import annotations

from collections.abc import Callable

from docnook.gui.citations import CitedSource
from docnook.gui.library_panel import LibraryPanel
from docnook.gui.reader import ReaderPane


class CitationOpener:
    def __init__(
        self, library: LibraryPanel, reader: ReaderPane, error: Callable[[str], None]
    ) -> None:
        self.library = library
        self.reader = reader
        self.error = error

    def open_citation(self, citation: CitedSource) -> int:
        """Open a cited document at its page with the passage marked; returns marks drawn."""
        record = None
        if citation.document_id is not None:
            record = self.library.record(citation.document_id)
        if record is None:  # re-indexed since: the same file has a new id
            record = next((r for r in self.library.records() if r.path == citation.path), None)
        if record is None:
            self.error(f"“{citation.title or citation.path}” is no longer in the library.")
            return 0
        self.library.select(record.id)
        return self.reader.show_passage(
            record, citation.page, citation.page_end, citation.text, citation.quote
        )

    def open_page(self, doc_id: int, page: int) -> None:
        record = self.library.record(doc_id)
        if record is None:
            self.error("That document is no longer in the library.")
            return
        self.library.select(doc_id)
        if self.reader.show_document(record):
            self.reader.view.clear_highlights()
            self.reader.go_to_page(page)
