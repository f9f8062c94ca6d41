"""CPU and wall seconds of embedding the OCR benchmark's pages (their original text in
180-word pieces) with ONNX Runtime's threads spinning between operators or not, and with one
thread, beside N processes that keep a core busy each, as indexing's two OCR processes do
(benchmarks/README.md, "Speed, fifth pass"). Variants take turns, round by round.

    python benchmarks/embed_beside_ocr.py --busy 2      # as during OCR
    python benchmarks/embed_beside_ocr.py --busy 0      # on otherwise idle cores
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def busy(stop: Any) -> None:
    """A process that holds a core until told to stop."""
    total = 0
    while not stop.is_set():
        for i in range(100_000):
            total += i * i


def texts_of(corpus: Path, per_manual: int) -> list[str]:
    import pymupdf

    sys.path.insert(0, str(HERE))
    import bench_ocr

    texts = []
    for name in bench_ocr.MANUALS:
        with pymupdf.open(corpus / f"{name}.pdf") as doc:
            for index in bench_ocr.spread(doc.page_count, per_manual):
                words = doc[index].get_text().split()
                texts += [" ".join(words[i : i + 180]) for i in range(0, len(words), 150)]
    return texts


def encoder(threads: int, spinning: bool) -> Any:
    import onnxruntime

    from docnook.index import onnx_model
    from docnook.index.embedder import MAX_TOKENS, Embedder

    embedder = Embedder(threads=threads)
    made = embedder.load()  # the encoder indexing uses (prebuilt, or built once and cached)
    onnx_file = onnx_model.prebuilt_model(embedder.model_path) or onnx_model.ensure_model(
        embedder.model_path, MAX_TOKENS
    )
    if spinning:  # the session as it was made before the fifth pass
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.enable_mem_pattern = False
        options.log_severity_level = 3
        made.session = onnxruntime.InferenceSession(
            str(onnx_file), options, providers=["CPUExecutionProvider"]
        )
    return made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=HERE / "data" / "r-manuals")
    parser.add_argument("--pages-per-manual", type=int, default=4)
    parser.add_argument("--busy", type=int, default=2, help="processes holding a core each")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    texts = texts_of(args.corpus, args.pages_per_manual)
    variants = {
        "2 threads, spinning (before)": encoder(0, True),
        "2 threads, no spinning (now)": encoder(0, False),
        "1 thread": encoder(1, False),
    }
    for made in variants.values():
        made.encode(texts[:4])  # first run's set-up out of the measurement
    stop = multiprocessing.Event()
    holders = [multiprocessing.Process(target=busy, args=(stop,)) for _ in range(args.busy)]
    for holder in holders:
        holder.start()
    results: dict[str, list[str]] = {label: [] for label in variants}
    try:
        for _ in range(args.rounds):
            for label, made in variants.items():
                cpu, wall = time.process_time(), time.perf_counter()
                made.encode(texts)
                cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
                results[label].append(f"{cpu:.2f} CPU s / {wall:.2f} s")
    finally:
        stop.set()
        for holder in holders:
            holder.join()
    print(f"{len(texts)} pieces of text, beside {args.busy} busy processes")
    for label, runs in results.items():
        print(f"{label:30s} " + ", ".join(runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
