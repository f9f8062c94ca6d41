"""The keyword half of search, old against new, in one process on the large library (issue 15).

The old query (one FTS5 OR of the question's phrases, ordered by bm25()) and
`index/keywords.py` alternate on the same `Store`, the same questions, so the load of a
shared machine falls on both alike; then each question's two lists are compared.

    python benchmarks/bench_library.py --search-only     # builds the library once
    python benchmarks/compare_keywords.py --rounds 20
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bench_library import DATA, QUERIES
from docnook import paths
from docnook.index import keywords, search
from docnook.index.store import Store

EXTRA = ["storm", "storm harbour", "storm granite", "merchant guild storm"]  # "storm": 40 %
OLD = "SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY bm25(chunks_fts) LIMIT ?"


def _pressure() -> str:
    try:
        return Path("/proc/pressure/cpu").read_text().splitlines()[0]
    except OSError:
        return "n/a"


def _p50_p95(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered) * 1000, ordered[round(0.95 * (len(ordered) - 1))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--library", default="library-1000x100-2000")
    args = parser.parse_args()
    store = Store(paths.index_path(DATA / args.library / "data"))

    def old(query: str) -> list[int]:
        expression = search.fts_query(query)
        return [row[0] for row in store.query(OLD, (expression, search.FIRST_STAGE))]

    def new(query: str) -> list[int]:
        return keywords.ranked(store, search.fts_phrases(query), search.FIRST_STAGE)

    print("CPU pressure at the start:", _pressure())
    times: dict[tuple[str, str], list[float]] = {}
    for round_no in range(args.rounds):
        for query in QUERIES + EXTRA:
            pair = [("old", old), ("new", new)]
            for name, run in pair if round_no % 2 else pair[::-1]:
                started = time.perf_counter()
                run(query)
                times.setdefault((name, query), []).append(time.perf_counter() - started)
    for query in QUERIES + EXTRA:
        before, after = old(query), new(query)
        o, n = _p50_p95(times["old", query])[0], _p50_p95(times["new", query])[0]
        overlap = len(set(before[:40]) & set(after[:40]))
        print(
            f"{query[:34]:34s} old {o:6.1f} new {n:6.1f} ms (p50)  top-40 overlap {overlap}/40"
            f"  same top {search.FIRST_STAGE}: {before == after}"
        )
    for name in ("old", "new"):
        every = [t for query in QUERIES for t in times[name, query]]
        print(f"{name}: the ten questions, p50 %.1f p95 %.1f ms" % _p50_p95(every))
    print("CPU pressure at the end:", _pressure())


if __name__ == "__main__":
    main()
