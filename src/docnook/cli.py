"""The `docnook` command: parse, call one service, print. No logic of its own."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from docnook.privacy import install_network_guard


class ProgressBar:
    """Pages, files and ETA on one self-rewriting line of stderr; a line every few seconds
    when stderr is not a terminal (logs, CI)."""

    def __init__(self, stream: TextIO = sys.stderr, width: int = 28) -> None:
        self.stream = stream
        self.width = width
        self.tty = stream.isatty()
        self._last = 0.0
        self._shown = False

    def __call__(self, p: Any) -> None:
        now = time.monotonic()
        finished = p.files_done == p.files_total
        if not finished and now - self._last < (0.1 if self.tty else 5.0):
            return
        self._last = now
        fraction = p.pages_done / p.pages_total if p.pages_total else p.files_done / p.files_total
        filled = int(self.width * min(1.0, fraction))
        eta = p.eta_seconds
        eta_text = f"ETA {_duration(eta)}" if eta is not None and not finished else ""
        name = Path(p.current).name if p.current else ""
        line = (
            f"[{'#' * filled}{'.' * (self.width - filled)}] {int(p.pages_done)}/{p.pages_total} "
            f"pages  {p.files_done}/{p.files_total} files  {eta_text}  {name[:40]}"
        )
        if self.tty:
            self.stream.write("\r" + line.ljust(110)[:110])
        else:
            self.stream.write(line.rstrip() + "\n")
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown and self.tty:
            self.stream.write("\n")
            self.stream.flush()


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def _print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _open_library(args: argparse.Namespace) -> Any:
    from docnook.library import Library

    return Library()


# -- commands -----------------------------------------------------------------------------


def cmd_index(args: argparse.Namespace) -> int:
    from docnook.jobs import CancelToken

    cancel = CancelToken()

    def on_interrupt(signum: int, frame: Any) -> None:
        if cancel.cancelled:
            raise KeyboardInterrupt
        cancel.cancel()
        sys.stderr.write("\ndocnook: cancelling after the current step (Ctrl-C again to quit)\n")

    previous = signal.signal(signal.SIGINT, on_interrupt)
    bar = ProgressBar()
    try:
        with _open_library(args) as library:
            report = library.index(args.paths, progress=bar, cancel=cancel, password=args.password)
    finally:
        bar.close()
        signal.signal(signal.SIGINT, previous)
    if args.json:
        _print_json(report.as_json())
    else:
        print(f"{report.summary()} ({_duration(report.seconds)})")
    return 130 if report.cancelled else 0


def cmd_docs(args: argparse.Namespace) -> int:
    with _open_library(args) as library:
        records = library.documents()
    if args.json:
        _print_json([r.as_json() for r in records])
        return 0
    if not records:
        print("The library is empty. Add PDFs with: docnook index PATH...")
        return 0
    print(f"{'ID':>4}  {'TITLE':<40}  {'PAGES':>5}  {'STATUS':<14}  PATH")
    for r in records:
        title = r.title if len(r.title) <= 40 else r.title[:39] + "…"
        print(f"{r.id:>4}  {title:<40}  {r.pages:>5}  {r.status:<14}  {r.path}")
        if r.error:
            print(f"{'':>4}  {r.error}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    with _open_library(args) as library:
        removed = [library.remove(ref) for ref in args.refs]
    if args.json:
        _print_json([r.as_json() for r in removed])
    else:
        for r in removed:
            print(f"Removed {r.id}: {r.title} ({r.path})")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    with _open_library(args) as library:
        doc_ids = [library.resolve(ref).id for ref in args.doc] if args.doc else None
        hits = library.search(args.query, k=args.k, document_ids=doc_ids, mode=args.mode)
    if args.json:
        _print_json([h.as_json() for h in hits])
        return 0
    if not hits:
        print("Nothing in the library matches that.")
        return 0
    for n, hit in enumerate(hits, start=1):
        pages = (
            f"p. {hit.page_start}"
            if hit.page_start == hit.page_end
            else f"pp. {hit.page_start}-{hit.page_end}"
        )
        snippet = " ".join(hit.text.split())
        snippet = snippet if len(snippet) <= 300 else snippet[:299] + "…"
        print(
            f"[{n}] {hit.title}, {pages}  (score {hit.score:.4f})\n    {hit.path}\n    {snippet}\n"
        )
    return 0


# -- parser -------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="docnook",
        description="DocNook: a private document assistant. Your PDFs never leave this computer.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print machine-readable JSON")

    p = sub.add_parser("index", parents=[common], help="index PDF files and folders (recursive)")
    p.add_argument("paths", nargs="+", metavar="PATH", help="PDF files or folders")
    p.add_argument("--password", help="password for encrypted PDFs in this batch")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("docs", parents=[common], help="list the documents in the library")
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("remove", parents=[common], help="remove documents by id or path")
    p.add_argument("refs", nargs="+", metavar="ID|PATH")
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("search", parents=[common], help="search the library's passages")
    p.add_argument("query", metavar="QUERY")
    p.add_argument("-k", type=int, default=5, help="how many passages (default 5)")
    p.add_argument("--doc", action="append", metavar="ID|PATH", help="only in this document")
    p.add_argument(
        "--mode",
        choices=("hybrid", "bm25", "vector"),
        default="hybrid",
        help="retrieval method (default hybrid)",
    )
    p.set_defaults(func=cmd_search)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    install_network_guard()  # before any model library is imported
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 0
    from docnook.errors import DocNookError

    try:
        return func(args)
    except DocNookError as exc:
        print(f"docnook: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("docnook: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`docnook docs | head`): not an error.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - stops the flush at exit failing
        return 0


if __name__ == "__main__":
    sys.exit(main())
