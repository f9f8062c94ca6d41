"""The OCR options measured before OCR was wired into indexing: the render resolution, on
scans of manuals kept apart from the benchmark's (R-data and R-ints tune, `bench_ocr.py`
reports on the others), for characters wrong and CPU seconds per page.

    python benchmarks/explore_ocr.py --dpi 100 150 200 300 --pages-per-manual 3
    python benchmarks/explore_ocr.py --scan-dpi 100 --dpi 100 120 150 200   # coarser scans

A scan of 11 pt text at `--scan-dpi` D has the pixels of (11 x D / 150) pt print scanned at
150 dpi: coarser scans stand for small print, finer ones for large print.
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


def scaled(source: Path, target: Path, pages: list[int], scale: float) -> None:
    """The `pages` of `source` printed `scale` times as large (page and text alike)."""
    with pymupdf.open(source) as doc, pymupdf.open() as out:
        for number in pages:
            rect = doc[number].rect
            new = out.new_page(width=rect.width * scale, height=rect.height * scale)
            new.show_pdf_page(new.rect, doc, number)
        out.save(target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--dpi", type=int, nargs="+", default=[100, 150, 200, 300], help="0: by text size"
    )
    parser.add_argument("--pages-per-manual", type=int, default=3)
    parser.add_argument("--scan-dpi", type=int, default=scanner.SCAN_DPI)
    parser.add_argument("--print-scale", type=float, default=1.0, help="0.73: 8 pt print")
    parser.add_argument("--rounds", type=int, default=1, help="more rounds: CPU only")
    parser.add_argument("--corpus", type=Path, default=HERE / "data" / "r-manuals")
    args = parser.parse_args()
    tessdata = ocr.find_tessdata()
    scanner.SCAN_DPI = args.scan_dpi
    with tempfile.TemporaryDirectory() as tmp:
        scans = []
        for name in TUNING_MANUALS:
            source = args.corpus / f"{name}.pdf"
            with pymupdf.open(source) as doc:
                pages = spread(doc.page_count, args.pages_per_manual)
            if args.print_scale != 1.0:
                scaled(source, Path(tmp) / f"{name}-print.pdf", pages, args.print_scale)
                source, pages = Path(tmp) / f"{name}-print.pdf", list(range(len(pages)))
            target = Path(tmp) / f"{name}-scan.pdf"
            scans.append((target, scanner.make_scan(source, target, pages, seed=len(scans))))
        print(f"engine {ocr.engine_name()}; load average at start: {os.getloadavg()}")
        # Settings interleaved page by page (in turn reversed each round), so that a shared
        # machine's changing load falls on all of them alike; CPU is this thread's.
        totals = {dpi: [0, 0, 0, 0, 0, 0.0, 0] for dpi in args.dpi}  # e n f w pages cpu dpi
        for round_ in range(args.rounds):
            order = args.dpi if round_ % 2 == 0 else args.dpi[::-1]
            for target, truth in scans:
                with pymupdf.open(target) as doc:
                    for page, original in zip(doc, truth, strict=True):
                        for dpi in order:
                            cpu = time.thread_time()
                            read = ocr.recognise_page(page, tessdata, dpi=dpi or None)
                            row = totals[dpi]
                            row[5] += time.thread_time() - cpu
                            row[4] += 1
                            row[6] += read.dpi
                            if round_ == 0:
                                e, n = scanner.character_errors(original, read.text)
                                f, w = scanner.word_hits(original, read.text)
                                row[0:4] = [row[0] + e, row[1] + n, row[2] + f, row[3] + w]
        for dpi, (e, n, f, w, pages, cpu, used) in totals.items():
            print(
                f"dpi {dpi or 'by text size'}: CER {100 * e / n:.2f}%  word recall "
                f"{100 * f / w:.1f}%  {cpu / pages:.2f} CPU s/page  (mean dpi {used / pages:.0f}, "
                f"{pages} pages, load {os.getloadavg()[0]:.1f})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
