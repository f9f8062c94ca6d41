"""The network guard: DocNook never talks to the network, and this module makes that checkable.

`install_network_guard()` runs first thing at start-up, before any model library is imported.
It forces the Hugging Face stack offline and installs an audit hook that refuses every
Internet connection, datagram and DNS lookup the Python process attempts, recording each one so
tests (and the privacy view) can show the count is zero. Native code that opens sockets without
going through Python is not seen by the hook; the test suite covers that by running the CLI in a
network namespace with no network at all.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
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
}

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
    """Every network attempt the guard refused since start-up."""
    with _lock:
        return list(_attempts)
