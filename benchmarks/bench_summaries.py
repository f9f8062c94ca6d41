"""Summary benchmark: key facts kept, numbers and names invented, and seconds per page.

The set is benchmarks/summaries/: eleven documents (seven written for it in
`summaries/generated.py`, four public PDFs fetched by scripts/fetch_summary_corpus.sh) and
their key facts in `summaries/facts.json`, listed by hand before any summary was run.

For each document and length, the summary is made cold (its cached summaries deleted first,
the model already loaded) and scored on its `summary` text, the one a person reads:

- facts kept: a fact is kept when every one of its keys occurs in the summary (numbers as
  numbers, so 1,318 = 1318; words case-insensitively, as whole words);
- invented: numbers, and capitalised words that do not start a sentence (names), that occur
  nowhere in the document's text. The rule is written here again, apart from the product's
  own check (`llm/grounding.py`), so a fault in that check cannot hide itself;
- seconds per page, wall clock and CPU (this process and its children), with the load.

It runs against whatever `docnook` is importable, so the same script measures main's
summariser (BEFORE: PYTHONPATH=<a checkout of main>/src) and this one (AFTER). Where
`summarize` takes no `length`, one summary per document is made and reported as "single".

    make bench-summaries
    python benchmarks/bench_summaries.py --lengths brief detailed --json out.json
    python benchmarks/bench_summaries.py --only harbor-report,rail-review
    python benchmarks/bench_summaries.py --rescore out.json   # score saved summaries again
    python benchmarks/bench_summaries.py --heldout   # the four held-out documents, apart
    python benchmarks/bench_summaries.py --ceiling [--heldout]   # what whole sentences can hold
    python benchmarks/bench_summaries.py --ceiling --spans   # ... points of 1-3 sentences
    python benchmarks/bench_summaries.py --selection [--heldout]   # brief points, no model
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import re
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "summaries"))

import generated  # noqa: E402  (benchmarks/ is not a package)
import heldout  # noqa: E402

FACTS = HERE / "summaries" / "facts.json"
HELDOUT_FACTS = HERE / "summaries" / "heldout_facts.json"
CORPUS = HERE / "data" / "summaries-corpus"
INDEX = HERE / "data" / "summaries-index"

_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*")
_CAPITALISED = re.compile(r"\b[A-Z][\w'-]*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n\s*(?:[-*•]\s+)?|[\"“(]\s*)$")


def number_key(number: str) -> str:
    plain = number.replace(",", "")
    if "." in plain:
        plain = plain.rstrip("0").rstrip(".") or "0"
    return plain.lstrip("0") or "0"


def numbers(text: str) -> set[str]:
    return {number_key(n) for n in _NUMBER.findall(text)}


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def has_key(summary: str, key: str) -> bool:
    if re.fullmatch(r"\d+(?:[.,]\d+)*", key):
        return number_key(key) in numbers(summary)
    pattern = r"(?<!\w)" + re.escape(key.lower()) + r"(?!\w)"
    return re.search(pattern, summary.lower()) is not None


def invented(summary: str, document: str) -> list[str]:
    """Numbers and names of `summary` that the document never states."""
    doc_numbers, doc_words = numbers(document), words(document)
    found = sorted(n for n in numbers(summary) if n not in doc_numbers)
    for match in _CAPITALISED.finditer(summary):
        before = summary[max(0, match.start() - 6) : match.start()]
        if _SENTENCE_START.search(before):
            continue
        parts = re.findall(r"\w+", match.group(0).lower())  # "MIME-info": "mime", "info"
        if len(match.group(0)) > 1 and not all(part in doc_words for part in parts):
            found.append(match.group(0))
    return list(dict.fromkeys(found))


def facts_file(args: argparse.Namespace) -> Path:
    return HELDOUT_FACTS if args.heldout else FACTS


def corpus_files(facts: dict[str, Any]) -> dict[str, Path]:
    """name -> PDF: the generated ones made here, the public ones from the fetched corpus."""
    generated.make_all(CORPUS)
    heldout.make_all(CORPUS)
    files = {}
    for name in facts:
        if name.startswith("_"):
            continue
        path = CORPUS / f"{name}.pdf"
        if not path.exists():
            raise SystemExit(f"{path} is missing: run scripts/fetch_summary_corpus.sh first.")
        files[name] = path
    return files


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def prepare_index(files: dict[str, Path], reindex: bool) -> dict[str, int]:
    from docnook.library import Library

    if reindex:
        shutil.rmtree(INDEX, ignore_errors=True)
    with Library(INDEX) as library:
        library.index(list(files.values()))
        by_path = {r.path: r for r in library.documents()}
    ids = {}
    for name, path in files.items():
        record = by_path.get(str(path.resolve()))
        if record is None or record.status != "indexed":
            raise SystemExit(f"{path} was not indexed.")
        ids[name] = record.id
    return ids


def summary_text(summary: Any) -> str:
    return str(summary.summary)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from docnook.assistant import Assistant
    from docnook.library import Library

    facts = json.loads(facts_file(args).read_text())
    files = corpus_files(facts)
    if args.only:
        files = {k: v for k, v in files.items() if k in args.only.split(",")}
    ids = prepare_index(files, args.reindex)
    results: list[dict[str, Any]] = []
    with Assistant(INDEX) as assistant:
        started = time.monotonic()
        assistant.apply_settings(assistant.settings)  # the model loads before the clock
        load_s = time.monotonic() - started
        takes_length = "length" in inspect.signature(assistant.summarize).parameters
        lengths = args.lengths if takes_length else ["single"]
        for name, doc_id in ids.items():
            with Library(INDEX) as library:
                record = library.resolve(doc_id)
                document = "\n\n".join(library.store.page_texts(doc_id))
            for length in lengths:
                with Library(INDEX) as library, library.store.transaction() as conn:
                    conn.execute("DELETE FROM analyses WHERE kind = 'summary'")
                kwargs = {} if length == "single" else {"length": length}
                load = os.getloadavg()[0]
                wall0, cpu0 = time.monotonic(), cpu_seconds()
                summary = assistant.summarize(doc_id, **kwargs)
                wall, cpu = time.monotonic() - wall0, cpu_seconds() - cpu0
                text = summary_text(summary)
                kept = [f for f in facts[name]["facts"] if all(has_key(text, k) for k in f["keys"])]
                made_up = invented(text, document)
                row = {
                    "document": name,
                    "length": length,
                    "pages": record.pages,
                    "facts": len(facts[name]["facts"]),
                    "kept": len(kept),
                    "invented": made_up,
                    "wall_s": round(wall, 2),
                    "cpu_s": round(cpu, 2),
                    "s_per_page": round(wall / max(1, record.pages), 3),
                    "load1": round(load, 2),
                    "points": len(getattr(summary, "points", []) or []),
                    "overview": bool(getattr(summary, "overview", "")),
                    "summary": text,
                }
                results.append(row)
                print(
                    f"{name:<18} {length:<8} {record.pages:>3} p  kept {len(kept)}/"
                    f"{row['facts']}  invented {len(made_up)} {made_up[:4]}  "
                    f"{wall:6.1f} s wall  {cpu:6.1f} s CPU  load {load:.2f}",
                    flush=True,
                )
    return {"model_load_s": round(load_s, 2), "results": results}


def report(data: dict[str, Any]) -> None:
    rows = data["results"]
    print(f"\nmodel load {data['model_load_s']} s (not counted)")
    print(
        "| length | documents | facts kept | invented (docs with any) | s/page short (<=8 p) "
        "| s/page long (>=15 p) | 40-page doc: wall s (CPU s) | overviews kept "
        "| points' characters, median (max) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for length in dict.fromkeys(r["length"] for r in rows):
        mine = [r for r in rows if r["length"] == length]
        facts = sum(r["facts"] for r in mine)
        kept = sum(r["kept"] for r in mine)
        made_up = sum(len(r["invented"]) for r in mine)
        with_any = sum(1 for r in mine if r["invented"])
        short = [r for r in mine if r["pages"] <= 8]
        long = [r for r in mine if r["pages"] >= 15]

        def per_page(group: list[dict[str, Any]]) -> str:
            pages = sum(r["pages"] for r in group)
            return f"{sum(r['wall_s'] for r in group) / pages:.2f}" if pages else "-"

        forty = next((r for r in mine if r["pages"] == 40), None)
        timing = f"{forty['wall_s']} ({forty['cpu_s']})" if forty else "-"
        overviews = sum(1 for r in mine if r.get("overview"))
        sizes = sorted(points_chars(r["summary"]) for r in mine)
        print(
            f"| {length} | {len(mine)} | {kept}/{facts} = {100 * kept / max(1, facts):.0f}% "
            f"| {made_up} ({with_any}) | {per_page(short)} | {per_page(long)} "
            f"| {timing} | {overviews} of {len(mine)} "
            f"| {statistics.median(sizes):.0f} ({max(sizes)}) |"
        )


def points_chars(summary: str) -> int:
    """How long a summary's points are to read: the characters of its "- " lines, without
    the overview (which has its own check) and without the list marks."""
    return sum(len(line[2:]) for line in summary.splitlines() if line.startswith("- "))


def rescore(path: Path, facts_path: Path) -> dict[str, Any]:
    """The summaries saved in a --json file, scored again with the rules above (no model)."""
    from docnook.library import Library

    data = json.loads(path.read_text())
    facts = json.loads(facts_path.read_text())
    with Library(INDEX) as library:
        by_name = {Path(r.path).stem: r.id for r in library.documents()}
        for row in data["results"]:
            document = "\n\n".join(library.store.page_texts(by_name[row["document"]]))
            wanted = facts[row["document"]]["facts"]
            row["kept"] = sum(all(has_key(row["summary"], k) for k in f["keys"]) for f in wanted)
            row["invented"] = invented(row["summary"], document)
            row.setdefault("overview", not row["summary"].startswith("- "))
    return data


def ceiling(facts_path: Path, args_spans: bool = False) -> None:
    """What whole sentences can hold at best: per document, the facts that some candidate
    sentence states whole, and the most facts as many sentences as a brief has can hold (a
    greedy cover over the hand-listed facts themselves, which no summariser knows). A brief
    of the document's own sentences cannot beat this; it tells selection from length.
    `args_spans`: the candidates are the points of one to three sentences the product may
    make (`point_spans.runs`), not only single sentences."""
    from docnook.assistant import key_points
    from docnook.library import Library

    facts = json.loads(facts_path.read_text())
    size = getattr(key_points, "brief_size", lambda sections: 5)
    totals = [0, 0, 0]
    with Library(INDEX) as library:
        by_name = {Path(r.path).stem: r.id for r in library.documents()}
        for name, entry in facts.items():
            if name.startswith("_"):
                continue
            found = stored_candidates(library, by_name[name])
            if args_spans:  # points of one to three sentences (point_spans.py) as well
                from docnook.assistant import point_spans

                found = [point_spans.joined(run) for run in point_spans.runs(found)]
            holds = [
                {
                    i
                    for i, f in enumerate(entry["facts"])
                    if all(has_key(c.text, k) for k in f["keys"])
                }
                for c in found
            ]
            points = size(len({c.section for c in found}))
            got: set[int] = set()
            for _ in range(points):
                got |= max(holds, key=lambda h: len(h - got), default=set())
            anywhere = set().union(*holds) if holds else set()
            n = len(entry["facts"])
            print(
                f"{name:<18} {points} points hold at best {len(got)}/{n}; "
                f"{len(anywhere)}/{n} in some sentence"
            )
            totals = [totals[0] + len(got), totals[1] + len(anywhere), totals[2] + n]
    best, anywhere, n = totals
    print(f"at best {best}/{n} = {100 * best / n:.0f}% in a brief; {anywhere}/{n} in some sentence")


def stored_candidates(library: Any, doc_id: int) -> list[Any]:
    """The key-point candidates of an indexed document, as the summariser reads them."""
    import numpy as np

    from docnook.assistant import key_points

    store = library.store
    chunks = [
        key_points.ChunkInfo(int(a), int(b), str(h or ""), np.frombuffer(v, "<f4") if v else None)
        for a, b, h, v in store.chunk_layout(doc_id)
    ]
    return key_points.candidates(store.page_texts(doc_id), store.page_starts(doc_id), chunks)


def selection(facts_path: Path, per_document: bool) -> None:
    """The brief's points alone, chosen by `key_points.pick` without the model (seconds, not
    minutes): facts kept, points and characters. It leaves out the overview, which keeps no
    fact the points lack on this set; the full run is the measure, this is for trying a rule.
    `per_document`: a line per document (never for the held-out set: totals only)."""
    from docnook.assistant import key_points
    from docnook.library import Library

    facts = json.loads(facts_path.read_text())
    kept_all = total = 0
    counts, sizes = [], []
    with Library(INDEX) as library:
        by_name = {Path(r.path).stem: r.id for r in library.documents()}
        for name, entry in facts.items():
            if name.startswith("_"):
                continue
            brief = key_points.pick(stored_candidates(library, by_name[name]), "brief")
            text = "\n".join(c.text for c in brief)
            kept = sum(all(has_key(text, k) for k in f["keys"]) for f in entry["facts"])
            kept_all, total = kept_all + kept, total + len(entry["facts"])
            counts.append(len(brief))
            sizes.append(sum(len(c.text) for c in brief))
            if per_document:
                print(f"{name:<18} {len(brief)} points  kept {kept}/{len(entry['facts'])}")
    print(
        f"brief points alone: {kept_all}/{total} = {100 * kept_all / max(1, total):.0f}%; "
        f"points per brief {counts}; characters median {statistics.median(sizes):.0f} "
        f"(max {max(sizes)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lengths", nargs="+", default=["brief", "detailed"])
    parser.add_argument("--only", help="comma-separated document names")
    parser.add_argument("--json", type=Path, help="write every summary and score here")
    parser.add_argument("--reindex", action="store_true")
    parser.add_argument(
        "--heldout",
        action="store_true",
        help="the held-out documents (summaries/heldout.py, heldout_facts.json) instead",
    )
    parser.add_argument("--rescore", type=Path, help="score the summaries of a --json file again")
    parser.add_argument(
        "--ceiling", action="store_true", help="the most facts whole sentences can hold"
    )
    parser.add_argument(
        "--spans",
        action="store_true",
        help="with --ceiling: points of one to three adjacent sentences, not only one",
    )
    parser.add_argument(
        "--selection",
        action="store_true",
        help="the brief's points alone, without the model (for trying a rule; totals only "
        "with --heldout)",
    )
    args = parser.parse_args()
    if args.selection:
        selection(facts_file(args), per_document=not args.heldout)
        return 0
    if args.ceiling:
        ceiling(facts_file(args), args.spans)
        return 0
    data = rescore(args.rescore, facts_file(args)) if args.rescore else run(args)
    print("\nheld-out documents" if args.heldout else "\nthe set")
    report(data)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(data, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
