"""The `docnook` command: parse, call one service, print. No logic of its own."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from docnook.privacy import install_network_guard, private_files


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
    from docnook.text import format_duration

    return format_duration(seconds)


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
        pages = f"p. {hit.page}"
        if hit.page_start != hit.page_end:
            pages += f" (passage on pp. {hit.page_start}-{hit.page_end})"
        snippet = " ".join(hit.text.split())
        snippet = snippet if len(snippet) <= 300 else snippet[:299] + "…"
        print(
            f"[{n}] {hit.title}, {pages}  (score {hit.score:.4f})\n    {hit.path}\n    {snippet}\n"
        )
    return 0


# -- the assistant ------------------------------------------------------------------------


@contextlib.contextmanager
def _interruptible() -> Iterator[Any]:
    """A cancel token that Ctrl-C sets (a second Ctrl-C quits), as `index` does."""
    from docnook.jobs import CancelToken

    cancel = CancelToken()

    def on_interrupt(signum: int, frame: Any) -> None:
        if cancel.cancelled:
            raise KeyboardInterrupt
        cancel.cancel()
        sys.stderr.write("\ndocnook: cancelling after the current token (Ctrl-C again to quit)\n")

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield cancel
    finally:
        signal.signal(signal.SIGINT, previous)


def _open_assistant(args: argparse.Namespace) -> Any:
    from docnook.assistant import Assistant

    return Assistant()


def _document_ids(args: argparse.Namespace, refs: Sequence[str]) -> list[int]:
    with _open_library(args) as library:
        return [library.resolve(ref).id for ref in refs]


class TaskLine:
    """`TaskProgress` on one self-rewriting line of stderr (a line every few seconds when
    stderr is not a terminal)."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self._last = 0.0
        self._shown = False

    def __call__(self, p: Any) -> None:
        now = time.monotonic()
        if p.done < p.total and now - self._last < (0.1 if self.tty else 5.0):
            return
        self._last = now
        line = f"[{p.done}/{p.total}] {p.message}"
        self.stream.write("\r" + line.ljust(80)[:110] if self.tty else line + "\n")
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown and self.tty:
            self.stream.write("\r" + " " * 80 + "\r")
            self.stream.flush()


def _stream_to_stdout(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _cancelled() -> int:
    print("\ndocnook: cancelled", file=sys.stderr)
    return 130


def cmd_ask(args: argparse.Namespace) -> int:
    from docnook.errors import Cancelled

    doc_ids = _document_ids(args, args.doc) if args.doc else None
    shown = {"phrasing": False}

    def on_quote(citation: Any) -> None:
        # The sentence the answer rests on comes first, before the model has said a word.
        print(f"“{' '.join(citation.quote.split())}”\n    {citation.label()}\n", flush=True)

    def on_token(text: str) -> None:
        shown["phrasing"] = True
        _stream_to_stdout(text)

    with _interruptible() as cancel, _open_assistant(args) as assistant:
        try:
            answer = assistant.ask(
                args.question,
                doc_ids,
                on_token=None if args.json else on_token,
                on_quote=None if args.json else on_quote,
                cancel=cancel,
                chat_id=args.chat,
            )
        except Cancelled:
            return _cancelled()
    if args.json:
        _print_json(answer.as_json())
        return 0
    if not answer.found:
        print(answer.answer)
        for citation in answer.citations:
            quote = " ".join(citation.quote.split())
            print(f"\n{citation.label()}  ({citation.path})\n    “{quote}”")
    elif shown["phrasing"]:
        print(" [1]")
    else:
        print("(The model's words did not hold up against the page: the quote is the answer.)")
    if answer.found:
        print("\nSources:")
        for citation in answer.citations:
            print(f"{citation.label()}  ({citation.path})")
    if answer.chat_id is not None:
        print(f"\n(chat {answer.chat_id}: continue with `docnook ask --chat {answer.chat_id} ...`)")
    return 0


def cmd_chats(args: argparse.Namespace) -> int:
    with _open_assistant(args) as assistant:
        if args.chat is not None:
            messages = assistant.chat_messages(args.chat)
            if args.json:
                _print_json([m.as_json() for m in messages])
                return 0
            for message in messages:
                who = "You" if message.role == "user" else "DocNook"
                note = " (stopped)" if message.stopped else ""
                print(f"{who}{note}: {message.text}\n")
            return 0
        chats = assistant.chat_list()
    if args.json:
        _print_json(
            [
                {
                    "id": c.id,
                    "title": c.title,
                    "created_at": c.created_at,
                    "updated_at": c.updated_at,
                    "messages": c.messages,
                }
                for c in chats
            ]
        )
        return 0
    if not chats:
        print('No chats yet: `docnook ask "..."` starts one.')
    for chat in chats:
        when = chat.updated_at[:16].replace("T", " ")
        print(f"{chat.id:>4}  {when}  {chat.messages:>3} messages  {chat.title}")
    return 0


def cmd_summarize(args: argparse.Namespace) -> int:
    from docnook.errors import Cancelled

    (doc_id,) = _document_ids(args, [args.doc])
    line = TaskLine()
    streamed: list[str] = []

    def on_token(text: str) -> None:
        if not streamed:
            line.close()
        streamed.append(text)
        if not args.json:
            _stream_to_stdout(text)

    with _interruptible() as cancel, _open_assistant(args) as assistant:
        try:
            summary = assistant.summarize(doc_id, on_token=on_token, progress=line, cancel=cancel)
        except Cancelled:
            return _cancelled()
        finally:
            line.close()
    if args.json:
        _print_json(summary.as_json())
    elif streamed:
        print()
    else:
        print(summary.summary)
    return 0


def cmd_sentiment(args: argparse.Namespace) -> int:
    from docnook.errors import Cancelled

    (doc_id,) = _document_ids(args, [args.doc])
    line = TaskLine()
    with _interruptible() as cancel, _open_assistant(args) as assistant:
        try:
            result = assistant.sentiment(doc_id, progress=line, cancel=cancel)
        except Cancelled:
            return _cancelled()
        finally:
            line.close()
    if args.json:
        _print_json(result.as_json())
        return 0

    def scores(values: dict[str, float]) -> str:
        return "  ".join(f"{label} {values[label]:.2f}" for label in values)

    print(f"{result.label}  ({scores(result.scores)})")
    for page in result.pages:
        print(f"  p. {page.page:<5} {page.label:<9} {scores(page.scores)}")
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from docnook.llm.models import format_parameters

    with _open_assistant(args) as assistant:
        if args.action == "add":
            added = assistant.add_model(Path(args.path))
            if args.json:
                _print_json(added.as_json())
            else:
                print(f"Added {added.name}: {added.title} ({added.path}).")
                print(f"Use it with: docnook models use {added.name}")
            return 0
        if args.action == "use":
            assistant.use_model(args.name)
            if args.json:
                _print_json({"model": assistant.settings.model})
            else:
                print(f"Now using {assistant.settings.model}.")
            return 0
        infos = assistant.models()
    if args.json:
        _print_json([info.as_json() for info in infos])
        return 0
    print(f"  {'NAME':<28} {'ARCH':<10} {'PARAMS':>6}  {'QUANT':<8} {'CTX':>6} {'LAYERS':>6}  CHAT")
    for info in infos:
        mark = "*" if info.in_use else " "
        chat = "yes" if info.has_chat_template else "no"
        print(
            f"{mark} {info.name:<28} {info.architecture:<10} "
            f"{format_parameters(info.parameters):>6}  {info.quantization:<8} "
            f"{info.context_length:>6} {info.layers:>6}  {chat}"
        )
        print(f"    {info.title}  {info.path}")
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    from docnook import config
    from docnook.llm.gpu import gpu_info, offload_note

    if args.action == "set":
        value = config.option(args.key).parse(args.value)
        with _open_assistant(args) as assistant:
            assistant.apply_settings(assistant.settings.replace(**{args.key: value}))
            settings = assistant.settings
    else:
        settings = config.load_settings()
    gpu = gpu_info()
    note = offload_note(settings.n_gpu_layers, gpu)
    if args.json:
        _print_json({"settings": settings.as_json(), "gpu": gpu.as_json(), "note": note})
        return 0
    for option in config.OPTIONS:
        value = getattr(settings, option.name)
        shown = str(value).lower() if isinstance(value, bool) else value
        print(f"{option.name:<13} {shown!s:<10} {option.description}")
    print(f"\n{gpu.describe()}")  # also the sentence of `note`: it is only ever "no GPU"
    return 0


def cmd_privacy(args: argparse.Namespace) -> int:
    from docnook import footprint
    from docnook.errors import InputError

    found = footprint.footprint()
    if not args.delete_all:
        if args.json:
            _print_json(found.as_json())
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
        _print_json(report.as_json())
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

    p = sub.add_parser(
        "ask", parents=[common], help="ask a question; the answer cites its sources' pages"
    )
    p.add_argument("question", metavar="QUESTION")
    p.add_argument("--doc", action="append", metavar="ID|PATH", help="only from this document")
    p.add_argument("--chat", type=int, metavar="ID", help="continue chat ID (see `docnook chats`)")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chats", parents=[common], help="list the chats, or show one")
    p.add_argument("chat", nargs="?", type=int, metavar="ID", help="show this chat's messages")
    p.set_defaults(func=cmd_chats)

    p = sub.add_parser("summarize", parents=[common], help="summarise a whole document")
    p.add_argument("doc", metavar="ID|PATH")
    p.set_defaults(func=cmd_summarize)

    p = sub.add_parser(
        "sentiment", parents=[common], help="a document's sentiment, overall and per page"
    )
    p.add_argument("doc", metavar="ID|PATH")
    p.set_defaults(func=cmd_sentiment)

    p = sub.add_parser("models", parents=[common], help="list, add or choose language models")
    p.set_defaults(func=cmd_models, action=None)
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    a = actions.add_parser("add", parents=[common], help="add a GGUF model file")
    a.add_argument("path", metavar="PATH")
    a = actions.add_parser("use", parents=[common], help="answer with this model from now on")
    a.add_argument("name", metavar="NAME")

    p = sub.add_parser("settings", parents=[common], help="show or change the model settings")
    p.set_defaults(func=cmd_settings, action=None)
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    a = actions.add_parser("set", parents=[common], help="change one setting")
    a.add_argument("key", metavar="KEY")
    a.add_argument("value", metavar="VALUE")

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

    from docnook import cli_folders  # here, not at the top: it imports this module

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
