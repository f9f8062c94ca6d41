"""The assistant on the command line: `ask`, `chats`, `summarize`, `sentiment`, `models` and
`settings`. Thin like the rest of the CLI: parse, call the assistant service, print."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from docnook import cli_output as out


def cmd_ask(args: argparse.Namespace) -> int:
    from docnook.errors import Cancelled

    doc_ids = out.document_ids(args, args.doc) if args.doc else None
    shown = {"phrasing": False}

    def on_quote(citation: Any) -> None:
        # The sentence the answer rests on comes first, before the model has said a word.
        print(f"“{' '.join(citation.quote.split())}”\n    {citation.label()}\n", flush=True)

    def on_token(text: str) -> None:
        if not shown["phrasing"]:
            text = text.lstrip()  # the model's first token carries the space after "Answer:"
        shown["phrasing"] = True
        out.stream_to_stdout(text)

    with out.interruptible() as cancel, out.open_assistant(args) as assistant:
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
            return out.cancelled()
    if args.json:
        out.print_json(answer.as_json())
        return 0
    if not answer.found:
        print(answer.answer)
        for citation in answer.citations:
            quote = " ".join(citation.quote.split())
            print(f"\n{citation.label()}  ({citation.path})\n    “{quote}”")
    elif shown["phrasing"]:
        print(" [1]")
    else:
        # Its words named something the page does not hold, or only said the question back.
        print("(No short answer of the model's passed the checks: the quote is the answer.)")
    if answer.found:
        print("\nSources:")
        for citation in answer.citations:
            print(f"{citation.label()}  ({citation.path})")
    if answer.chat_id is not None:
        print(f"\n(chat {answer.chat_id}: continue with `docnook ask --chat {answer.chat_id} ...`)")
    return 0


def cmd_chats(args: argparse.Namespace) -> int:
    with out.open_assistant(args) as assistant:
        if args.chat is not None:
            messages = assistant.chat_messages(args.chat)
            if args.json:
                out.print_json([m.as_json() for m in messages])
                return 0
            for message in messages:
                who = "You" if message.role == "user" else "DocNook"
                note = " (stopped)" if message.stopped else ""
                print(f"{who}{note}: {message.text}\n")
            return 0
        chats = assistant.chat_list()
    if args.json:
        out.print_json(
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
    from docnook.assistant.summaries import parse_page_range
    from docnook.errors import Cancelled

    (doc_id,) = out.document_ids(args, [args.doc])
    page_range = parse_page_range(args.pages) if args.pages else None
    line = out.TaskLine()
    shown = {"points": 0, "overview": False}

    def on_point(point: Any) -> None:
        # The key points come first, each as soon as it is final; the overview after.
        line.close()
        if not shown["points"]:
            print("Key points:")
        shown["points"] += 1
        print(f"- {point.text}  ({point.label()})", flush=True)

    def on_token(text: str) -> None:
        line.close()
        if not shown["overview"]:
            print("\nOverview:")
            shown["overview"] = True
        out.stream_to_stdout(text)

    with out.interruptible() as cancel, out.open_assistant(args) as assistant:
        if args.section:
            page_range = assistant.section_pages(doc_id, args.section)
        try:
            summary = assistant.summarize(
                doc_id,
                on_token=None if args.json else on_token,
                progress=line,
                cancel=cancel,
                length=args.length,
                page_range=page_range,
                on_point=None if args.json else on_point,
            )
        except Cancelled:
            return out.cancelled()
        finally:
            line.close()
    if args.json:
        out.print_json(summary.as_json())
    elif shown["overview"]:
        print()
    else:
        print("\n(No overview: the model's did not hold up against the pages.)")
    return 0


def cmd_sentiment(args: argparse.Namespace) -> int:
    from docnook.errors import Cancelled, InputError

    if args.all:
        from docnook.cli_sentiment import library_sentiment

        return library_sentiment(args)
    if args.doc is None:
        raise InputError("Name a document (ID or path), or use --all for the whole library.")
    (doc_id,) = out.document_ids(args, [args.doc])
    if args.why is not None:
        from docnook.cli_sentiment import explain_page

        return explain_page(args, doc_id, args.why)
    line = out.TaskLine()
    with out.interruptible() as cancel, out.open_assistant(args) as assistant:
        try:
            result = assistant.sentiment(doc_id, progress=line, cancel=cancel)
        except Cancelled:
            return out.cancelled()
        finally:
            line.close()
    if args.json:
        out.print_json(result.as_json())
        return 0

    def scores(values: dict[str, float]) -> str:
        return "  ".join(f"{label} {values[label]:.2f}" for label in values)

    print(f"{result.label}  ({scores(result.scores)})")
    for page in result.pages:
        print(f"  p. {page.page:<5} {page.label:<9} {scores(page.scores)}")
        if page.reasons:  # the sentence that weighed most for the page's label
            print(f"           “{page.reasons[0].text}”")
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from docnook.llm.models import format_parameters

    with out.open_assistant(args) as assistant:
        if args.action == "add":
            added = assistant.add_model(Path(args.path))
            if args.json:
                out.print_json(added.as_json())
            else:
                print(f"Added {added.name}: {added.title} ({added.path}).")
                print(f"Use it with: docnook models use {added.name}")
            return 0
        if args.action == "use":
            assistant.use_model(args.name)
            if args.json:
                out.print_json({"model": assistant.settings.model})
            else:
                print(f"Now using {assistant.settings.model}.")
            return 0
        infos = assistant.models()
    if args.json:
        out.print_json([info.as_json() for info in infos])
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
        with out.open_assistant(args) as assistant:
            assistant.apply_settings(assistant.settings.replace(**{args.key: value}))
            settings = assistant.settings
    else:
        settings = config.load_settings()
    gpu = gpu_info()
    note = offload_note(settings.n_gpu_layers, gpu)
    if args.json:
        out.print_json({"settings": settings.as_json(), "gpu": gpu.as_json(), "note": note})
        return 0
    for option in config.OPTIONS:
        value = getattr(settings, option.name)
        shown = str(value).lower() if isinstance(value, bool) else value
        print(f"{option.name:<13} {shown!s:<10} {option.description}")
    print(f"\n{gpu.describe()}")  # also the sentence of `note`: it is only ever "no GPU"
    return 0


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """The assistant's subcommands, on the `docnook` parser."""
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

    p = sub.add_parser(
        "summarize", parents=[common], help="key points of a document, with their pages"
    )
    p.add_argument("doc", metavar="ID|PATH")
    p.add_argument(
        "--length",
        choices=("brief", "detailed"),
        default="brief",
        help="brief: about five points; detailed: points from every section",
    )
    scope = p.add_mutually_exclusive_group()
    scope.add_argument("--pages", metavar="FIRST-LAST", help="only these pages, e.g. 3-7")
    scope.add_argument(
        "--section", metavar="NAME", help="only this numbered section, e.g. 3 or Finances"
    )
    p.set_defaults(func=cmd_summarize)

    p = sub.add_parser(
        "sentiment", parents=[common], help="a document's sentiment, overall and per page"
    )
    p.add_argument("doc", nargs="?", metavar="ID|PATH")
    p.add_argument("--all", action="store_true", help="every document in the library")
    p.add_argument("--analyse", action="store_true", help="with --all: read those not read yet")
    p.add_argument("--csv", action="store_true", help="with --all: print CSV")
    p.add_argument("--why", type=int, metavar="PAGE", help="the sentences that weighed most")
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
