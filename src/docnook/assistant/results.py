"""What the assistant hands back: typed results that the CLI prints and the window shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from docnook.llm import prompts


@dataclass(frozen=True)
class TaskProgress:
    done: int
    total: int
    message: str


@dataclass(frozen=True)
class Summary:
    summary: str
    cached: bool

    def as_json(self) -> dict[str, Any]:
        return {"summary": self.summary, "cached": self.cached}


@dataclass(frozen=True)
class PageSentiment:
    page: int
    label: str
    scores: dict[str, float]

    def as_json(self) -> dict[str, Any]:
        return {"page": self.page, "label": self.label, "scores": rounded(self.scores)}


@dataclass(frozen=True)
class Sentiment:
    label: str
    scores: dict[str, float]  # positive, neutral, negative; they sum to 1
    pages: list[PageSentiment] = field(default_factory=list)
    cached: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "scores": rounded(self.scores),
            "pages": [p.as_json() for p in self.pages],
        }

    def stored(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "scores": self.scores,
            "pages": [{"page": p.page, "label": p.label, "scores": p.scores} for p in self.pages],
        }

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> Sentiment:
        pages = [PageSentiment(p["page"], p["label"], dict(p["scores"])) for p in data["pages"]]
        return cls(data["label"], dict(data["scores"]), pages, cached=True)


def rounded(scores: dict[str, float]) -> dict[str, float]:
    return {label: round(float(scores[label]), 4) for label in prompts.LABELS}


def top_label(scores: dict[str, float]) -> str:
    return max(prompts.LABELS, key=lambda label: scores[label])
