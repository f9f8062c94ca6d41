"""What every long job takes: a cancel token, and a progress callback."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from docnook.errors import Cancelled

ProgressCallback = Callable[[Any], None]


class CancelToken:
    """Set from any thread; checked by the job between units of work."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()


def no_progress(_: Any) -> None:
    """The progress callback of a caller that shows none."""
