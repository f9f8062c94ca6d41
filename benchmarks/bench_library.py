"""Large-library benchmark: search, start-up, memory and sync on 1,000 documents and 100,000
chunks, each figure beside the raw work it cannot avoid, measured in the same run.

The library is a watched folder of generated text documents (`.txt`, a format DocNook reads)
and an index written straight into DocNook's tables, so it builds in minutes, not the 45 that
embedding 100,000 chunks takes on two cores (`make bench-indexing` measures indexing). The
vectors are real all-MiniLM-L6-v2 embeddings of `--distinct` generated passages; chunk i holds
passage i mod distinct after a sentence of its own, so BM25 sees 100,000 different texts and
vector search a full 100,000 x 384 matrix. The build is kept in benchmarks/data/ and reused.
Each measurement runs in a fresh process (see benchmarks/README.md for what each one is).

    python benchmarks/bench_library.py                 # 1,000 docs x 100 chunks
    python benchmarks/bench_library.py --docs 200 --chunks-per-doc 50 --skip-window
    python benchmarks/bench_library.py --search-only --rounds 10   # the search part alone
"""

from __future__ import annotations

import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
QUERIES = [
    "harbour granite pier storm",
    "how is the river bridge maintained",
    "wool market council hall",
    "lighthouse keeper logbook",
    "budget revenue ferry tickets",
    "glacier retreat measurements",
    "school teachers and children",
    "cheese and grain from the farms",
    "what did the merchant guild build",
    "winter flooding of the lowlands",
]


def _words(text: str) -> list[str]:
    return text.split()


CJK_QUERY = "首都"  # no CJK in this library: the cost of the pair index's lookup alone
NOUNS = _words(
    "harbour pier storm river bridge market council hall lighthouse keeper logbook "
    "budget revenue ferry ticket glacier valley school teacher farm cheese grain "
    "guild merchant flood mill wool orchard railway station archive museum festival "
    "clinic ward"
)
VERBS = _words("built repaired measured recorded sold bought crossed flooded opened closed")
ADJS = _words("old northern granite wooden busy quiet coastal upland famous small")


def _peak_rss_mib(usage: Any = None) -> float:
    peak = (usage or resource.getrusage(resource.RUSAGE_SELF)).ru_maxrss  # KiB on Linux
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024


def _first_line(path: str, parse: Any) -> Any:
    """A value read from a /proc file, or None where there is none (not Linux)."""
    try:
        with open(path, encoding="utf-8") as handle:
            return parse(handle)
    except (OSError, StopIteration, KeyError, ValueError):
        return None


def machine() -> dict[str, Any]:
    return {
        "cpu": _first_line(
            "/proc/cpuinfo",
            lambda f: next(line.split(":", 1)[1].strip() for line in f if "model name" in line),
        )
        or platform.processor(),
        "cpus": os.cpu_count(),
        "memory_gib": _first_line(
            "/proc/meminfo", lambda f: round(int(f.readline().split()[1]) / (1 << 20), 1)
        ),
        "cpu_pressure_avg60": _first_line(
            "/proc/pressure/cpu",
            lambda f: float(dict(x.split("=") for x in f.readline().split()[1:])["avg60"]),
        ),
        "python": platform.python_version(),
        "system": platform.platform(),
    }


# -- building the library ----------------------------------------------------------------------


FUNCTION_WORDS = "the of and in to a was for on by with from at as that its"


def _vocabulary(rng: random.Random) -> list[str]:
    """3,000 content words (the queries' words among them) in a shuffled rank order, so the
    words a query uses are neither the commonest nor unseen: like a real corpus's content
    words, each appears in a small share of the chunks."""
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    words = set(NOUNS + VERBS + ADJS)
    while len(words) < 3000:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    ordered = sorted(words)
    rng.shuffle(ordered)
    return ordered


def _passage(rng: random.Random, vocabulary: list[str], weights: list[float]) -> str:
    sentences = []
    for _ in range(rng.randint(9, 12)):
        words = [
            rng.choice(FUNCTION_WORDS) if rng.random() < 0.4 else word
            for word in rng.choices(vocabulary, cum_weights=weights, k=14)
        ]
        sentences.append(" ".join(words).capitalize() + ".")
    return " ".join(sentences)


def build(work: Path, docs: int, per_doc: int, distinct: int) -> dict[str, Any]:
    """Write the folder and the index (once per size); returns the build's description."""
    marker = work / "built.json"
    if marker.exists():
        info = json.loads(marker.read_text())
        if "sentence_vectors" not in info:  # built before the index stored them
            info["sentence_vectors"] = _add_sentence_vectors(work, info["distinct_embeddings"])
            marker.write_text(json.dumps(info))
        return info
    from docnook.folders import FolderService
    from docnook.index.embedder import shared_embedder
    from docnook.index.store import Store
    from docnook.index.vectors import to_blob
    from docnook.library import Library

    passages = _passages(distinct)
    started = time.perf_counter()
    embedder = shared_embedder()
    vectors = []
    for start in range(0, distinct, 256):
        vectors.extend(embedder.embed(passages[start : start + 256]))
        print(f"embedded {len(vectors)}/{distinct} passages", file=sys.stderr)
    embed_seconds = time.perf_counter() - started
    blobs = [to_blob(v) for v in vectors]
    files, data = work / "files", work / "data"
    store = Store(_index_path(data))
    started = time.perf_counter()
    for first in range(0, docs, 50):
        with store.transaction() as conn:
            for d in range(first, min(first + 50, docs)):
                _write_document(conn, files, d, per_doc, passages, blobs)
            Store.bump_generation(conn)
        print(f"wrote {min(first + 50, docs)}/{docs} documents", file=sys.stderr)
    store.close()
    write_seconds = time.perf_counter() - started
    with Library(data) as library:
        service = FolderService(library)
        service.add(files)
        check = service.sync()
        assert not check.changed_anything, check.summary()
    sentences = _add_sentence_vectors(work, distinct)
    info = {
        "sentence_vectors": sentences,
        "docs": docs,
        "chunks": docs * per_doc,
        "distinct_embeddings": distinct,
        "embed_seconds": round(embed_seconds, 1),
        "write_seconds": round(write_seconds, 1),
        "index_mib": round(_index_path(data).stat().st_size / (1 << 20), 1),
    }
    marker.write_text(json.dumps(info))
    return info


def _passages(distinct: int) -> list[str]:
    rng = random.Random(15)
    vocabulary = _vocabulary(rng)
    weights, total = [], 0.0
    for rank in range(len(vocabulary)):  # Zipf's law: the r-th word is 1/r as frequent
        total += 1.0 / (rank + 10)
        weights.append(total)
    return [_passage(rng, vocabulary, weights) for _ in range(distinct)]


def _add_sentence_vectors(work: Path, distinct: int) -> int:
    """Each chunk's sentence vectors, as indexing stores them (`index/sentence_vectors.py`):
    pooled from the real model's pass over each distinct passage, its spans moved past the
    chunk's own first sentence ("Record d-c of the ... survey."), which gets none."""
    from docnook.index import sentence_vectors
    from docnook.index.embedder import shared_embedder
    from docnook.index.store import Store

    passages = _passages(distinct)
    spans = [sentence_vectors.sentence_spans(p) for p in passages]
    pooled: list = []
    for start in range(0, distinct, 256):
        _, part = shared_embedder().embed_with_sentences(
            passages[start : start + 256], spans[start : start + 256]
        )
        assert part is not None, "the ONNX embedder pools sentences; torch does not"
        pooled.extend(part)
        print(f"pooled the sentences of {len(pooled)}/{distinct} passages", file=sys.stderr)
    store = Store(_index_path(work / "data"))
    written = 0
    rows = store.query("SELECT id, document_id, seq, text FROM chunks ORDER BY document_id, seq")
    by_passage = {p: n for n, p in enumerate(passages)}
    others = []  # chunks the real indexer wrote (files a sync re-read): pooled for real
    for first in range(0, len(rows), 5000):
        with store.transaction() as conn:
            ids, all_spans, all_vectors = [], [], []
            for chunk_id, _, _, text in rows[first : first + 5000]:
                cut = text.find(". ") + 2
                n = by_passage.get(text[cut:])
                if n is None:
                    others.append((chunk_id, text))
                    continue
                ids.append(chunk_id)
                all_spans.append([(a + cut, b + cut) for a, b in spans[n]])
                all_vectors.append(pooled[n])
            sentence_vectors.write(conn, ids, all_spans, all_vectors)
            written += len(ids)
        print(f"stored sentence vectors of {written}/{len(rows)} chunks", file=sys.stderr)
    if others:
        other_spans = [sentence_vectors.sentence_spans(text) for _, text in others]
        _, other_pooled = shared_embedder().embed_with_sentences(
            [text for _, text in others], other_spans
        )
        with store.transaction() as conn:
            ids = [chunk_id for chunk_id, _ in others]
            sentence_vectors.write(conn, ids, other_spans, other_pooled or [])
        written += len(others)
    store.close()
    return written


def _index_path(data: Path) -> Path:
    from docnook import paths

    return paths.index_path(paths.ensure_private_dir(data))


def _write_document(conn, files: Path, d: int, per_doc: int, passages, blobs) -> None:
    from docnook.hashing import sha256_file

    texts = [
        f"Record {d}-{c} of the {NOUNS[(d + c) % len(NOUNS)]} survey. "
        + passages[(d * per_doc + c) % len(passages)]
        for c in range(per_doc)
    ]
    path = files / f"{d // 100:02d}" / f"survey-{d:04d}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(texts) + "\n", encoding="utf-8")
    stat = path.stat()
    per_page = 10
    pages = ["\n\n".join(texts[i : i + per_page]) for i in range(0, per_doc, per_page)]
    doc_id = conn.execute(
        "INSERT INTO documents (path, sha256, title, pages, size, mtime_ns, status) "
        "VALUES (?,?,?,?,?,?, 'indexed')",
        (str(path), sha256_file(path), path.stem, len(pages), stat.st_size, stat.st_mtime_ns),
    ).lastrowid
    conn.executemany(
        "INSERT INTO pages (document_id, page_no, text) VALUES (?,?,?)",
        [(doc_id, n, text) for n, text in enumerate(pages, start=1)],
    )
    for c, text in enumerate(texts):
        page = c // per_page + 1
        chunk_id = conn.execute(
            "INSERT INTO chunks (document_id, seq, page_start, page_end, char_start, char_end, "
            "text) VALUES (?,?,?,?,?,?,?)",
            (doc_id, c, page, page, 0, len(text), text),
        ).lastrowid
        conn.execute(
            "INSERT INTO chunk_vectors (chunk_id, embedding) VALUES (?,?)",
            (chunk_id, blobs[(d * per_doc + c) % len(blobs)]),
        )


# -- the measurements, each in its own process ---------------------------------------------


def worker_search(spec: dict) -> dict:
    started = time.perf_counter()
    import numpy as np

    from docnook.index import search, vectors
    from docnook.library import Library

    library = Library(Path(spec["data"]))
    t0 = time.perf_counter()
    library.search(QUERIES[0], k=5)
    first = time.perf_counter() - t0
    since_start = time.perf_counter() - started
    result: dict[str, Any] = {"first_search_s": first, "start_to_first_result_s": since_start}
    rounds = spec["rounds"]

    def timed(call: Any, items: list[Any]) -> list[float]:
        times = []
        for _ in range(rounds):
            for item in items:
                t0 = time.perf_counter()
                call(item)
                times.append(time.perf_counter() - t0)
        return times

    for mode in ("hybrid", "bm25", "vector"):
        result[mode] = timed(lambda q, m=mode: library.search(q, k=5, mode=m), QUERIES)
    # The first stage alone (hybrid, places, no sentence embedding): what a search costs
    # before the second stage that asking adds (index/rerank.py).
    result["hybrid_first_stage"] = timed(
        lambda q: library.search(q, k=5, mode="hybrid", second_stage=False), QUERIES
    )
    result["cjk_bm25"] = timed(lambda q: library.search(q, k=5, mode="bm25"), [CJK_QUERY])
    # Baselines: the bare work of each half, on the same data.
    embedder = library.embedder
    matrix = vectors.load_matrix(library.store).matrix
    result["baseline_dot"] = timed(
        lambda q: np.argpartition(-(matrix @ q), 50)[:50],
        [embedder.embed_query(q) for q in QUERIES],
    )
    result["embed_query"] = timed(embedder.embed_query, QUERIES)
    result["baseline_fts"] = timed(
        lambda expression: library.store.query(
            "SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ? "
            "ORDER BY bm25(chunks_fts) LIMIT 50",
            (expression,),
        ),
        [search.fts_query(q) for q in QUERIES],
    )
    # The app's keyword half (index/keywords.py: common words scored only beside rarer ones),
    # beside the bare query above that it replaces.
    result["keywords"] = timed(
        lambda q: search.bm25_ranked(library.store, q, search.FIRST_STAGE), QUERIES
    )
    result["matrix_mib"] = matrix.nbytes / (1 << 20)
    result["peak_rss_mib"] = _peak_rss_mib()
    library.close()
    return result


def worker_sync(spec: dict) -> dict:
    from docnook.folders import FolderService
    from docnook.ingest.scan import scan
    from docnook.library import Library

    files = Path(spec["files"])
    result: dict[str, Any] = {"scan": [], "sync": []}
    with Library(Path(spec["data"])) as library:
        service = FolderService(library)
        for _ in range(spec["rounds"]):
            t0 = time.perf_counter()
            found = scan(files)
            result["scan"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            report = service.sync()
            result["sync"].append(time.perf_counter() - t0)
            assert not report.changed_anything and report.unchanged == len(found)
    result["peak_rss_mib"] = _peak_rss_mib()
    return result


def worker_window(spec: dict) -> dict:
    """The window on this library: its start-up sync, the model loaded, one search."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from docnook.gui import theme
    from docnook.gui.main_window import MainWindow

    app = QApplication([])
    theme.apply(app, dark=False)
    started = time.perf_counter()
    window = MainWindow(Path(spec["data"]))
    window.show()
    panel = window.assistant_panel
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        app.processEvents()
        ready = panel.assistant is not None and panel._state == "ready"
        if ready and not window.indexing and window._files_shown == -1:
            break
        time.sleep(0.02)
    shown = time.perf_counter() - started
    window.library.search(QUERIES[1], k=5)
    result = {"ready_s": shown, "peak_rss_mib": _peak_rss_mib()}
    window.close()
    while not window._shutdown_done and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    return result


def _worker(argv: list[str]) -> None:
    kind, spec = argv[0], json.loads(argv[1])
    result = {"search": worker_search, "sync": worker_sync, "window": worker_window}[kind](spec)
    print("RESULT " + json.dumps(result))


def in_subprocess(kind: str, spec: dict) -> dict:
    out = _run([sys.executable, __file__, "--worker", kind, json.dumps(spec)])
    line = next(x for x in out["stdout"].splitlines() if x.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


def _run(command: list[str], env: dict | None = None) -> dict:
    """Run a command; its wall time, output and peak RSS (from the kernel's own account)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the largest child so far
    if process.returncode != 0:
        raise RuntimeError(f"{command[:4]} failed: {stderr[-2000:]}")
    return {"stdout": stdout, "seconds": seconds, "children_peak_rss_mib": _peak_rss_mib(usage)}


def cli(data: Path, *args: str) -> dict:
    env = {**os.environ, "DOCNOOK_DATA_DIR": str(data)}
    return _run([sys.executable, "-m", "docnook", *args], env)


def change_files(files: Path, count: int) -> list[str]:
    changed = sorted(files.rglob("*.txt"))[:: max(1, len(list(files.rglob("*.txt"))) // count)]
    for path in changed[:count]:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"\nAmended on {time.ctime()}: the harbour survey was checked again.\n")
        past = time.time() - 10
        os.utime(path, (past, past))
    return [str(p) for p in changed[:count]]


def _chunks_of(data: Path, paths: list[str]) -> int:
    from docnook.library import Library

    with Library(data) as library:
        return sum(library.store.chunk_count(library.resolve(p).id) for p in paths)


def _ms(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": statistics.median(values) * 1000,
        "p95_ms": sorted(values)[round(0.95 * (len(values) - 1))] * 1000,
    }


def main(argv: list[str] | None = None) -> int:
    import argparse

    from docnook.privacy import install_network_guard

    install_network_guard()  # before any model library is imported, as in the app
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        _worker(argv[1:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for flag, default, text in [
        ("--docs", 1000, "documents"),
        ("--chunks-per-doc", 100, "chunks per document"),
        ("--distinct", 2000, "passages really embedded"),
        ("--rounds", 5, "repeats of the query set"),
        ("--changed", 10, "files changed for the sync"),
    ]:
        parser.add_argument(flag, type=int, default=default, help=f"{text} (default {default})")
    parser.add_argument("--skip-window", action="store_true", help="leave out the window")
    parser.add_argument(
        "--search-only", action="store_true", help="only the search part (no CLI, sync, window)"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    work = DATA / f"library-{args.docs}x{args.chunks_per_doc}-{args.distinct}"
    info = build(work, args.docs, args.chunks_per_doc, args.distinct)
    data, files = work / "data", work / "files"
    spec = {"data": str(data), "files": str(files), "rounds": args.rounds}
    results: dict[str, Any] = {"machine": machine(), "library": info}
    print("measuring search…", file=sys.stderr)
    search = in_subprocess("search", spec)
    timings = (
        *("hybrid", "hybrid_first_stage", "bm25", "vector", "cjk_bm25"),
        *("baseline_dot", "baseline_fts", "keywords"),
    )
    results["search"] = {
        name: _ms(value) if name in (*timings, "embed_query") else value
        for name, value in search.items()
    }
    if args.search_only:
        if args.json:
            print(json.dumps(results, indent=2))
        else:
            print_report(results)
        return 0
    print("measuring the command line…", file=sys.stderr)
    cli_search = [cli(data, "search", QUERIES[2], "--json") for _ in range(3)]
    results["cli_search"] = {
        "wall_s": statistics.median(r["seconds"] for r in cli_search),
        "peak_rss_mib": max(r["children_peak_rss_mib"] for r in cli_search),
    }
    print("measuring sync…", file=sys.stderr)
    sync = in_subprocess("sync", spec)
    unchanged = [cli(data, "sync", "--json") for _ in range(3)]
    changed_paths = change_files(files, args.changed) if args.changed else []
    changed = cli(data, "sync", "--json")
    report = json.loads(changed["stdout"])
    assert sorted(report["changed"]) == sorted(changed_paths), report
    assert not (report["added"] or report["moved"] or report["removed"]), report
    results["sync"] = {
        "in_process_s": statistics.median(sync["sync"]),
        "baseline_scan_s": statistics.median(sync["scan"]),
        "cli_unchanged_s": statistics.median(r["seconds"] for r in unchanged),
        "cli_changed_s": changed["seconds"],
        "changed_files": len(report["changed"]),
        "chunks_embedded": report["chunks_embedded"],
        "chunks_in_changed_files": _chunks_of(data, changed_paths),
    }
    if not args.skip_window:
        print("measuring the window…", file=sys.stderr)
        results["window"] = in_subprocess("window", spec)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print_report(results)
    return 0


def print_report(r: dict) -> None:
    m, lib, s = r["machine"], r["library"], r["search"]
    print(f"machine: {m['cpu']}, {m['cpus']} CPUs, {m['memory_gib']} GiB, {m['system']}")
    print(f"CPU pressure (avg60): {m['cpu_pressure_avg60']}%  Python {m['python']}")
    print(
        f"library: {lib['docs']} documents, {lib['chunks']} chunks, "
        f"{lib['distinct_embeddings']} distinct real embeddings, index {lib['index_mib']} MiB"
    )
    print(f"\nsearch (k=5), {s['matrix_mib']:.0f} MiB of float32 vectors in memory")
    print(f"{'':<26}{'p50 ms':>9}{'p95 ms':>9}")
    for name, label in [
        ("hybrid", "hybrid (the app)"),
        ("hybrid_first_stage", "hybrid, first stage only"),
        ("bm25", "bm25 (the app)"),
        ("vector", "vector (the app)"),
        ("cjk_bm25", "CJK bm25 (the app)"),
        ("embed_query", "baseline: embed query"),
        ("baseline_dot", "baseline: numpy dot"),
        ("baseline_fts", "baseline: bare FTS5"),
        ("keywords", "keyword half (the app)"),
    ]:
        print(f"{label:<26}{s[name]['p50_ms']:>9.1f}{s[name]['p95_ms']:>9.1f}")
    floor = s["embed_query"]["p50_ms"] + s["baseline_dot"]["p50_ms"] + s["baseline_fts"]["p50_ms"]
    print(f"hybrid p50 / (embed + dot + FTS5) baselines: {s['hybrid']['p50_ms'] / floor:.2f}")
    verdict = "meets" if s["hybrid"]["p95_ms"] < 150 else "misses"
    print(f"warm hybrid p95 {s['hybrid']['p95_ms']:.0f} ms: {verdict} the 150 ms target")
    first = s["first_search_s"]
    verdict = "meets" if first < 2 else "misses"
    print(f"first search after start: {first:.2f} s ({verdict} the 2 s target)")
    start = s["start_to_first_result_s"]
    print(f"  process start to first result {start:.2f} s; peak RSS {s['peak_rss_mib']:.0f} MiB")
    if "sync" not in r:  # --search-only
        return
    y = r["sync"]
    c = r["cli_search"]
    print(f"`docnook search`: {c['wall_s']:.2f} s wall, peak RSS {c['peak_rss_mib']:.0f} MiB")
    print(
        f"\nsync, nothing changed: {y['in_process_s']:.2f} s in process (baseline stat of every "
        f"file {y['baseline_scan_s']:.2f} s, ratio {y['in_process_s'] / y['baseline_scan_s']:.1f})"
    )
    verdict = "meets" if y["cli_unchanged_s"] < 5 else "misses"
    print(
        f"`docnook sync`, nothing changed: {y['cli_unchanged_s']:.2f} s ({verdict} the 5 s target)"
    )
    print(
        f"`docnook sync`, {y['changed_files']} files changed: {y['cli_changed_s']:.1f} s, "
        f"{y['chunks_embedded']} chunks embedded (the changed files now hold "
        f"{y['chunks_in_changed_files']}: nothing else was embedded)"
    )
    if "window" in r:
        w = r["window"]
        print(f"\nwindow: ready in {w['ready_s']:.1f} s, peak RSS {w['peak_rss_mib']:.0f} MiB")


if __name__ == "__main__":
    sys.exit(main())
