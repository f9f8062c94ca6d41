"""The library's sentiment: every document with its label, scores, and its most negative and
most positive page, as the CLI prints it (`docnook sentiment --all`) and the window lists it."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from docnook.assistant.results import Sentiment, rounded
from docnook.llm.prompts import LABELS

if TYPE_CHECKING:
    from docnook.index.store import DocumentRecord

CSV_HEADER = (
    "id",
    "title",
    "path",
    "label",
    *LABELS,
    "most_negative_page",
    "most_positive_page",
)


@dataclass(frozen=True)
class DocumentTone:
    document_id: int
    title: str
    path: str
    status: str  # the document's indexing status
    sentiment: Sentiment | None  # None: not read yet by the current model

    @classmethod
    def of(cls, record: DocumentRecord, sentiment: Sentiment | None) -> DocumentTone:
        return cls(record.id, record.title, record.path, record.status, sentiment)

    @property
    def analysed(self) -> bool:
        return self.sentiment is not None

    @property
    def can_analyse(self) -> bool:
        return self.sentiment is None and self.status == "indexed"

    @property
    def label(self) -> str | None:
        return self.sentiment.label if self.sentiment else None

    @property
    def scores(self) -> dict[str, float] | None:
        return self.sentiment.scores if self.sentiment else None

    def _page(self, label: str) -> int | None:
        page = self.sentiment.extreme_page(label) if self.sentiment else None
        return page.page if page else None

    @property
    def most_negative_page(self) -> int | None:
        return self._page("negative")

    @property
    def most_positive_page(self) -> int | None:
        return self._page("positive")

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.document_id,
            "title": self.title,
            "path": self.path,
            "analysed": self.analysed,
            "label": self.label,
            "scores": rounded(self.scores) if self.scores else None,
            "most_negative_page": self.most_negative_page,
            "most_positive_page": self.most_positive_page,
        }

    def csv_row(self) -> list[str]:
        scores = self.scores
        return [
            str(self.document_id),
            self.title,
            self.path,
            self.label or "not analysed",
            *(f"{scores[k]:.4f}" if scores else "" for k in LABELS),
            str(self.most_negative_page or ""),
            str(self.most_positive_page or ""),
        ]


@dataclass(frozen=True)
class LibraryTone:
    rows: list[DocumentTone]
    failures: dict[int, str] = field(default_factory=dict)  # document id -> why it was skipped

    @property
    def not_analysed(self) -> list[DocumentTone]:
        return [row for row in self.rows if row.can_analyse]

    def as_json(self) -> dict[str, Any]:
        return {
            "documents": [row.as_json() for row in self.rows],
            "not_analysed": len(self.not_analysed),
            "failures": [{"id": k, "error": v} for k, v in sorted(self.failures.items())],
        }

    def csv_text(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(CSV_HEADER)
        writer.writerows(row.csv_row() for row in self.rows)
        return buffer.getvalue()
