"""`docnook folders` and `docnook sync`: the watched folders on the command line.

Kept apart from `cli.py` but thin in the same way: parse, call the folder
service, print.
"""

from __future__ import annotations

import argparse
from typing import Any

from docnook import cli_output as out


def _service(library: Any) -> Any:
    from docnook.folders import FolderService

    return FolderService(library)


def _run_sync(args: argparse.Namespace, paths: list[str] | None = None) -> int:
    bar = out.ProgressBar()
    with out.interruptible() as cancel, out.open_library(args) as library:
        service = _service(library)
        try:
            if paths:
                report = service.add_and_sync(paths, progress=bar, cancel=cancel)
            else:
                report = service.sync(progress=bar, cancel=cancel)
        finally:
            bar.close()
    if args.json:
        out.print_json(report.as_json())
    else:
        _print_sync(report)
    return 130 if report.cancelled else 0


def _print_sync(report: Any) -> None:
    for path in report.added:
        print(f"added    {path}")
    for path in report.changed:
        print(f"changed  {path}")
    for old, new in report.moved:
        print(f"moved    {old} -> {new}")
    for path in report.removed:
        print(f"removed  {path}")
    print(f"{report.summary()} ({out.duration(report.seconds)})")


def cmd_folders(args: argparse.Namespace) -> int:
    if args.action == "add":
        return _run_sync(args, args.paths)
    with out.open_library(args) as library:
        service = _service(library)
        if args.action == "remove":
            record, removed = service.remove(args.path, keep_documents=args.keep_documents)
            if args.json:
                out.print_json({"folder": record.as_json(), "documents_removed": removed})
            else:
                print(f"No longer watching {record.path}; {removed} documents left the library.")
            return 0
        folders = service.folders()
    if args.json:
        out.print_json([f.as_json() for f in folders])
        return 0
    if not folders:
        print("No watched folders. Follow one with: docnook folders add PATH")
        return 0
    print(f"{'STATE':<9}  {'DOCS':>5}  {'LAST SYNC':<20}  PATH")
    for f in folders:
        print(f"{f.state:<9}  {f.documents:>5}  {f.synced_at or 'never':<20}  {f.path}")
        if f.note:
            print(f"{'':<9}  {f.note}")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    return _run_sync(args)


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "folders",
        parents=[common],
        help="list, add or remove watched folders (followed for new, changed and deleted files)",
    )
    p.set_defaults(func=cmd_folders, action=None)
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    a = actions.add_parser(
        "add", parents=[common], help="watch folders: index them now and follow them from now on"
    )
    a.add_argument("paths", nargs="+", metavar="PATH")
    a = actions.add_parser(
        "remove", parents=[common], help="stop watching a folder; its documents leave the library"
    )
    a.add_argument("path", metavar="PATH")
    a.add_argument(
        "--keep-documents", action="store_true", help="keep the folder's documents indexed"
    )

    p = sub.add_parser(
        "sync",
        parents=[common],
        help="one pass over every watched folder: index new and changed files, follow moves, "
        "drop deleted ones",
    )
    p.set_defaults(func=cmd_sync)
