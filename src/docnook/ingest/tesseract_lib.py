"""The system's Tesseract library (Debian's `libtesseract5`), through its C API, when it is
installed: it reads a page in less than half the CPU time of the Tesseract inside PyMuPDF,
which is built without its vector (AVX2) code, for the same characters (benchmarks/README.md,
"OCR"). Where it is missing (Windows, macOS, a Linux without it), `ocr.py` uses PyMuPDF's.

One `TessBaseAPI` per process, made on first use and kept: loading a language model takes a
noticeable part of a second. OpenMP threads are limited by the caller (`OMP_THREAD_LIMIT`),
since pages are already spread over processes.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import os
from dataclasses import dataclass
from pathlib import Path

import pymupdf

# Sonames of the C API's library (Tesseract 5, then 4, whose C API is the same for this use).
_NAMES = ("libtesseract.so.5", "libtesseract.so.4")
ENGINE_ENV = "DOCNOOK_OCR_ENGINE"  # "pymupdf" forces PyMuPDF's Tesseract (tests, comparisons)
_TSV_WORD_LEVEL = "5"


@dataclass
class TsvWord:
    block: int
    paragraph: int
    line: int
    left: int
    top: int
    width: int
    height: int
    text: str


class _Api:
    """One initialised TessBaseAPI of the shared library."""

    def __init__(self, lib: ctypes.CDLL, tessdata: Path, languages: str) -> None:
        lib.TessBaseAPICreate.restype = ctypes.c_void_p
        lib.TessBaseAPIInit3.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
        lib.TessBaseAPISetImage.argtypes = [ctypes.c_void_p, ctypes.c_char_p] + [ctypes.c_int] * 4
        lib.TessBaseAPISetSourceResolution.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.TessBaseAPIGetTsvText.restype = ctypes.c_void_p
        lib.TessBaseAPIGetTsvText.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.TessDeleteText.argtypes = [ctypes.c_void_p]
        self.lib = lib
        self.key = (str(tessdata), languages)
        self.handle = lib.TessBaseAPICreate()
        if lib.TessBaseAPIInit3(self.handle, str(tessdata).encode(), languages.encode()) != 0:
            raise RuntimeError(f"Tesseract could not load {languages} from {tessdata}")

    def words(self, pix: pymupdf.Pixmap) -> list[TsvWord]:
        samples = bytes(pix.samples)
        self.lib.TessBaseAPISetImage(self.handle, samples, pix.width, pix.height, pix.n, pix.stride)
        self.lib.TessBaseAPISetSourceResolution(self.handle, pix.xres)
        pointer = self.lib.TessBaseAPIGetTsvText(self.handle, 0)
        try:
            tsv = ctypes.string_at(pointer).decode("utf-8", "replace")
        finally:
            self.lib.TessDeleteText(pointer)
        found = []
        for row in tsv.splitlines():
            cells = row.split("\t")
            if len(cells) == 12 and cells[0] == _TSV_WORD_LEVEL and cells[11].strip():
                numbers = [int(c) for c in cells[2:10]]
                found.append(TsvWord(*numbers[0:3], *numbers[4:8], cells[11].strip()))
        return found


_library: ctypes.CDLL | bool | None = False  # False: not looked for yet
_api: _Api | None = None


def library() -> ctypes.CDLL | None:
    """The system's libtesseract, or None (not installed, or PyMuPDF's asked for)."""
    global _library
    if _library is False:
        _library = None
        if os.environ.get(ENGINE_ENV, "").lower() != "pymupdf":
            # Debian builds it with OpenMP, whose threads spin between pages and triple the CPU
            # time while reading no faster; pages run in parallel processes instead. Read by
            # libgomp when it loads, so set before the library is.
            os.environ.setdefault("OMP_THREAD_LIMIT", "1")
            found = ctypes.util.find_library("tesseract")
            for name in (*_NAMES, *([found] if found else [])):
                try:
                    _library = ctypes.CDLL(name)
                    break
                except OSError:
                    continue
    return _library or None


def read_words(pix: pymupdf.Pixmap, tessdata: Path, languages: str) -> list[TsvWord]:
    """The words Tesseract reads on `pix`, in pixels; the library must be there."""
    global _api
    lib = library()
    assert lib is not None
    if _api is None or _api.key != (str(tessdata), languages):
        if _api is not None:
            lib.TessBaseAPIDelete.argtypes = [ctypes.c_void_p]
            lib.TessBaseAPIDelete(_api.handle)
            _api = None
        _api = _Api(lib, tessdata, languages)
    return _api.words(pix)


@atexit.register
def _end() -> None:
    """Free the API at exit: Tesseract otherwise reports its cached models as leaks."""
    global _api
    lib = _library or None
    if _api is not None and lib is not None:
        lib.TessBaseAPIDelete.argtypes = [ctypes.c_void_p]
        lib.TessBaseAPIDelete(_api.handle)
        _api = None
