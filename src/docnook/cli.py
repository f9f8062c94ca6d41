"""The `docnook` command: parse, call one service, print. No logic of its own."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any

from docnook import cli_assistant, cli_folders
from docnook import cli_output as out
from docnook.privacy import install_network_guard, private_files

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
    bar = out.ProgressBar()
    try:
        with out.open_library(args) as library:
            report = library.index(
                args.paths, progress=bar, cancel=cancel, password=args.password, ocr=args.ocr
            )
    finally:
        bar.close()
        signal.signal(signal.SIGINT, previous)
    if args.json:
        out.print_json(report.as_json())
    else:
        print(f"{report.summary()} ({out.duration(report.seconds)})")
    return 130 if report.cancelled else 0


def cmd_docs(args: argparse.Namespace) -> int:
    with out.open_library(args) as library:
        records = library.documents()
    if args.json:
        out.print_json([r.as_json() for r in records])
        return 0
    if not records:
        print("The library is empty. Add PDFs with: docnook index PATH...")
        return 0
    print(f"{'ID':>4}  {'TITLE':<40}  {'PAGES':>5}  {'STATUS':<14}  PATH")
    for r in records:
        title = r.title if len(r.title) <= 40 else r.title[:39] + "…"
        status = f"{r.status} (OCR)" if r.ocr_pages else r.status
        print(f"{r.id:>4}  {title:<40}  {r.pages:>5}  {status:<14}  {r.path}")
        if r.error:
            print(f"{'':>4}  {r.error}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    with out.open_library(args) as library:
        removed = [library.remove(ref) for ref in args.refs]
    if args.json:
        out.print_json([r.as_json() for r in removed])
    else:
        for r in removed:
            print(f"Removed {r.id}: {r.title} ({r.path})")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    with out.open_library(args) as library:
        doc_ids = [library.resolve(ref).id for ref in args.doc] if args.doc else None
        hits = library.search(args.query, k=args.k, document_ids=doc_ids, mode=args.mode)
    if args.json:
        out.print_json([h.as_json() for h in hits])
        return 0
    if not hits:
        print("Nothing in the library matches that.")
        return 0
    for n, hit in enumerate(hits, start=1):
        pages = f"p. {hit.page}"
        if hit.page_start != hit.page_end:
            pages += f" (passage on pp. {hit.page_start}-{hit.page_end})"
        snippet = " ".join(hit.text.split())
        snippet = snippet if len(snippet) <= 300 else snippet[:299] + "…"
        print(
            f"[{n}] {hit.title}, {pages}  (score {hit.score:.4f})\n    {hit.path}\n    {snippet}\n"
        )
    return 0


def cmd_privacy(args: argparse.Namespace) -> int:
    from docnook import footprint
    from docnook.errors import InputError

    found = footprint.footprint()
    if not args.delete_all:
        if args.json:
            out.print_json(found.as_json())
        else:
            _print_footprint(found)
        return 0
    if not args.yes:
        if args.json or not sys.stdin.isatty():
            raise InputError(
                "Deleting all of DocNook's data needs --yes where DocNook cannot ask first "
                "(no terminal, or --json). Nothing was deleted."
            )
        _print_footprint(found)
        question = (
            f"\nDelete all of DocNook's data ({footprint.format_size(found.total_bytes)})? "
            "Your PDFs and the models you added stay. [y/N] "
        )
        try:
            answer = input(question)
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing was deleted.")
            return 1
    report = footprint.delete_all(found.data_dir, found.cache_dir)
    if args.json:
        out.print_json(report.as_json())
    else:
        print(
            f"Deleted {report.deleted_files} files ({footprint.format_size(report.freed_bytes)}). "
            "DocNook starts afresh next time."
        )
        if report.left:
            print("Left alone (not made by DocNook):")
            for path in report.left:
                print(f"  {path}")
        if report.failed:
            print("Could not delete:")
            for line in report.failed:
                print(f"  {line}")
    return 1 if report.failed else 0


def _print_footprint(found: Any) -> None:
    from docnook.footprint import format_size

    print("What DocNook keeps on this computer, readable only by you:\n")
    print(f"{'WHAT':<34} {'SIZE':>9}  WHERE")
    for loc in found.locations:
        size = format_size(loc.size) if loc.exists else "none"
        print(f"{loc.title:<34} {size:>9}  {loc.path}")
    total = format_size(found.total_bytes)
    print(f"{'Total (deleted by --delete-all)':<34} {total:>9}\n")
    print(f"Data folder:  {found.data_dir}")
    print(f"Cache folder: {found.cache_dir}")
    print("Your PDFs and the models you added stay where they are; DocNook never deletes them.")
    attempts = found.blocked_attempts
    print(
        f"DocNook makes no network connections; {attempts} blocked "
        f"attempt{'s' if attempts != 1 else ''} this run."
    )


def cmd_gui(args: argparse.Namespace) -> int:
    from docnook.gui.app import main as gui_main  # Qt is imported only for the window

    return gui_main([*args.paths, "--theme", args.theme])


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
    p.add_argument(
        "--ocr",
        choices=("auto", "always", "never"),
        help="read scanned pages: auto (pages without text), always (every page, and files "
        "indexed before), never; default: the `ocr` setting (auto)",
    )
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

    cli_assistant.add_parsers(sub, common)

    p = sub.add_parser(
        "privacy",
        parents=[common],
        help="where every file DocNook keeps lives, with sizes; delete all of it",
    )
    p.add_argument(
        "--delete-all",
        action="store_true",
        help="delete every file DocNook keeps (asks first; your PDFs and added models stay)",
    )
    p.add_argument("--yes", action="store_true", help="with --delete-all: do not ask")
    p.set_defaults(func=cmd_privacy)

    cli_folders.add_parsers(sub, common)

    p = sub.add_parser("gui", help="open the DocNook window (same as docnook-gui)")
    p.add_argument("paths", nargs="*", metavar="PATH", help="PDFs or folders to add")
    p.add_argument(
        "--theme", choices=("system", "light", "dark"), default="system", help="colour scheme"
    )
    p.set_defaults(func=cmd_gui)
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
        with private_files():  # whatever the command writes is readable only by the user
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
