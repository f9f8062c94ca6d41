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
# PageIteratorLevel
_RIL_BLOCK, _RIL_PARA, _RIL_TEXTLINE, _RIL_WORD = 0, 1, 2, 3


@dataclass
class TsvWord:
    """A word as a row of Tesseract's TSV output numbers it: block, paragraph within the
    block and line within the paragraph counted from 1, its box in pixels."""

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
        lib.TessDeleteText.argtypes = [ctypes.c_void_p]
        lib.TessBaseAPIGetIterator.restype = ctypes.c_void_p
        lib.TessBaseAPIGetIterator.argtypes = [ctypes.c_void_p]
        lib.TessResultIteratorGetPageIterator.restype = ctypes.c_void_p
        lib.TessResultIteratorGetPageIterator.argtypes = [ctypes.c_void_p]
        lib.TessResultIteratorNext.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.TessResultIteratorGetUTF8Text.restype = ctypes.c_void_p
        lib.TessResultIteratorGetUTF8Text.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.TessResultIteratorDelete.argtypes = [ctypes.c_void_p]
        lib.TessPageIteratorIsAtBeginningOf.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.TessBaseAPIRecognize.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        lib.TessBaseAPIAnalyseLayout.restype = ctypes.c_void_p
        lib.TessBaseAPIAnalyseLayout.argtypes = [ctypes.c_void_p]
        box = ctypes.POINTER(ctypes.c_int)
        lib.TessPageIteratorBoundingBox.argtypes = [ctypes.c_void_p, ctypes.c_int] + [box] * 4
        lib.TessPageIteratorNext.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.TessPageIteratorDelete.argtypes = [ctypes.c_void_p]
        self.lib = lib
        self.shown: pymupdf.Pixmap | None = None  # the picture Tesseract holds, analysed or not
        self.key = (str(tessdata), languages)
        self.handle = lib.TessBaseAPICreate()
        if lib.TessBaseAPIInit3(self.handle, str(tessdata).encode(), languages.encode()) != 0:
            raise RuntimeError(f"Tesseract could not load {languages} from {tessdata}")

    def show(self, pix: pymupdf.Pixmap) -> None:
        """Give Tesseract `pix` (it copies it), unless it holds it already: setting a picture
        drops the layout analysis done on the one before."""
        if self.shown is not pix:
            samples = bytes(pix.samples)
            self.lib.TessBaseAPISetImage(
                self.handle, samples, pix.width, pix.height, pix.n, pix.stride
            )
            self.lib.TessBaseAPISetSourceResolution(self.handle, pix.xres)
            self.shown = pix

    def line_heights(self, pix: pymupdf.Pixmap) -> list[int]:
        self.show(pix)
        iterator = self.lib.TessBaseAPIAnalyseLayout(self.handle)
        heights: list[int] = []
        if not iterator:  # nothing on the page Tesseract takes for text
            return heights
        left, top, right, bottom = (ctypes.c_int() for _ in range(4))
        try:
            while True:
                if self.lib.TessPageIteratorBoundingBox(
                    iterator, _RIL_TEXTLINE, left, top, right, bottom
                ):
                    heights.append(bottom.value - top.value)
                if not self.lib.TessPageIteratorNext(iterator, _RIL_TEXTLINE):
                    return heights
        finally:
            self.lib.TessPageIteratorDelete(iterator)

    def words(self, pix: pymupdf.Pixmap) -> list[TsvWord]:
        self.show(pix)
        self.shown = None  # the next page starts afresh, even in a reused pixmap
        # Recognise first: after a layout analysis, the iterator would otherwise walk words
        # unrecognised (Tesseract asserts). Recognize reuses the analysis.
        if self.lib.TessBaseAPIRecognize(self.handle, None) != 0:
            raise RuntimeError("Tesseract could not read the page")
        return self._walk_words()

    def _walk_words(self) -> list[TsvWord]:
        """The recognised words, numbered as `TessBaseAPIGetTsvText` numbers its rows (the
        same walk, the same counters), read from its result iterator instead: producing and
        parsing the TSV text cost about a twentieth of a page's CPU (benchmarks/README.md,
        "Speed, fifth pass")."""
        lib = self.lib
        iterator = lib.TessBaseAPIGetIterator(self.handle)
        found: list[TsvWord] = []
        if not iterator:  # nothing recognised
            return found
        page = lib.TessResultIteratorGetPageIterator(iterator)
        starts = lib.TessPageIteratorIsAtBeginningOf
        left, top, right, bottom = (ctypes.c_int() for _ in range(4))
        block = paragraph = line = 0
        try:
            while True:
                pointer = lib.TessResultIteratorGetUTF8Text(iterator, _RIL_WORD)
                if pointer:  # NULL: a block without words (a picture), which the TSV skips
                    try:
                        text = ctypes.string_at(pointer).decode("utf-8", "replace")
                    finally:
                        lib.TessDeleteText(pointer)
                    # Each question copies the iterator and walks to the line's start, so
                    # ask only what can be true: a paragraph or block starts with a line.
                    if starts(page, _RIL_TEXTLINE):
                        line += 1
                        if starts(page, _RIL_PARA):
                            paragraph, line = paragraph + 1, 1
                            if starts(page, _RIL_BLOCK):
                                block, paragraph = block + 1, 1
                    text = text.strip()
                    if text:
                        lib.TessPageIteratorBoundingBox(page, _RIL_WORD, left, top, right, bottom)
                        found.append(
                            TsvWord(
                                block,
                                paragraph,
                                line,
                                left.value,
                                top.value,
                                right.value - left.value,
                                bottom.value - top.value,
                                text,
                            )
                        )
                if not lib.TessResultIteratorNext(iterator, _RIL_WORD):
                    return found
        finally:
            lib.TessResultIteratorDelete(iterator)


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


def _api_for(tessdata: Path, languages: str) -> _Api:
    global _api
    lib = library()
    assert lib is not None
    if _api is None or _api.key != (str(tessdata), languages):
        if _api is not None:
            lib.TessBaseAPIDelete.argtypes = [ctypes.c_void_p]
            lib.TessBaseAPIDelete(_api.handle)
            _api = None
        _api = _Api(lib, tessdata, languages)
    return _api


def line_heights(pix: pymupdf.Pixmap, tessdata: Path, languages: str) -> list[int]:
    """The heights in pixels of the text lines Tesseract's layout analysis finds on `pix`.
    The analysis is kept: `read_words` on the same pixmap next recognises its lines without
    analysing the page again (measured: the same words, no more CPU than reading alone)."""
    return _api_for(tessdata, languages).line_heights(pix)


def read_words(pix: pymupdf.Pixmap, tessdata: Path, languages: str) -> list[TsvWord]:
    """The words Tesseract reads on `pix`, in pixels; the library must be there."""
    return _api_for(tessdata, languages).words(pix)


@atexit.register
def _end() -> None:
    """Free the API at exit: Tesseract otherwise reports its cached models as leaks."""
    global _api
    lib = _library or None
    if _api is not None and lib is not None:
        lib.TessBaseAPIDelete.argtypes = [ctypes.c_void_p]
        lib.TessBaseAPIDelete(_api.handle)
        _api = None
