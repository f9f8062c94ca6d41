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
class SentenceWeight:
    """A sentence of a page and how much it weighed for the page's label."""

    text: str
    start: int  # character span in the page's text
    end: int
    scores: dict[str, float]  # the sentence's own calibrated distribution
    weight: float  # its share of the page times its probability of the page's label

    def as_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "scores": rounded(self.scores),
            "weight": round(self.weight, 4),
        }

    def stored(self) -> dict[str, Any]:
        return {**self.as_json(), "scores": dict(self.scores), "weight": self.weight}

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> SentenceWeight:
        return cls(
            str(data["text"]),
            int(data["start"]),
            int(data["end"]),
            {k: float(v) for k, v in data["scores"].items()},
            float(data["weight"]),
        )


@dataclass(frozen=True)
class PageSentiment:
    page: int
    label: str
    scores: dict[str, float]
    reasons: tuple[SentenceWeight, ...] = ()  # the sentences that weighed most, largest first

    def as_json(self) -> dict[str, Any]:
        return {
            "page": self.page,
            "label": self.label,
            "scores": rounded(self.scores),
            "reasons": [r.as_json() for r in self.reasons],
        }

    def stored(self) -> dict[str, Any]:
        return {
            "page": self.page,
            "label": self.label,
            "scores": self.scores,
            "reasons": [r.stored() for r in self.reasons],
        }

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> PageSentiment:
        reasons = tuple(SentenceWeight.from_stored(r) for r in data.get("reasons", ()))
        return cls(int(data["page"]), str(data["label"]), dict(data["scores"]), reasons)


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
            "pages": [p.stored() for p in self.pages],
        }

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> Sentiment:
        pages = [PageSentiment.from_stored(p) for p in data["pages"]]
        return cls(data["label"], dict(data["scores"]), pages, cached=True)

    def extreme_page(self, label: str) -> PageSentiment | None:
        """The page with the highest probability of `label` (the first of equals)."""
        return max(self.pages, key=lambda p: p.scores[label], default=None)


def rounded(scores: dict[str, float]) -> dict[str, float]:
    return {label: round(float(scores[label]), 4) for label in prompts.LABELS}


def top_label(scores: dict[str, float]) -> str:
    return max(prompts.LABELS, key=lambda label: scores[label])
