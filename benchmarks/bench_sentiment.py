"""Sentiment benchmark: the labelled passages of `benchmarks/sentiment/passages.jsonl`, read by
DocNook end to end, and by the model's raw label probabilities.

Each passage becomes a one-page text document in a fresh data directory, indexed by `Library`
and read by `Assistant.sentiment`, exactly as `docnook sentiment` reads a document: that is the
"product" column, whatever calibration the code under test does. The "raw" column is the same
model and the same prompt (`prompts.sentiment_prompt`), labelled by the largest of the three
label probabilities with no calibration at all.

Both use only interfaces that exist on main, so the same script measures the code before and
after a change: run it with `PYTHONPATH` pointing at either source tree.

    python benchmarks/bench_sentiment.py                  # the table
    python benchmarks/bench_sentiment.py --json out.json  # and every passage's scores
    python benchmarks/bench_sentiment.py --set dev        # the development set instead

Variants are chosen on the development set (`sentiment/dev_passages.jsonl`) only; the
benchmark set (`sentiment/passages.jsonl`) measures the chosen one.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
LABELS = ("positive", "neutral", "negative")


@dataclass(frozen=True)
class Passage:
    id: str
    kind: str
    label: str  # positive, neutral or negative
    text: str


def load_passages(path: Path = HERE / "sentiment" / "passages.jsonl") -> tuple[Passage, ...]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(Passage(**json.loads(line)) for line in lines if line.strip())


PASSAGES = load_passages()
SETS = {
    "bench": HERE / "sentiment" / "passages.jsonl",
    "dev": HERE / "sentiment" / "dev_passages.jsonl",  # for choosing among variants
}


def metrics(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1 (an undefined F1 counts as 0) and the confusion counts."""
    confusion = {g: dict.fromkeys(LABELS, 0) for g in LABELS}
    for g, p in zip(gold, predicted, strict=True):
        confusion[g][p] += 1
    f1s = {}
    for label in LABELS:
        tp = confusion[label][label]
        predicted_n = sum(confusion[g][label] for g in LABELS)
        gold_n = sum(confusion[label].values())
        precision = tp / predicted_n if predicted_n else 0.0
        recall = tp / gold_n if gold_n else 0.0
        f1s[label] = 2 * precision * recall / (precision + recall) if tp else 0.0
    correct = sum(confusion[label][label] for label in LABELS)
    return {
        "accuracy": correct / max(1, len(gold)),
        "macro_f1": sum(f1s.values()) / len(LABELS),
        "f1": f1s,
        "confusion": confusion,  # gold label -> predicted label -> count
    }


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _raw_scorer(text: str) -> Any:
    """An engine job: the uncalibrated label distribution of `text` with the product's prompt."""
    from docnook.llm import prompts

    def job(model: Any, emit: Any, cancel: Any) -> dict[str, float]:
        style = model.style
        prompt = prompts.sentiment_prompt(style, text)
        return prompts.normalise(
            model.label_logprobs(prompt, prompts.label_variants(style), cancel)
        )

    return job


def _explain_cost(assistant: Any, doc_ids: list[int]) -> dict[str, float] | None:
    """Seconds to score the sentences of a page (`Assistant.explain_page`, after this
    branch): what a click on a column costs the first time."""
    if not doc_ids or not hasattr(assistant, "explain_page"):
        return None
    started, cpu = time.perf_counter(), _cpu_seconds()
    for doc_id in doc_ids:
        assistant.explain_page(doc_id, 1)
    wall, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    return {
        "pages": len(doc_ids),
        "seconds_per_page": wall / len(doc_ids),
        "cpu_seconds_per_page": cpu / len(doc_ids),
    }


def _lexicon_label(text: str) -> str | None:
    """The lexicon alone (VADER's mean sentence compound and its published thresholds), where
    the code under test has one; None on main."""
    try:
        from docnook.assistant import sentiment_lexicon
    except ImportError:
        return None
    allowed = sentiment_lexicon.allowed_labels(text)
    if allowed is None:
        return "neutral"  # it cannot read the text: no opinion
    return next((label for label in allowed if label != "neutral"), "neutral")


def run(
    data_dir: Path, threads: int, explain: int, passages: Sequence[Passage] = PASSAGES
) -> dict[str, Any]:
    from docnook.assistant import Assistant
    from docnook.config import load_settings, save_settings
    from docnook.library import Library

    docs = data_dir / "passages"
    docs.mkdir(parents=True)
    for passage in passages:
        (docs / f"{passage.id}.txt").write_text(passage.text + "\n", encoding="utf-8")
    if threads:
        save_settings(data_dir, load_settings(data_dir).replace(n_threads=threads))
    with Library(data_dir) as library:
        library.index([docs])
        ids = {Path(r.path).stem: r.id for r in library.documents()}
    missing = [p.id for p in passages if p.id not in ids]
    if missing:
        raise SystemExit(f"not indexed: {missing}")
    with Assistant(data_dir) as assistant:
        assistant.runtime.ensure_model()
        started, cpu = time.perf_counter(), _cpu_seconds()
        product = {p.id: assistant.sentiment(ids[p.id]) for p in passages}
        product_s, product_cpu = time.perf_counter() - started, _cpu_seconds() - cpu
        raw = {p.id: assistant.runtime.engine.run(_raw_scorer(p.text)) for p in passages}
        explained = _explain_cost(
            assistant, [ids[p.id] for p in passages[:: max(1, explain)]] if explain else []
        )
    gold = [p.label for p in passages]
    lexicon = {p.id: _lexicon_label(p.text) for p in passages}
    rows = [
        {
            "id": p.id,
            "kind": p.kind,
            "gold": p.label,
            "raw": raw[p.id],
            "product": product[p.id].scores,
            "product_label": product[p.id].label,
            "lexicon_label": lexicon[p.id],
        }
        for p in passages
    ]
    result = {
        "passages": len(passages),
        "raw": metrics(gold, [max(LABELS, key=raw[p.id].__getitem__) for p in passages]),
        "product": metrics(gold, [product[p.id].label for p in passages]),
        "product_seconds": product_s,
        "product_cpu_seconds": product_cpu,
        "explain": explained,
        "load_average": os.getloadavg(),
        "rows": rows,
    }
    if all(lexicon.values()):
        result["lexicon"] = metrics(gold, [str(lexicon[p.id]) for p in passages])
    return result


def _table(result: dict[str, Any]) -> str:
    lines = [
        f"{result['passages']} passages; product: {result['product_seconds']:.1f} s wall, "
        f"{result['product_cpu_seconds']:.1f} CPU s (incl. calibration); load average "
        + " ".join(f"{x:.2f}" for x in result["load_average"]),
        "",
        (
            f"explaining a page (first click): {e['seconds_per_page']:.2f} s wall, "
            f"{e['cpu_seconds_per_page']:.2f} CPU s per page over {e['pages']} pages"
            if (e := result["explain"])
            else "explaining a page: not in this code"
        ),
        "",
        "| method | accuracy | macro-F1 | F1 pos / neu / neg |",
        "| --- | ---: | ---: | --- |",
    ]
    methods = [name for name in ("raw", "lexicon", "product") if name in result]
    for name in methods:
        m = result[name]
        f1 = " / ".join(f"{m['f1'][label]:.2f}" for label in LABELS)
        lines.append(f"| {name} | {m['accuracy']:.3f} | {m['macro_f1']:.3f} | {f1} |")
    for name in methods:
        lines.append(f"\n{name}: gold (rows) against predicted (columns) pos / neu / neg")
        for gold in LABELS:
            counts = result[name]["confusion"][gold]
            lines.append(f"  {gold:<9}" + "".join(f"{counts[p]:>5}" for p in LABELS))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the results and every passage here")
    parser.add_argument("--threads", type=int, default=0, help="llama.cpp threads (0: auto)")
    parser.add_argument(
        "--explain-every", type=int, default=6, help="time explaining every Nth passage (0: none)"
    )
    parser.add_argument(
        "--set", choices=sorted(SETS), default="bench", help="which labelled set (default bench)"
    )
    args = parser.parse_args(argv)
    passages = load_passages(SETS[args.set])
    from docnook.privacy import install_network_guard

    install_network_guard()
    with tempfile.TemporaryDirectory(prefix="docnook-bench-sentiment-") as tmp:
        os.environ["DOCNOOK_DATA_DIR"] = tmp
        result = run(Path(tmp), args.threads, args.explain_every, passages)
    print(_table(result))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
