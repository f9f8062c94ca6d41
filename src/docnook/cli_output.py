"""What every `docnook` command shares: progress lines on stderr, JSON on stdout, Ctrl-C as a
cancel token, and opening the services. Kept apart so the command modules stay thin."""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO


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
        eta_text = f"ETA {duration(eta)}" if eta is not None and not finished else ""
        name = Path(p.current).name if p.current else ""
        if getattr(p, "note", None):
            name = f"{name[:30]}: {p.note}"
        line = (
            f"[{'#' * filled}{'.' * (self.width - filled)}] {int(p.pages_done)}/{p.pages_total} "
            f"pages  {p.files_done}/{p.files_total} files  {eta_text}  {name[:72]}"
        )
        if self.tty:
            self.stream.write("\r" + line.ljust(120)[:120])
        else:
            self.stream.write(line.rstrip() + "\n")
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown and self.tty:
            self.stream.write("\n")
            self.stream.flush()


def duration(seconds: float) -> str:
    from docnook.text import format_duration

    return format_duration(seconds)


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def open_library(args: argparse.Namespace) -> Any:
    from docnook.library import Library

    return Library()


@contextlib.contextmanager
def interruptible() -> Iterator[Any]:
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


def open_assistant(args: argparse.Namespace) -> Any:
    from docnook.assistant import Assistant

    return Assistant()


def document_ids(args: argparse.Namespace, refs: Sequence[str]) -> list[int]:
    with open_library(args) as library:
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


def stream_to_stdout(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def cancelled() -> int:
    print("\ndocnook: cancelled", file=sys.stderr)
    return 130
