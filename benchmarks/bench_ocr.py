"""OCR benchmark: scans of real text PDFs read through DocNook's indexing, against the
original text layer.

Pages of the R manuals (scripts/fetch_r_manuals.sh; R-data and R-ints are left out, they tuned
the render resolution in explore_ocr.py) are rendered the way an office scanner makes them
(benchmarks/scanner.py: 150 dpi greyscale, noise, JPEG) into image-only PDFs. The originals'
same pages, as text PDFs, are indexed into one library and the scans into another, each by
`Library.index`, so OCR runs exactly as in the app (its process pool included). Then:

- character error rate and word recall: each scanned page's stored text against the stored
  text of the same original page (both through the same cleaning);
- speed: pages per second of indexing the scans, wall and CPU seconds (this process and its
  OCR workers), with the load average, since the machine may be shared;
- search recall: the same queries (words from a line of each original page, chosen before any
  OCR ran) searched in both libraries; a hit is the query's own page among the top 5.

    python benchmarks/bench_ocr.py                     # 4 pages of each of 6 manuals
    python benchmarks/bench_ocr.py --pages-per-manual 2 --ocr never   # how it was before OCR
    python benchmarks/bench_ocr.py --json results.json
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docnook.library import Library

# PyMuPDF, the scanner and the library are imported inside the functions: the OCR pool's
# spawned processes import this script again as their main module, and imports up here would
# cost each of them a CPU second or two that the app's own workers never pay.
HERE = Path(__file__).resolve().parent
MANUALS = ("R-intro", "R-admin", "R-FAQ", "R-lang", "R-exts", "refman")
QUERY_WORDS = 7
TOP_K = 5
TARGET_CER, TARGET_RATIO, TARGET_PAGES_PER_S = 0.03, 0.9, 1.0


def spread(count: int, wanted: int) -> list[int]:
    """`wanted` page indices spread over a document, past its title and contents pages."""
    first = min(max(6, count // 20), count - 1)
    step = max(1, (count - first) // (wanted + 1))
    return [first + step * (i + 1) for i in range(wanted) if first + step * (i + 1) < count]


def subset(source: Path, target: Path, pages: list[int]) -> None:
    import pymupdf

    with pymupdf.open(source) as doc, pymupdf.open() as out:
        for number in pages:
            out.insert_pdf(doc, from_page=number, to_page=number)
        out.save(target)


def query_for(text: str) -> str | None:
    """Words of the page's longest line: a query decided from the original alone."""
    lines = [line.split() for line in text.splitlines()]
    lines = [[w for w in line if any(ch.isalpha() for ch in w)] for line in lines]
    best = max(lines, key=len, default=[])
    return " ".join(best[:QUERY_WORDS]) if len(best) >= 4 else None


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def index_timed(library: Library, folder: Path, ocr: str) -> tuple[float, float, Any]:
    cpu, wall = cpu_seconds(), time.perf_counter()
    report = library.index([folder], ocr=ocr)
    return time.perf_counter() - wall, cpu_seconds() - cpu, report


def pages_by_title(library: Library) -> dict[str, tuple[int, list[str]]]:
    return {r.title: (r.id, library.store.page_texts(r.id)) for r in library.documents()}


def recall(library: Library, queries: list[tuple[str, str, int]]) -> float:
    ids = {r.title: r.id for r in library.documents()}
    found = 0
    for title, query, page in queries:
        hits = library.search(query, k=TOP_K)
        found += any(
            h.document_id == ids.get(title) and h.page_start <= page <= h.page_end for h in hits
        )
    return found / max(len(queries), 1)


def main() -> int:
    import pymupdf

    sys.path.insert(0, str(HERE))
    import scanner
    from docnook.library import Library

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=HERE / "data" / "r-manuals")
    parser.add_argument("--pages-per-manual", type=int, default=4)
    parser.add_argument("--ocr", choices=("auto", "always", "never"), default="auto")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    missing = [m for m in MANUALS if not (args.corpus / f"{m}.pdf").is_file()]
    if missing:
        print(
            f"Missing in {args.corpus}: {missing}; run scripts/fetch_r_manuals.sh", file=sys.stderr
        )
        return 2
    with tempfile.TemporaryDirectory(prefix="docnook-bench-ocr-") as tmp:
        root = Path(tmp)
        originals, scans = root / "originals", root / "scans"
        originals.mkdir()
        queries: list[tuple[str, str, int]] = []
        for seed, name in enumerate(MANUALS):
            source = args.corpus / f"{name}.pdf"
            with pymupdf.open(source) as doc:
                pages = spread(doc.page_count, args.pages_per_manual)
            subset(source, originals / f"{name}.pdf", pages)
            truth = scanner.make_scan(source, scans / f"{name}.pdf", pages, seed=seed)
            queries += [(name, q, n) for n, text in enumerate(truth, 1) if (q := query_for(text))]
        load_before = os.getloadavg()
        with Library(root / "data-originals") as library:
            orig_wall, orig_cpu, _ = index_timed(library, originals, "never")
            truth_pages = pages_by_title(library)
            original_recall = recall(library, queries)
        with Library(root / "data-scans") as library:
            scan_wall, scan_cpu, report = index_timed(library, scans, args.ocr)
            load_during = os.getloadavg()
            read_pages = pages_by_title(library)
            scan_recall = recall(library, queries)
            ocr_pages = sum(r.ocr_pages or 0 for r in library.documents())
    errors = chars = found = wanted = 0
    for title, (_, truth_texts) in truth_pages.items():
        texts = read_pages.get(title, (0, []))[1] or [""] * len(truth_texts)
        for truth_text, text in zip(truth_texts, texts, strict=True):
            e, n = scanner.character_errors(truth_text, text)
            f, w = scanner.word_hits(truth_text, text)
            errors, chars, found, wanted = errors + e, chars + n, found + f, wanted + w
    pages = sum(len(t) for _, t in truth_pages.values())
    result = {
        "ocr": args.ocr,
        "pages": pages,
        "ocr_pages": ocr_pages,
        "documents": report.as_json()["files"],
        "character_error_rate": errors / max(chars, 1),
        "word_recall": found / max(wanted, 1),
        "scan_index_wall_s": scan_wall,
        "scan_index_cpu_s": scan_cpu,
        "pages_per_s": pages / scan_wall,
        "cpu_s_per_page": scan_cpu / pages,
        # What two idle cores would do at this CPU cost, beside the wall figure that a shared
        # machine inflates: an estimate, labelled as one wherever it is printed.
        "pages_per_s_2_cores_from_cpu": 2 * pages / scan_cpu if scan_cpu else 0.0,
        "original_index_wall_s": orig_wall,
        "original_index_cpu_s": orig_cpu,
        "queries": len(queries),
        "search_recall_originals": original_recall,
        "search_recall_scans": scan_recall,
        "search_recall_ratio": scan_recall / original_recall if original_recall else 0.0,
        "workers": os.cpu_count(),
        "load_average_before": load_before,
        "load_average_after": load_during,
    }
    print(
        f"{pages} pages of {len(MANUALS)} manuals scanned; OCR --{args.ocr}: "
        f"{report.indexed} indexed, {report.failed} not"
    )
    print(
        f"character error rate {100 * result['character_error_rate']:.2f}% "
        f"(target <= {100 * TARGET_CER:.0f}%), word recall {100 * result['word_recall']:.1f}%"
    )
    print(
        f"speed: {result['pages_per_s']:.3f} pages/s wall, {result['cpu_s_per_page']:.2f} CPU "
        f"s/page ({scan_wall:.1f} s wall, {scan_cpu:.1f} CPU s for indexing the scans; "
        f"originals {orig_wall:.1f} s, {orig_cpu:.1f} CPU s); load average "
        f"{load_before[0]:.1f} before, {load_during[0]:.1f} after, on {os.cpu_count()} cores"
    )
    print(
        f"estimate for 2 idle cores (2 / CPU s per page): "
        f"{result['pages_per_s_2_cores_from_cpu']:.2f} pages/s (target >= {TARGET_PAGES_PER_S})"
    )
    print(
        f"search recall@{TOP_K} on {len(queries)} queries: originals {original_recall:.3f}, "
        f"scans {scan_recall:.3f}, ratio {result['search_recall_ratio']:.3f} "
        f"(target >= {TARGET_RATIO})"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
