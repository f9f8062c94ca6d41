"""The network guard's bookkeeping: what it sets, and how the window's indexing process reports
the attempts its own guard refused, so the window's count covers both processes."""

from __future__ import annotations

import contextlib
import os
import queue
import socket
import threading
from pathlib import Path
from typing import Any

import pytest

import docnook.library
from docnook import privacy
from docnook.gui import index_process
from docnook.jobs import CancelToken


def test_the_guard_switches_every_library_offline() -> None:
    assert privacy.guard_installed()
    for key in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "ORT_DISABLE_TELEMETRY"):
        assert os.environ[key] == "1", key


class _ChattyLibrary:
    """A library that tries to reach the network while indexing and carries on when refused."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    def __enter__(self) -> _ChattyLibrary:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def index(self, targets: Any, progress: Any, cancel: Any, password: Any) -> str:
        with contextlib.suppress(privacy.NetworkBlocked):
            socket.create_connection(("198.51.100.7", 443), timeout=1)
        return "the report"


def test_the_indexing_process_reports_what_its_guard_refused(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(docnook.library, "Library", _ChattyLibrary)
    requests: queue.Queue[Any] = queue.Queue()
    replies: queue.Queue[Any] = queue.Queue()
    requests.put((7, str(tmp_path), [], None, "index"))
    requests.put(None)
    previous = os.umask(0o022)  # the child sets its own mask; this process keeps the test's
    try:
        index_process._child_main(requests, replies, threading.Event())
    finally:
        os.umask(previous)
    got = [replies.get_nowait() for _ in range(replies.qsize())]
    assert got[0] == ("ready",)
    kind, job, attempts = got[1]
    assert (kind, job) == ("blocked", 7)
    assert attempts[-1].event == "socket.getaddrinfo" and "198.51.100.7" in attempts[-1].target
    assert got[2] == ("report", 7, "the report")


class _Alive:
    def is_alive(self) -> bool:
        return True


def test_the_window_counts_what_the_indexing_process_reported(tmp_path) -> None:
    process = index_process.IndexProcess()
    process._ensure_started = lambda cancel: None  # type: ignore[method-assign]
    process._process = _Alive()
    process._requests, process._replies = queue.Queue(), queue.Queue()
    process._cancel = threading.Event()
    elsewhere = privacy.Attempt("socket.connect", "('198.51.100.7', 443)")
    process._replies.put(("blocked", 1, [elsewhere]))
    process._replies.put(("report", 1, "the report"))
    before = len(privacy.blocked_attempts())
    assert process.run(tmp_path, [], None, lambda p: None, CancelToken()) == "the report"
    assert privacy.blocked_attempts()[before:] == [elsewhere]


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_private_files_sets_and_restores_the_mask(tmp_path) -> None:
    previous = os.umask(0o022)
    try:
        with privacy.private_files():
            (tmp_path / "inside").write_text("x")
            (tmp_path / "folder").mkdir()
        (tmp_path / "after").write_text("x")
    finally:
        os.umask(previous)
    assert (tmp_path / "inside").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "folder").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "after").stat().st_mode & 0o777 == 0o644
