"""The OCR options measured before OCR was wired into indexing: the render resolution, on
scans of manuals kept apart from the benchmark's (R-data and R-ints tune, `bench_ocr.py`
reports on the others), for characters wrong and CPU seconds per page.

    python benchmarks/explore_ocr.py --dpi 100 150 200 300 --pages-per-manual 3
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import pymupdf

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scanner
from docnook.ingest import ocr

HERE = Path(__file__).resolve().parent
TUNING_MANUALS = ("R-data", "R-ints")


def spread(count: int, wanted: int) -> list[int]:
    """`wanted` page indices spread over a document, skipping the title pages."""
    first = min(4, count - 1)
    step = max(1, (count - first) // (wanted + 1))
    return [first + step * (i + 1) for i in range(wanted) if first + step * (i + 1) < count]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dpi", type=int, nargs="+", default=[100, 150, 200, 300])
    parser.add_argument("--pages-per-manual", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=HERE / "data" / "r-manuals")
    args = parser.parse_args()
    tessdata = ocr.find_tessdata()
    with tempfile.TemporaryDirectory() as tmp:
        scans = []
        for name in TUNING_MANUALS:
            source = args.corpus / f"{name}.pdf"
            with pymupdf.open(source) as doc:
                pages = spread(doc.page_count, args.pages_per_manual)
            target = Path(tmp) / f"{name}-scan.pdf"
            scans.append((target, scanner.make_scan(source, target, pages, seed=len(scans))))
        print(f"engine {ocr.engine_name()}; load average at start: {os.getloadavg()}")
        for dpi in args.dpi:
            errors = chars = found = wanted = pages = 0
            cpu, wall = time.process_time(), time.perf_counter()
            for target, truth in scans:
                with pymupdf.open(target) as doc:
                    for page, original in zip(doc, truth, strict=True):
                        text = ocr.recognise_page(page, tessdata, dpi=dpi).text
                        e, n = scanner.character_errors(original, text)
                        f, w = scanner.word_hits(original, text)
                        errors, chars, found, wanted = errors + e, chars + n, found + f, wanted + w
                        pages += 1
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            print(
                f"dpi {dpi}: CER {100 * errors / chars:.2f}%  word recall "
                f"{100 * found / wanted:.1f}%  {cpu / pages:.2f} CPU s/page  "
                f"{wall / pages:.2f} wall s/page  ({pages} pages, load {os.getloadavg()[0]:.1f})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
