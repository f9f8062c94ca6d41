"""The engine's state as the status bar shows it, derived in one place.

The state (starting, loading, ready, generating, busy, error) has one writer: `EngineStatus`.
The controllers report facts as their workers start and end (the service is up, a model load
began or ended, a job runs, tokens flow at this rate) and the state is worked out from all of
them together, so two writers can never race, and nothing polls.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

GENERATING = "generating"  # jobs that stream tokens: answers and summaries
BUSY = "busy"  # jobs that use the model without streaming: sentiment


class EngineStatus(QObject):
    changed = Signal(str, object)  # state, tokens per second (while generating) or None

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._service = "starting"  # starting | up | failed
        self._loads = 0  # model loads in flight
        self._model = "ready"  # the engine's own word after the last load: ready | error
        self._jobs: dict[str, str] = {}  # job name -> GENERATING or BUSY
        self._rate: float | None = None
        self.state = "starting"
        self.rate: float | None = None

    # -- facts, reported by the controllers -------------------------------------------------

    def service_up(self) -> None:
        self._service = "up"
        self._update()

    def service_failed(self) -> None:
        self._service = "failed"
        self._update()

    def load_started(self) -> None:
        self._loads += 1
        self._update()

    def load_ended(self, engine_state: str) -> None:
        """A load finished; `engine_state` is what the engine says now (a failed load that
        kept the previous model still says ready)."""
        self._loads = max(0, self._loads - 1)
        self._model = "error" if engine_state == "error" else "ready"
        self._update()

    def job_started(self, name: str, kind: str = GENERATING) -> None:
        self._jobs[name] = kind
        self._update()

    def job_ended(self, name: str) -> None:
        self._jobs.pop(name, None)
        if not any(kind == GENERATING for kind in self._jobs.values()):
            self._rate = None
        self._update()

    def set_rate(self, tokens_per_second: float) -> None:
        self._rate = tokens_per_second
        self._update()

    # -- the one writer -----------------------------------------------------------------------

    def derive(self) -> tuple[str, float | None]:
        if self._service != "up":
            return ("error" if self._service == "failed" else "starting"), None
        if self._loads:
            return "loading", None
        if GENERATING in self._jobs.values():
            return GENERATING, self._rate
        if self._jobs:
            return BUSY, None
        return self._model, None

    def _update(self) -> None:
        state, rate = self.derive()
        if (state, rate) != (self.state, self.rate):
            self.state, self.rate = state, rate
            self.changed.emit(state, rate)
