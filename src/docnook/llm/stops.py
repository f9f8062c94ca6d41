"""Stop sequences on a token stream: text is passed on as soon as it cannot be the start of a
stop sequence, and held back only while it still might be."""

from __future__ import annotations

from collections.abc import Sequence


class StopScanner:
    def __init__(self, stops: Sequence[str]) -> None:
        self.stops = tuple(s for s in stops if s)
        self._held = ""
        self.stopped = False

    def feed(self, text: str) -> str:
        """The part of the text seen so far that is safe to show; sets `stopped` when a stop
        sequence completes (the stop sequence and anything after it are dropped)."""
        if self.stopped:
            return ""
        buffer = self._held + text
        cut = self._first_match(buffer)
        # A longer stop that began earlier may still complete (stops ":" and "Q::" on "Q:"),
        # and the earliest start wins, so a match is final only once no such stop is pending.
        pending = len(buffer) - self._partial_suffix(buffer)
        if cut >= 0 and cut <= pending:
            self.stopped = True
            self._held = ""
            return buffer[:cut]
        self._held = buffer[pending:]
        return buffer[:pending]

    def flush(self) -> str:
        """What was held back, once the stream has ended (up to a stop found in it)."""
        held, self._held = self._held, ""
        if self.stopped:
            return ""
        cut = self._first_match(held)
        if cut >= 0:
            self.stopped = True
            return held[:cut]
        return held

    def _first_match(self, buffer: str) -> int:
        return min((i for i in (buffer.find(s) for s in self.stops) if i >= 0), default=-1)

    def _partial_suffix(self, buffer: str) -> int:
        """Length of the longest end of `buffer` that begins some stop sequence."""
        best = 0
        for stop in self.stops:
            for n in range(min(len(stop) - 1, len(buffer)), best, -1):
                if buffer.endswith(stop[:n]):
                    best = n
                    break
        return best
