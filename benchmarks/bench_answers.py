"""Answer benchmark: retrieval and answers on the labelled set in benchmarks/answers/.

The set (benchmarks/answer_set.py describes its fields) holds questions over ten public PDFs
of two kinds, R manuals and statistics papers, fetched by scripts/fetch_answer_corpus.sh. The
corpus is indexed into a data dir under benchmarks/data/answers-index/, keyed by the PDFs'
hashes and by DocNook's ingest and index code, so reruns skip indexing until either changes.
Then, for each question:

- retrieval: `Library.search(question, k=5)`; a hit is right when it is in the question's
  document and its `page` is a gold page (strict), or any page of `page_start..page_end` is
  (lenient). Reported: recall@1, recall@5 and MRR over the top 5, both ways.
- answer: `Assistant.ask(question, on_token=...)`: time to the first streamed token and to the
  whole answer; cited page right (the first citation's document and `page` are gold); answer
  right (the gold answer, normalised, within the first 400 characters of a found answer);
  declined (`found` is false), for the answerable questions (wrongly) and the unanswerable
  ones (rightly). Where citations carry a `quote`, "quote right" (the gold answer in the first
  citation's quote); where `ask` takes a quote callback, the time to the first quote.

A document whose sha256 differs from the set's is reported and its questions are left out,
never scored against pages that moved.

    make bench-answers                                     # fetch, index once, run it all
    python benchmarks/bench_answers.py --only retrieval    # search metrics only, no model
    python benchmarks/bench_answers.py --ids ri07,zo03 --json out.json
    python benchmarks/bench_answers.py --limit 20
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import inspect
import json
import os
import platform
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import answer_set  # noqa: E402  (benchmarks/ is not a package)
from answer_set import ANSWER_WINDOW, Question, contains_gold  # noqa: E402

DEFAULT_CORPUS = HERE / "data" / "answers-corpus"
INDEX_CACHE = HERE / "data" / "answers-index"
K = 5
# Names a quote callback of `Assistant.ask` may have once the lead wires one (issue 11).
QUOTE_CALLBACKS = ("on_quote", "on_quotes", "on_support", "on_sources", "on_citations")
WARM_UP = "How do I fit a linear regression model?"  # not in the set


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _cpu_pressure() -> float | None:
    """Linux's share of the last minute in which runnable tasks waited for a CPU (percent)."""
    try:
        with open("/proc/pressure/cpu", encoding="ascii") as handle:
            fields = dict(item.split("=") for item in handle.readline().split()[1:])
        return float(fields["avg60"])
    except (OSError, KeyError, ValueError):
        return None


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


# -- the corpus and its index ---------------------------------------------------------------


def check_documents(questions: list[Question], corpus: Path) -> tuple[list[Path], dict[str, str]]:
    """The PDFs to index, and for each document that cannot be scored, the reason."""
    expected = {q.document: q.sha256 for q in questions}
    problems: dict[str, str] = {}
    files = []
    for name, sha in sorted(expected.items()):
        path = corpus / name
        if not path.is_file():
            problems[name] = "missing (run scripts/fetch_answer_corpus.sh)"
        elif _sha256(path) != sha:
            problems[name] = "changed since the set was written (sha256 differs): not scored"
        else:
            files.append(path)
    return files, problems


def index_key(files: list[Path]) -> str:
    """The PDFs' hashes and the code that turns them into an index: a change to either
    means a new index, never scores from a stale one."""
    import docnook

    digest = hashlib.sha256()
    for path in files:
        digest.update(f"{path.name}:{_sha256(path)}\n".encode())
    package = Path(docnook.__file__).resolve().parent
    # text.py too: its sentence splitter decides the spans of the stored sentence vectors.
    sources = [*package.glob("ingest/*.py"), *package.glob("index/*.py"), package / "text.py"]
    for source in sorted(sources):
        digest.update(source.relative_to(package).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def prepare_index(files: list[Path], reindex: bool) -> tuple[Path, dict[str, Any]]:
    """A data dir holding the indexed corpus, built once per `index_key`."""
    from docnook.library import Library

    data_dir = INDEX_CACHE / index_key(files)
    done = data_dir / "indexed.json"
    if reindex and data_dir.exists():
        shutil.rmtree(data_dir)
    if done.exists():
        info = json.loads(done.read_text(encoding="utf-8"))
        with Library(data_dir) as library:
            library.index(files)  # unchanged files cost a hash each; moved ones keep their index
        return data_dir, {**info, "cached": True}
    # Older keys hold an index of code that has changed since: only the current one is kept.
    if INDEX_CACHE.exists():
        for old in INDEX_CACHE.iterdir():
            if old != data_dir:
                shutil.rmtree(old, ignore_errors=True)
    partial = data_dir.with_name(data_dir.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    print(f"indexing {len(files)} PDFs into {data_dir} ...", file=sys.stderr, flush=True)
    started, cpu_started = time.perf_counter(), time.process_time()
    with Library(partial) as library:
        report = library.index(files)
    info = {
        "seconds": round(time.perf_counter() - started, 1),
        "cpu_seconds": round(time.process_time() - cpu_started, 1),
        "pages": report.pages_indexed,
        "summary": report.summary(),
    }
    if report.failed:
        raise SystemExit(f"Indexing failed: {report.summary()}")
    (partial / "indexed.json").write_text(json.dumps(info), encoding="utf-8")
    shutil.rmtree(data_dir, ignore_errors=True)
    partial.rename(data_dir)
    return data_dir, {**info, "cached": False}


# -- scoring --------------------------------------------------------------------------------


def _in_document(path: str, question: Question) -> bool:
    return Path(path).name == question.document


def rank(hits: list[Any], question: Question, lenient: bool) -> int | None:
    """1-based rank of the first hit on a gold page of the question's document, or None."""
    for n, hit in enumerate(hits, 1):
        if not _in_document(hit.path, question):
            continue
        pages = range(hit.page_start, hit.page_end + 1) if lenient else (hit.page,)
        if any(page in question.gold_pages for page in pages):
            return n
    return None


def _quote_callback(ask: Callable[..., Any]) -> str | None:
    try:
        parameters = inspect.signature(ask).parameters
    except (TypeError, ValueError):
        return None
    return next((name for name in QUOTE_CALLBACKS if name in parameters), None)


def retrieve(library: Any, question: Question) -> dict[str, Any]:
    started = time.perf_counter()
    hits = library.search(question.question, k=K)
    seconds = time.perf_counter() - started
    return {
        "search_s": round(seconds, 4),
        "rank_strict": rank(hits, question, lenient=False),
        "rank_lenient": rank(hits, question, lenient=True),
        "hits": [
            {
                "document": Path(h.path).name,
                "page": h.page,
                "pages": [h.page_start, h.page_end],
                "score": round(h.score, 4),
            }
            for h in hits
        ],
    }


def answer(assistant: Any, question: Question) -> dict[str, Any]:
    """Ask, and score what came back; an error is a row with `error`, not a crash."""
    times: dict[str, float] = {}
    started = time.perf_counter()

    def on_token(_text: str) -> None:
        times.setdefault("token", time.perf_counter() - started)

    def on_quote(*_args: Any, **_kwargs: Any) -> None:
        times.setdefault("quote", time.perf_counter() - started)

    kwargs: dict[str, Any] = {"on_token": on_token}
    quote_callback = _quote_callback(assistant.ask)
    if quote_callback:
        kwargs[quote_callback] = on_quote
    try:
        result = assistant.ask(question.question, **kwargs)
    except Exception as exc:  # a benchmark reports a failure and goes on to the next question
        return {"error": f"{type(exc).__name__}: {exc}", "found": None}
    total = time.perf_counter() - started
    citations = list(result.citations)
    first = citations[0] if citations else None
    quote = getattr(first, "quote", None) if first is not None else None
    row: dict[str, Any] = {
        "found": bool(result.found),
        "supported": getattr(result, "supported", None),
        "answer": result.answer,
        "citations": [
            {"document": Path(c.path).name, "page": c.page, "quote": getattr(c, "quote", None)}
            for c in citations
        ],
        "first_token_s": round(times["token"], 3) if "token" in times else None,
        "first_quote_s": round(times["quote"], 3) if "quote" in times else None,
        "total_s": round(total, 3),
        # A decline cites nothing: its closest passages are not an answer's citation.
        "cited_right": bool(
            result.found
            and first is not None
            and _in_document(first.path, question)
            and first.page in question.gold_pages
        ),
        "answer_right": None,
        "quote_right": None,
    }
    if question.gold_answers:
        row["answer_right"] = bool(
            result.found and contains_gold(result.answer[:ANSWER_WINDOW], question.gold_answers)
        )
        if quote is not None:
            row["quote_right"] = contains_gold(quote, question.gold_answers)
    generation = getattr(assistant, "last_generation", None)
    if result.found and generation is not None:
        row["prompt_tokens"] = getattr(generation, "prompt_tokens", None)
        row["tokens"] = getattr(generation, "tokens", None)
    return row


# -- metrics --------------------------------------------------------------------------------


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 3) if values else None


def _quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)


def metrics(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Each metric as {value, n}: n is how many questions it is measured over."""
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    result: dict[str, Any] = {}

    def put(name: str, values: list[float]) -> None:
        result[name] = {"value": _mean(values), "n": len(values)}

    retrieved = [r for r in answerable if "rank_strict" in r]
    for way in ("strict", "lenient"):
        ranks = [r[f"rank_{way}"] for r in retrieved]
        put(f"recall@1 ({way})", [float(x == 1) for x in ranks])
        put(f"recall@5 ({way})", [float(x is not None) for x in ranks])
        put(f"MRR@5 ({way})", [1 / x if x else 0.0 for x in ranks])
    search = [r["search_s"] for r in rows if "search_s" in r]
    result["search s (median)"] = {"value": _quantile(search, 0.5), "n": len(search)}

    asked = [r for r in answerable if "found" in r]
    if asked or any("found" in r for r in unanswerable):
        put("cited page right", [float(r.get("cited_right", False)) for r in asked])
        golds = [r for r in asked if r["answer_right"] is not None or r.get("error")]
        put("answer right", [float(bool(r.get("answer_right"))) for r in golds])
        quoted = [r for r in golds if r.get("quote_right") is not None]
        if quoted:
            put("quote right", [float(r["quote_right"]) for r in quoted])
        put(
            "unanswerable declined",
            [float(r.get("found") is False) for r in unanswerable if "found" in r],
        )
        put("answerable wrongly declined", [float(r.get("found") is False) for r in asked])
        supported = [r for r in asked if r.get("supported") is not None]
        if supported:
            put("answerable unsupported", [float(r["supported"] is False) for r in supported])
        errors = [r for r in rows if r.get("error")]
        result["errors"] = {"value": len(errors), "n": len(rows)}
        for name, key in (("first token", "first_token_s"), ("first quote", "first_quote_s")):
            values = [r[key] for r in rows if r.get(key) is not None]
            if values:
                result[f"{name} s (median)"] = {"value": _quantile(values, 0.5), "n": len(values)}
                result[f"{name} s (p90)"] = {"value": _quantile(values, 0.9), "n": len(values)}
        totals = [r["total_s"] for r in rows if r.get("found") and r.get("total_s")]
        result["whole answer s (median)"] = {"value": _quantile(totals, 0.5), "n": len(totals)}
    return result


def breakdown(rows: list[dict[str, Any]], field: str) -> dict[str, Any]:
    """recall@5 (strict), cited page right and answer right per kind or per collection."""
    result = {}
    for value in sorted({r[field] for r in rows if r["answerable"]}):
        group = metrics([r for r in rows if r[field] == value])
        keep = ("recall@5 (strict)", "MRR@5 (strict)", "cited page right", "answer right")
        result[value] = {name: group[name] for name in keep if name in group}
    return result


def print_table(title: str, table: dict[str, Any]) -> None:
    print(f"\n{title}")
    print(f"| {'metric':<30} | {'value':>7} | {'n':>4} |")
    print(f"| {'-' * 30} | {'-' * 7}: | {'-' * 4}: |")
    for name, cell in table.items():
        value = "" if cell["value"] is None else f"{cell['value']:.3f}"
        print(f"| {name:<30} | {value:>7} | {cell['n']:>4} |")


# -- the run --------------------------------------------------------------------------------


def select(questions: list[Question], ids: list[str] | None, limit: int | None) -> list[Question]:
    if ids:
        known = {q.id for q in questions}
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise SystemExit(f"No such question id: {', '.join(unknown)}.")
        questions = [q for q in questions if q.id in set(ids)]
    return questions[:limit] if limit else questions


def run(args: argparse.Namespace) -> dict[str, Any]:
    from docnook.privacy import install_network_guard

    install_network_guard()
    from docnook.library import Library

    questions = answer_set.load(args.questions)
    chosen = select(questions, args.ids, args.limit)
    files, problems = check_documents(questions, args.corpus)
    if not files:
        raise SystemExit("No document of the set can be scored: " + json.dumps(problems))
    for name, why in problems.items():
        print(f"warning: {name}: {why}", file=sys.stderr)
    skipped = [q.id for q in chosen if q.document in problems]
    chosen = [q for q in chosen if q.document not in problems]
    data_dir, index_info = prepare_index(files, args.reindex)

    rows: list[dict[str, Any]] = []
    with Library(data_dir) as library:
        library.search(WARM_UP, k=K)  # loads the embedder and the vectors before the clock
        for q in chosen:
            row: dict[str, Any] = {
                "id": q.id,
                "kind": q.kind,
                "collection": q.collection,
                "document": q.document,
                "answerable": q.answerable,
                "question": q.question,
                "gold_pages": list(q.gold_pages),
                "gold_answer": list(q.gold_answers) or None,
            }
            if q.answerable:
                row.update(retrieve(library, q))
            rows.append(row)

    settings: dict[str, Any] = {}
    if args.only != "retrieval":
        from docnook.assistant import Assistant

        with Assistant(data_dir) as assistant:
            if args.only == "quotes":
                # The road up to the quote is the product's; only the model's phrasing is left
                # out, so every answer is its quote (what a person sees if the check fails).
                assistant.asking._phrase = lambda *_args, **_kwargs: None  # type: ignore[method-assign]
            else:
                assistant.apply_settings(assistant.settings)  # load the model before the clock
            settings = {k: str(v) for k, v in dataclasses.asdict(assistant.settings).items()}
            assistant.ask(WARM_UP)
            # Each row is also appended as it is scored, so a long run stopped early keeps them.
            partial = args.json.with_suffix(".rows.jsonl") if args.json else None
            if partial:
                partial.write_text("", encoding="utf-8")
            for n, row in enumerate(rows, 1):
                q = next(q for q in chosen if q.id == row["id"])
                row.update(answer(assistant, q))
                if partial:
                    with partial.open("a", encoding="utf-8") as handle:
                        handle.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
                print(
                    f"[{n}/{len(rows)}] {q.id} rank={row.get('rank_strict')} "
                    f"found={row.get('found')} cited={row.get('cited_right')} "
                    f"right={row.get('answer_right')} ttft={row.get('first_token_s')}",
                    file=sys.stderr,
                    flush=True,
                )

    return {
        "machine": {
            "cpu": _cpu_name(),
            "cpus": os.cpu_count(),
            "cpu_pressure_avg60": _cpu_pressure(),
            "python": platform.python_version(),
        },
        "set": answer_set.counts(questions),
        "asked": len(rows),
        "skipped_changed_documents": skipped,
        "document_problems": problems,
        "index": {**index_info, "data_dir": str(data_dir)},
        "settings": settings,
        "metrics": metrics(rows),
        "by_kind": breakdown(rows, "kind"),
        "by_collection": breakdown(rows, "collection"),
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--questions", type=Path, default=answer_set.QUESTIONS)
    parser.add_argument(
        "--only",
        choices=["retrieval", "quotes"],
        help="retrieval: search metrics only; quotes: the whole ask path up to the quote "
        "(found or declined, the cited page, the quote as the answer), with no model",
    )
    parser.add_argument("--ids", type=lambda s: [i for i in s.split(",") if i], default=None)
    parser.add_argument("--limit", type=int, default=None, help="the first N questions")
    parser.add_argument("--reindex", action="store_true", help="rebuild the cached index")
    parser.add_argument("--json", type=Path, default=None, help="write results (with rows)")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"No corpus at {args.corpus}: run scripts/fetch_answer_corpus.sh.", file=sys.stderr)
        return 1

    results = run(args)
    index = results["index"]
    machine = results["machine"]
    print(
        f"set: {results['set']['questions']} questions; asked {results['asked']}; "
        f"index: {index['summary']} in {index['seconds']} s"
        f"{' (cached)' if index['cached'] else ''}; machine: {machine['cpu']}, "
        f"{machine['cpus']} CPUs, CPU pressure {machine['cpu_pressure_avg60']} %"
    )
    if results["skipped_changed_documents"]:
        print(f"not scored (document changed): {', '.join(results['skipped_changed_documents'])}")
    print_table("all questions", results["metrics"])
    for group in ("by_kind", "by_collection"):
        for name, table in results[group].items():
            print_table(f"{group.replace('_', ' ')}: {name}", table)
    if args.json:
        args.json.write_text(
            json.dumps(results, indent=1, ensure_ascii=False, default=str), encoding="utf-8"
        )
        print(f"\nresults: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
