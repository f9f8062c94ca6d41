"""The kinds of files DocNook reads, by name suffix (one list, used everywhere).

Light on purpose: the window's folder watcher imports it on start-up, before PyMuPDF.
"""

from __future__ import annotations

# Formats with pages of their own; the rest are laid out into pages by DocNook (formats.py).
FIXED_LAYOUT_SUFFIXES = frozenset({".pdf", ".xps", ".oxps", ".cbz"})
REFLOWABLE_SUFFIXES = frozenset({".epub", ".mobi", ".fb2", ".docx", ".txt", ".md", ".markdown"})
DOCUMENT_SUFFIXES = FIXED_LAYOUT_SUFFIXES | REFLOWABLE_SUFFIXES
