"""`docnook sentiment --all`: the library's sentiment, document by document, from the saved
readings; `--analyse` first reads the documents that have none (Ctrl+C stops between pages and
keeps the documents finished). `docnook sentiment DOC --why PAGE`: the sentences that weighed
most for that page's label."""

from __future__ import annotations

import argparse
import sys

from docnook import cli_output as out


def library_sentiment(args: argparse.Namespace) -> int:
    from docnook.errors import Cancelled

    with out.interruptible() as cancel, out.open_assistant(args) as assistant:
        tone = assistant.library_tone()
        if args.analyse and tone.not_analysed:
            line = out.TaskLine()
            try:
                tone = assistant.analyse_library(progress=line, cancel=cancel)
            except Cancelled:
                return out.cancelled()
            finally:
                line.close()
    if args.json:
        out.print_json(tone.as_json())
        return 0
    if args.csv:
        sys.stdout.write(tone.csv_text())
        return 0
    if not tone.rows:
        print("The library is empty: `docnook add FILE` adds documents.")
        return 0
    heading = ("ID", "LABEL", "POS", "NEU", "NEG", "-PAGE", "+PAGE", "TITLE")
    print("{:>4}  {:<12} {:>5} {:>5} {:>5}  {:>5} {:>5}  {}".format(*heading))
    for row in tone.rows:
        scores = row.scores
        numbers = (
            " ".join(f"{scores[k]:>5.2f}" for k in ("positive", "neutral", "negative"))
            if scores
            else f"{'':>17}"
        )
        label = row.label or ("not analysed" if row.status == "indexed" else row.status)
        print(
            f"{row.document_id:>4}  {label:<12} {numbers}  {row.most_negative_page or '':>5} "
            f"{row.most_positive_page or '':>5}  {row.title}"
        )
    for doc_id, error in sorted(tone.failures.items()):
        print(f"document {doc_id}: {error}", file=sys.stderr)
    waiting = len(tone.not_analysed)
    if waiting:
        print(
            f"\n{waiting} document(s) not analysed yet: `docnook sentiment --all --analyse` "
            "reads them."
        )
    return 0


def explain_page(args: argparse.Namespace, doc_id: int, page_no: int) -> int:
    from docnook.errors import Cancelled

    with out.interruptible() as cancel, out.open_assistant(args) as assistant:
        if assistant.cached_sentiment(doc_id) is None:
            line = out.TaskLine()
            try:
                assistant.sentiment(doc_id, progress=line, cancel=cancel)
            except Cancelled:
                return out.cancelled()
            finally:
                line.close()
        try:
            page = assistant.explain_page(doc_id, page_no, cancel)
        except Cancelled:
            return out.cancelled()
    if args.json:
        out.print_json(page.as_json())
        return 0
    scores = "  ".join(f"{k} {v:.2f}" for k, v in page.scores.items())
    print(f"p. {page.page}: {page.label}  ({scores})")
    for reason in page.reasons:
        own = reason.scores[page.label]
        print(f"  {reason.weight:.2f}  ({page.label} {own:.2f} alone)  “{reason.text}”")
    return 0
