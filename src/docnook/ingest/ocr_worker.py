"""What runs inside a process of the OCR pool (`ocr_pages.PageReader`), in a module of its own
so that a pool process can import it without importing PyMuPDF.

A spawned process imports the module of its start-up and task functions before it runs any of
them. PyMuPDF, when imported, also imports its optional `pymupdf.layout` package wherever that
is installed (PyMuPDF 2.0 requires it, so any pip install has it; the frozen bundle leaves it
out), and that package brings ONNX Runtime with it: about a CPU second and a hundred
MB more in every pool process (benchmarks/README.md, "Speed, third pass"), for nothing, since a
worker only renders pages and hands them to Tesseract. `init` keeps that package out before
anything here imports PyMuPDF.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

# The page job: (path, password, 0-based page, tessdata folder, languages, dpi or None).
Job = tuple[str, str | None, int, str, str, int | None]

_open_doc: tuple[str, Any] | None = None  # (path, pymupdf.Document) this process has open


def init() -> None:
    """The pool's initializer: runs in each worker before its first page."""
    # None in sys.modules makes `import pymupdf.layout` raise ImportError, which PyMuPDF
    # catches: it then works as where the package is not installed. Harmless where the main
    # module of the app already imported it (this process then has it already).
    sys.modules.setdefault("pymupdf.layout", None)  # type: ignore[assignment]
    os.environ["OMP_THREAD_LIMIT"] = "1"
    from docnook.privacy import install_network_guard

    install_network_guard()


def read_page(job: Job) -> tuple[int, Any, str | None]:
    """One page, in a worker: (index, OcrPage or None, error sentence)."""
    global _open_doc
    import pymupdf

    from docnook.ingest import ocr

    path, password, index, tessdata, languages, dpi = job
    try:
        if _open_doc is None or _open_doc[0] != path:
            if _open_doc is not None:
                _open_doc[1].close()
            doc = pymupdf.open(path, filetype="pdf")
            if password and doc.needs_pass:
                doc.authenticate(password)
            _open_doc = (path, doc)
        page = _open_doc[1].load_page(index)
        return index, ocr.recognise_page(page, Path(tessdata), languages, dpi), None
    except Exception as exc:  # a page MuPDF or Tesseract cannot read: that page only
        return index, None, f"{type(exc).__name__}: {exc}"
