"""Does the ONNX embedder keep the torch embedder's quality? Checked on the R manuals.

Embeds the chunks of a few manuals (the app's own chunking) and a set of questions with both
backends, then prints the cosine between the two backends' vectors of each text, and how often
vector search over those chunks returns the same hits.

    python benchmarks/check_embedding_quality.py                 # R-intro, R-data, R-FAQ
    python benchmarks/check_embedding_quality.py path/to/a.pdf --json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DEFAULT_PDFS = [
    HERE / "data" / "r-manuals" / f"{name}.pdf" for name in ("R-intro", "R-data", "R-FAQ")
]
QUESTIONS = [
    "How do I read a CSV file into a data frame?",
    "fit a linear regression model",
    "What is a factor?",
    "lapply",
    "How can I install packages from CRAN?",
    "missing values NA",
    "How do I make a scatter plot with a title?",
    "matrix multiplication",
    "What does the ellipsis argument ... do in a function?",
    "import data from a spreadsheet",
    "Why is R called R?",
    "attach and detach a data frame",
    "How are lists different from vectors?",
    "probability distributions dnorm pnorm qnorm rnorm",
    "reading binary files and connections",
    "Where can I find the R FAQ and mailing lists?",
    "generalized linear models with the binomial family",
    "write a loop with for and while",
    "environment",
    "How to save the workspace when quitting?",
]
K = 5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pdfs", nargs="*", help="PDFs to check on (default: three R manuals)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    pdfs = [Path(p) for p in args.pdfs] or DEFAULT_PDFS
    if not all(p.is_file() for p in pdfs):
        print("PDFs missing: run scripts/fetch_r_manuals.sh first.", file=sys.stderr)
        return 2

    from docnook.privacy import install_network_guard

    install_network_guard()
    from docnook.index.embedder import MAX_TOKENS, Embedder
    from docnook.ingest import pdf
    from docnook.ingest.chunker import chunk_pages
    from docnook.library import OVERLAP_TOKENS

    onnx, torch = Embedder(backend="onnx"), Embedder(backend="torch")
    texts: list[str] = []
    for path in pdfs:
        pages = pdf.read_pdf(path).pages
        texts += [c.text for c in chunk_pages(pages, onnx.token_spans, MAX_TOKENS, OVERLAP_TOKENS)]

    vectors = {name: e.embed(texts) for name, e in (("onnx", onnx), ("torch", torch))}
    queries = {name: e.embed(QUESTIONS) for name, e in (("onnx", onnx), ("torch", torch))}
    if onnx.backend != "onnx":
        print(f"The ONNX backend did not load: {onnx.fallback_reason}", file=sys.stderr)
        return 1
    chunk_cos = np.sum(vectors["onnx"] * vectors["torch"], axis=1)
    query_cos = np.sum(queries["onnx"] * queries["torch"], axis=1)

    same_top1, overlap, gaps = 0, [], []
    for q in range(len(QUESTIONS)):
        scores = {name: vectors[name] @ queries[name][q] for name in ("onnx", "torch")}
        ranked = {name: np.argsort(-scores[name])[:K] for name in scores}
        same_top1 += int(ranked["onnx"][0] == ranked["torch"][0])
        overlap.append(len(set(ranked["onnx"]) & set(ranked["torch"])) / K)
        # How much worse the ONNX pick is by torch's own scores: 0 when it is torch's pick too,
        # small when the two picks were all but tied.
        gaps.append(float(scores["torch"][ranked["torch"][0]] - scores["torch"][ranked["onnx"][0]]))

    result = {
        "pdfs": [p.name for p in pdfs],
        "chunks": len(texts),
        "chunk_cosine_min": float(chunk_cos.min()),
        "chunk_cosine_p1": float(np.percentile(chunk_cos, 1)),
        "chunk_cosine_mean": float(chunk_cos.mean()),
        "chunks_below_0.99": int((chunk_cos < 0.99).sum()),
        "query_cosine_min": float(query_cos.min()),
        "query_cosine_mean": float(query_cos.mean()),
        "questions": len(QUESTIONS),
        "same_top1": same_top1,
        f"top{K}_overlap_mean": float(np.mean(overlap)),
        "top1_torch_score_gap_max": max(gaps),
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key:>22}: {value:.4f}" if isinstance(value, float) else f"{key:>22}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
