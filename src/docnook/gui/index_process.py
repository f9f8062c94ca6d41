"""Indexing in a separate process, so it never competes with the window for the GIL.

`Library.index` runs hot Python on two threads (reading and chunking, then embedding); in the
window's own process those threads and the language model's thread together could keep the
window's thread waiting for the GIL for 100 ms and more. In a child process the same work has
its own interpreter and its own GIL, and the window stays smooth (see
tests/gui/test_responsiveness.py). The child lives as long as the window and serves one
indexing job at a time, so its start-up (imports, embedding model) is paid once.

This module imports no Qt: the child process loads only the library service. The window's
`IndexWorker` (a QThread) calls `IndexProcess.run`, which blocks that worker, not the window.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import queue
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from docnook.errors import Cancelled, DocNookError
from docnook.jobs import CancelToken
from docnook.privacy import record_attempts

log = logging.getLogger("docnook.gui")

START_TIMEOUT_S = 120.0  # the first start imports the models' libraries
POLL_S = 0.1
PROGRESS_INTERVAL_S = 0.05


class IndexingFailed(DocNookError):
    """The indexing process ended without a report."""


class _EventToken(CancelToken):
    """A cancel token whose flag is a `multiprocessing.Event`, settable from the parent."""

    def __init__(self, event: Any) -> None:
        super().__init__()
        self._event = event


def _child_main(requests: Any, replies: Any, cancel: Any) -> None:
    """The child: index each request with its own Library, report progress and the result."""
    from docnook.privacy import blocked_attempts, install_network_guard, private_umask

    install_network_guard()  # before the library imports any model code
    private_umask()
    from docnook.library import Library

    token = _EventToken(cancel)
    replies.put(("ready",))
    reported = 0
    while True:
        request = requests.get()
        if request is None:
            return
        job, data_dir, targets, password, kind = request
        last = 0.0

        def progress(value: Any, job: int = job) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PROGRESS_INTERVAL_S or value.files_done == value.files_total:
                last = now
                replies.put(("progress", job, value))

        try:
            try:
                with Library(Path(data_dir)) as library:
                    report = _serve(library, kind, targets, password, progress, token)
            finally:
                # What the guard refused here counts in the window's record too.
                attempts = blocked_attempts()
                if len(attempts) > reported:
                    replies.put(("blocked", job, attempts[reported:]))
                    reported = len(attempts)
            replies.put(("report", job, report))
        except Cancelled:
            replies.put(("cancelled", job))
        except DocNookError as exc:
            replies.put(("error", job, str(exc)))
        except Exception as exc:
            import traceback

            replies.put(("crash", job, f"{type(exc).__name__}: {exc}", traceback.format_exc()))


def _serve(
    library: Any,
    kind: str,
    targets: Sequence[str],
    password: str | None,
    progress: Callable[[Any], None],
    token: CancelToken,
) -> Any:
    """One job: index files ("index"), follow new folders ("watch") or pass over every
    watched folder ("sync"); the last two return a `SyncReport`."""
    if kind == "index":
        return library.index(targets, progress=progress, cancel=token, password=password)
    if kind == "ocr":  # the list's "Read again with OCR": every page, unchanged files too
        return library.index(
            targets, progress=progress, cancel=token, password=password, ocr="always"
        )
    from docnook.folders import FolderService

    service = FolderService(library)
    if kind == "watch":
        return service.add_and_sync(targets, progress=progress, cancel=token)
    # The window's passes follow notifications and its start: files that may still be
    # being written wait for the next pass, which the window asks for.
    return service.sync(progress=progress, cancel=token, settle=True)


class IndexProcess:
    """The child process that indexes; started on first use, restarted if it dies."""

    def __init__(self) -> None:
        self._context = multiprocessing.get_context("spawn")  # never fork a Qt process
        self._lock = threading.Lock()  # one job at a time
        self._process: Any = None
        self._requests: Any = None
        self._replies: Any = None
        self._cancel: Any = None
        self._jobs = 0

    def _ensure_started(self, cancel: CancelToken) -> None:
        if self._process is not None and self._process.is_alive():
            return
        self._discard()
        ctx = self._context
        self._requests, self._replies, self._cancel = ctx.Queue(), ctx.Queue(), ctx.Event()
        self._process = ctx.Process(
            target=_child_main,
            args=(self._requests, self._replies, self._cancel),
            name="docnook-indexer",
            daemon=True,
        )
        self._process.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            cancel.raise_if_cancelled()
            try:
                reply = self._replies.get(timeout=POLL_S)
            except queue.Empty:
                if not self._process.is_alive() or time.monotonic() > deadline:
                    code = self._process.exitcode
                    self._discard()
                    raise IndexingFailed(
                        f"DocNook's indexing process could not start (exit code {code})."
                    ) from None
                continue
            if reply[0] == "ready":
                return

    def run(
        self,
        data_dir: Path,
        targets: Sequence[str],
        password: str | None,
        progress: Callable[[Any], None],
        cancel: CancelToken,
        kind: str = "index",
    ) -> Any:
        """Index `targets` in the child (or sync the watched folders, see `_serve`); returns
        its report. Blocks the calling thread."""
        with self._lock:
            self._ensure_started(cancel)
            self._jobs += 1
            job = self._jobs
            self._cancel.clear()
            self._requests.put((job, str(data_dir), list(targets), password, kind))
            while True:
                if cancel.cancelled:
                    self._cancel.set()  # the child stops at its next check
                try:
                    reply = self._replies.get(timeout=POLL_S)
                except queue.Empty:
                    if not self._process.is_alive():
                        code = self._process.exitcode
                        self._discard()
                        raise IndexingFailed(
                            f"Indexing stopped unexpectedly (the indexing process ended with "
                            f"code {code}). The documents finished before are kept."
                        ) from None
                    continue
                kind, reply_job = reply[0], reply[1]
                if reply_job != job:
                    continue  # a late message from a job given up on
                if kind == "progress":
                    progress(reply[2])
                elif kind == "blocked":
                    record_attempts(reply[2])
                elif kind == "report":
                    return reply[2]
                elif kind == "cancelled":
                    raise Cancelled()
                elif kind == "error":
                    raise DocNookError(reply[2])
                elif kind == "crash":
                    log.error("indexing process failed: %s", reply[3])
                    raise RuntimeError(reply[2])

    def close(self, timeout: float = 5.0) -> None:
        """Ask the child to finish, then make sure it is gone."""
        with self._lock:
            if self._process is not None and self._process.is_alive():
                with contextlib.suppress(Exception):
                    self._cancel.set()
                    self._requests.put(None)
                self._process.join(timeout)
            self._discard()

    def _discard(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.is_alive():
            process.terminate()
            process.join(2)
        for channel in (self._requests, self._replies):
            if channel is not None:
                with contextlib.suppress(Exception):
                    channel.cancel_join_thread()  # never wait on a pipe to a dead process
                    channel.close()
        self._requests = self._replies = self._cancel = None
