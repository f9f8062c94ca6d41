"""Where a page's OCR CPU goes, step by step, on the benchmark's own pages (`bench_ocr.py`'s
scans), in one process with the system's libtesseract: thread CPU seconds of rendering, handing
the picture to Tesseract, layout analysis, recognition, and the words; and whether the words
DocNook takes from Tesseract's result iterator are those of its TSV output, the way they were
read before (benchmarks/README.md, "Speed, fifth pass"). The two ways of reading the words
take turns going first, page by page.

    python benchmarks/ocr_steps.py                       # 4 pages of each of 6 manuals
    python benchmarks/ocr_steps.py --pages-per-manual 8
"""

from __future__ import annotations

import argparse
import ctypes
import sys
import tempfile
import time
from pathlib import Path

import pymupdf

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_ocr
import scanner
from docnook.ingest import ocr, tesseract_lib

HERE = Path(__file__).resolve().parent
LANGUAGES = "eng"


def tsv_words(api: tesseract_lib._Api) -> list[tesseract_lib.TsvWord]:
    """The recognised words as the TSV gives them (the way DocNook read them until the fifth
    pass): the reference the iterator's words are checked against."""
    lib = api.lib
    lib.TessBaseAPIGetTsvText.restype = ctypes.c_void_p
    lib.TessBaseAPIGetTsvText.argtypes = [ctypes.c_void_p, ctypes.c_int]
    pointer = lib.TessBaseAPIGetTsvText(api.handle, 0)
    try:
        tsv = ctypes.string_at(pointer).decode("utf-8", "replace")
    finally:
        lib.TessDeleteText(pointer)
    found = []
    for row in tsv.splitlines():
        cells = row.split("\t")
        if len(cells) == 12 and cells[0] == "5" and cells[11].strip():
            numbers = [int(c) for c in cells[2:10]]
            found.append(tesseract_lib.TsvWord(*numbers[0:3], *numbers[4:8], cells[11].strip()))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=HERE / "data" / "r-manuals")
    parser.add_argument("--pages-per-manual", type=int, default=4)
    args = parser.parse_args()
    if tesseract_lib.library() is None:
        print("The system's libtesseract is not installed.", file=sys.stderr)
        return 2
    tessdata = ocr.find_tessdata(LANGUAGES)
    api = tesseract_lib._api_for(tessdata, LANGUAGES)
    steps: dict[str, float] = {}
    pages = identical = 0

    def timed(step: str, started: float) -> float:
        now = time.thread_time()
        steps[step] = steps.get(step, 0.0) + now - started
        return now

    with tempfile.TemporaryDirectory(prefix="docnook-ocr-steps-") as tmp:
        for seed, name in enumerate(bench_ocr.MANUALS):
            source = args.corpus / f"{name}.pdf"
            with pymupdf.open(source) as doc:
                chosen = bench_ocr.spread(doc.page_count, args.pages_per_manual)
            target = Path(tmp) / f"{name}.pdf"
            scanner.make_scan(source, target, chosen, seed=seed)
            with pymupdf.open(target) as doc:
                for page in doc:
                    now = time.thread_time()
                    pix = ocr._render(page, ocr.OCR_DPI)
                    now = timed("render", now)
                    api.show(pix)
                    now = timed("hand over", now)
                    heights = api.line_heights(pix)
                    dpi = ocr.render_dpi_for(heights, ocr.OCR_DPI)
                    now = timed("layout", now)
                    if dpi != ocr.OCR_DPI:
                        pix = ocr._render(page, dpi)
                        api.show(pix)
                        api.line_heights(pix)
                        now = timed("second render and layout", now)
                    api.shown = None
                    if api.lib.TessBaseAPIRecognize(api.handle, None) != 0:
                        raise RuntimeError(f"Tesseract could not read {name} page {page.number}")
                    timed("recognition", now)
                    read = {}
                    for way in ("iterator", "tsv") if pages % 2 else ("tsv", "iterator"):
                        now = time.thread_time()
                        read[way] = api._walk_words() if way == "iterator" else tsv_words(api)
                        timed(f"words ({way})", now)
                    pages += 1
                    identical += read["iterator"] == read["tsv"]
                    if read["iterator"] != read["tsv"]:
                        print(f"{name} page {page.number + 1}: the words differ")
    print(f"{pages} pages; words from the iterator identical to the TSV's on {identical}")
    for step, seconds in steps.items():
        print(f"{step:26s} {1000 * seconds / pages:8.1f} ms CPU a page")
    return 0 if identical == pages else 1


if __name__ == "__main__":
    sys.exit(main())
