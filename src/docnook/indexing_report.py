"""What indexing reports: progress while it runs, one outcome per file, and the batch's report
(the CLI prints it, `--json` returns it, the window shows it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docnook.ingest import pdf


@dataclass(frozen=True)
class IndexProgress:
    files_done: int
    files_total: int
    pages_done: float
    pages_total: int
    current: str | None
    elapsed: float
    note: str | None = None  # what is happening to `current` ("Reading page 3 of 9 (scanned)")

    @property
    def eta_seconds(self) -> float | None:
        if self.pages_done <= 0 or self.pages_total <= 0:
            return None
        rate = self.pages_done / max(self.elapsed, 1e-6)
        return max(0.0, (self.pages_total - self.pages_done) / rate)


@dataclass(frozen=True)
class FileOutcome:
    path: str
    action: str  # indexed | updated | unchanged | moved | failed | needs-password | no-text
    document_id: int | None = None
    reason: str | None = None
    pages: int = 0
    chunks: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "action": self.action,
            "document_id": self.document_id,
            "reason": self.reason,
            "pages": self.pages,
            "chunks": self.chunks,
        }


@dataclass
class IndexReport:
    outcomes: list[FileOutcome] = field(default_factory=list)
    cancelled: bool = False
    seconds: float = 0.0

    def count(self, *actions: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.action in actions)

    @property
    def indexed(self) -> int:
        return self.count("indexed", "updated")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged", "moved")

    @property
    def failed(self) -> int:
        return self.count(*_PROBLEM_ACTIONS)

    @property
    def pages_indexed(self) -> int:
        return sum(o.pages for o in self.outcomes if o.action in ("indexed", "updated"))

    def summary(self) -> str:
        parts = [f"{self.indexed} indexed", f"{self.unchanged} unchanged", f"{self.failed} failed"]
        text = ", ".join(parts)
        reasons = [
            f"{Path(o.path).name}: {o.reason}"
            for o in self.outcomes
            if o.reason and o.action in (*_PROBLEM_ACTIONS, "indexed", "updated")
        ]
        if reasons:
            text += " (" + "; ".join(reasons) + ")"
        if self.cancelled:
            text += "; cancelled before the rest"
        return text + "."

    def as_json(self) -> dict[str, Any]:
        return {
            "indexed": self.indexed,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "cancelled": self.cancelled,
            "seconds": round(self.seconds, 3),
            "files": [o.as_json() for o in self.outcomes],
        }


_PROBLEM_ACTIONS = (pdf.STATUS_FAILED, pdf.STATUS_NEEDS_PASSWORD, pdf.STATUS_NO_TEXT)
