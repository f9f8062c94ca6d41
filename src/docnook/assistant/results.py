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
class SummaryPoint:
    """A key point: its text, the pages it comes from, and the document's own sentence it
    stands for (the same as `text` unless the model shortened it), which the reader marks."""

    text: str
    pages: tuple[int, ...]
    source: str

    def label(self) -> str:
        return prompts.page_label(min(self.pages), max(self.pages))

    def as_json(self) -> dict[str, Any]:
        return {"text": self.text, "pages": list(self.pages)}

    def stored(self) -> dict[str, Any]:
        return {"text": self.text, "pages": list(self.pages), "source": self.source}

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> SummaryPoint:
        return cls(str(data["text"]), tuple(int(p) for p in data["pages"]), str(data["source"]))


@dataclass(frozen=True)
class Summary:
    summary: str  # the overview, then the points as a list: the text a person copies
    cached: bool
    points: tuple[SummaryPoint, ...] = ()
    overview: str = ""
    length: str = "brief"
    page_range: tuple[int, int] | None = None  # None: the whole document

    def as_json(self) -> dict[str, Any]:
        return {
            "summary": self.summary,
            "cached": self.cached,
            "overview": self.overview,
            "points": [p.as_json() for p in self.points],
            "length": self.length,
            "pages": list(self.page_range) if self.page_range else None,
        }

    def stored(self) -> dict[str, Any]:
        return {
            "summary": self.summary,
            "overview": self.overview,
            "points": [p.stored() for p in self.points],
            "length": self.length,
            "pages": list(self.page_range) if self.page_range else None,
        }

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> Summary:
        pages = data.get("pages")
        return cls(
            str(data["summary"]),
            True,
            tuple(SummaryPoint.from_stored(p) for p in data["points"]),
            str(data["overview"]),
            str(data["length"]),
            (int(pages[0]), int(pages[1])) if pages else None,
        )


def summary_text(overview: str, points: tuple[SummaryPoint, ...] | list[SummaryPoint]) -> str:
    """The summary as one text: the overview, then one line per key point."""
    lines = "\n".join(f"- {p.text}" for p in points)
    return "\n\n".join(part for part in (overview.strip(), lines) if part)


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
