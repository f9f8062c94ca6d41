"""A page's sentiment, read sentence by sentence and calibrated.

Each sentence is scored alone with the sentiment prompt (the model's own probabilities for the
three label words), calibrated (`llm.calibration`), and the page's distribution is the mean of
its sentences' weighted by their length in tokens. Why sentences and not the page at once:

- The explanation is exact and free. The page's probability of its label is the sum of each
  sentence's share of the page times that sentence's probability of the label, so "the
  sentences that weighed most" are read off that sum, with no second pass. Leave-one-out would
  be as faithful but costs one more read of the whole page per sentence, and no KV-cache reuse
  past the sentence left out: twenty times the work for a twenty-sentence page.
- Calibration is measured on content-free inputs of a few tokens; a sentence is closer to that
  than a page of 500 tokens, so the bias divided out is the bias the model actually has.
- The cost is about one read of the page: every prompt shares the instructions and examples,
  which stay in llama.cpp's KV cache, so only each sentence's own tokens are evaluated.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from docnook.assistant.results import PageSentiment, SentenceWeight, top_label
from docnook.jobs import CancelToken
from docnook.llm import calibration, prompts
from docnook.text import WORD, sentence_spans

MIN_WORDS = 4  # a shorter fragment (a heading, "Page 3") is read with the sentence after it
REASONS_KEPT = 5  # sentences kept per page to explain its label

Job = Callable[[Any, Callable[[str], None], CancelToken], Any]


@dataclass(frozen=True)
class SentenceScore:
    start: int  # character span in the page's text
    end: int
    tokens: int
    scores: dict[str, float]  # calibrated


def sentence_pieces(text: str, window: int, count: Callable[[str], int]) -> list[tuple[int, int]]:
    """Character spans of the pieces of `text` scored one at a time: its sentences, a fragment
    of fewer than MIN_WORDS words joined to the next one, a sentence longer than `window`
    tokens cut between words."""
    joined: list[tuple[int, int]] = []
    pending: int | None = None
    for start, end in sentence_spans(text):
        begin = start if pending is None else pending
        if len(WORD.findall(text[begin:end])) < MIN_WORDS:
            pending = begin
            continue
        joined.append((begin, end))
        pending = None
    if pending is not None:
        if joined:
            joined[-1] = (joined[-1][0], len(text.rstrip()))
        elif text[pending:].strip():
            joined.append((pending, len(text.rstrip())))
    pieces: list[tuple[int, int]] = []
    for start, end in joined:
        chunk = text[start:end]
        if count(chunk) <= window:
            pieces.append((start, end))
            continue
        cursor = 0
        for part in prompts.split_to_budget(chunk, window, count):
            at = chunk.find(part, cursor)
            at = cursor if at < 0 else at
            pieces.append((start + at, start + at + len(part)))
            cursor = at + len(part)
    return pieces


def _probabilities(model: Any, text: str, cancel: CancelToken) -> dict[str, float]:
    style = model.style
    prompt = prompts.sentiment_prompt(style, text)
    return prompts.normalise(model.label_logprobs(prompt, prompts.label_variants(style), cancel))


def prior_job(model: Any, emit: Callable[[str], None], cancel: CancelToken) -> dict[str, float]:
    """An engine job: the model's answer for content-free inputs, its bias to divide out."""
    free = [_probabilities(model, text, cancel) for text in calibration.CONTENT_FREE]
    return calibration.mean_distribution(free)


def page_scorer(text: str, prior: dict[str, float]) -> Job:
    """An engine job: the calibrated scores of each piece of one page."""

    def job(model: Any, emit: Callable[[str], None], cancel: CancelToken) -> list[SentenceScore]:
        window = prompts.sentiment_window(model.style)
        scored = []
        for start, end in sentence_pieces(text, window, model.count):
            cancel.raise_if_cancelled()
            piece = text[start:end]
            raw = _probabilities(model, piece, cancel)
            tokens = max(1, model.count(piece))
            scored.append(SentenceScore(start, end, tokens, calibration.calibrate(raw, prior)))
        return scored

    return job


def read_page(page: int, text: str, scored: Sequence[SentenceScore]) -> tuple[PageSentiment, int]:
    """The page's sentiment from its sentences' scores, and its length in tokens (its weight
    in the document's sentiment)."""
    if not scored:
        uniform = dict.fromkeys(prompts.LABELS, 1.0 / len(prompts.LABELS))
        return PageSentiment(page, "neutral", uniform), 0
    sizes = [s.tokens for s in scored]
    scores = calibration.weighted_mean([s.scores for s in scored], sizes)
    label = top_label(scores)
    return PageSentiment(page, label, scores, reasons(text, scored, label)), sum(sizes)


def reasons(
    text: str, scored: Sequence[SentenceScore], label: str, keep: int = REASONS_KEPT
) -> tuple[SentenceWeight, ...]:
    """The sentences that weighed most for `label`: each one's share of the page times its
    probability of the label, its exact term in the page's score; largest first."""
    total = sum(s.tokens for s in scored) or 1
    weighted = [
        SentenceWeight(
            " ".join(text[s.start : s.end].split()),
            s.start,
            s.end,
            dict(s.scores),
            s.tokens / total * s.scores[label],
        )
        for s in scored
    ]
    weighted.sort(key=lambda w: -w.weight)
    return tuple(weighted[:keep])
