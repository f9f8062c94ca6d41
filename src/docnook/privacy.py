"""The network guard: DocNook never talks to the network, and this module makes that checkable.

`install_network_guard()` runs first thing at start-up, before any model library is imported.
It forces the Hugging Face stack offline, switches ONNX Runtime's telemetry off, and installs
an audit hook that refuses every Internet connection, datagram and DNS lookup the Python
process attempts, recording each one so tests (and the privacy view) can show the count is
zero. Native code that opens sockets without
going through Python is not seen by the hook; the test suite covers that by running the CLI in a
network namespace with no network at all. The window's indexing process installs its own guard
and reports what it refused (`record_attempts`).

`private_umask()` / `private_files()` make every file the process writes readable only by the
user; `docnook.footprint` lists all of them.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1",
    "DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
    # ONNX Runtime 1.29+ sends usage telemetry from native code on Linux and macOS too (and
    # keeps a device id and an event queue in ~/.cache/Microsoft/DeveloperTools/.onnxruntime);
    # the audit hook cannot see native sockets, so it must be switched off before the runtime
    # starts: with this set it creates no uploader, no device id and no event queue.
    "ORT_DISABLE_TELEMETRY": "1",
}
# New files and folders readable only by the user (see `private_umask`).
PRIVATE_UMASK = 0o077

_INET_FAMILIES = {socket.AF_INET, socket.AF_INET6}
_GUARDED_EVENTS = {
    "socket.connect",
    "socket.sendto",
    "socket.sendmsg",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.gethostbyaddr",
}


class NetworkBlocked(PermissionError):
    """Raised inside the process for any attempt to reach the network."""


@dataclass(frozen=True)
class Attempt:
    event: str
    target: str


_lock = threading.Lock()
_attempts: list[Attempt] = []
_installed = False


def _is_inet_socket(sock: object) -> bool:
    return getattr(sock, "family", None) in _INET_FAMILIES


def _hook(event: str, args: tuple) -> None:
    if event not in _GUARDED_EVENTS:
        return
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        if not _is_inet_socket(args[0]):
            return  # Unix sockets are local IPC (display server, session bus), not network.
        target = repr(args[1]) if len(args) > 1 else "?"
    else:
        target = repr(args[0]) if args else "?"
    with _lock:
        _attempts.append(Attempt(event, target))
    raise NetworkBlocked(f"DocNook does not use the network (blocked {event} to {target}).")


def force_offline_environment() -> None:
    for key, value in OFFLINE_ENV.items():
        os.environ[key] = value


def install_network_guard() -> None:
    """Make the process offline for good. Idempotent; audit hooks cannot be removed."""
    global _installed
    force_offline_environment()
    with _lock:
        if _installed:
            return
        _installed = True
    sys.addaudithook(_hook)


def guard_installed() -> bool:
    return _installed


def blocked_attempts() -> list[Attempt]:
    """Every network attempt the guard refused since start-up (with those reported by the
    window's indexing process)."""
    with _lock:
        return list(_attempts)


def record_attempts(attempts: Iterable[Attempt]) -> None:
    """Count the attempts another DocNook process (the indexing process) refused and reported,
    so that this process's record covers everything DocNook ran."""
    with _lock:
        _attempts.extend(attempts)


def private_umask() -> int | None:
    """Make every file and folder this process creates from now on readable only by the user
    (SQLite's journals, logs, Qt's window state, model files: whoever writes them). Returns
    the previous mask (None where there is none to set)."""
    if os.name != "posix":
        return None
    return os.umask(PRIVATE_UMASK)


@contextlib.contextmanager
def private_files() -> Iterator[None]:
    """`private_umask` for the duration of a command, for entry points that may run inside
    another program (tests call `docnook.cli.main` in-process)."""
    previous = private_umask()
    try:
        yield
    finally:
        if previous is not None:
            os.umask(previous)
