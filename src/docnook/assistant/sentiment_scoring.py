"""How a page's sentiment is read and explained.

The label: the page is read whole (in pieces of at most the prompt's window, averaged by
length), the model's probabilities for the three label words are calibrated
(`llm.calibration`), and a sentiment lexicon rules out the polar label the text has no words
for (`sentiment_lexicon`: calibration alone left most factual pages polar). Reading it
sentence by sentence instead was tried and measured: lower macro-F1 (0.764 against 0.778 on
the benchmark) at twice the CPU time (benchmarks/README.md).

The explanation, asked for one page at a time: each sentence of the page is scored alone with
the same prompt, calibration and lexicon, and weighs its share of the page (in tokens) times
its own probability of the page's label; the largest weights are "the sentences that weighed
most". Cheap, because every prompt shares the instructions and examples kept in llama.cpp's KV
cache, so a page's sentences cost about one more read of the page; leave-one-out would cost
one whole read of the page per sentence (twenty for a twenty-sentence page) for a difference
of scores that a 270M model makes noisy. Faithful in the sense that matters to a reader: the
numbers shown are what the model says of each sentence with the very scorer that labelled
the page; their weighted sum approximates the page's score, it is not an exact decomposition.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from docnook.assistant import sentiment_lexicon
from docnook.assistant.results import SentenceWeight
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


def scores_of(text: str, raw: dict[str, float], prior: dict[str, float]) -> dict[str, float]:
    """The label distribution of one piece of text: the model's raw probabilities calibrated,
    less the labels the lexicon rules out. Pages and sentences alike, so an explanation weighs
    sentences with the scorer that labelled their page."""
    return sentiment_lexicon.second_opinion(calibration.calibrate(raw, prior), text)


def prior_job(model: Any, emit: Callable[[str], None], cancel: CancelToken) -> dict[str, float]:
    """An engine job: the model's answer for content-free inputs, its bias to divide out."""
    free = [_probabilities(model, text, cancel) for text in calibration.CONTENT_FREE]
    return calibration.mean_distribution(free)


def page_scorer(text: str, prior: dict[str, float]) -> Job:
    """An engine job: the calibrated label distribution of one page read whole (its pieces, if
    it is longer than the window, averaged by length) and its length in tokens."""

    def job(model: Any, emit: Callable[[str], None], cancel: CancelToken) -> tuple[dict, int]:
        style = model.style
        distributions, sizes = [], []
        for piece in prompts.split_to_budget(text, prompts.sentiment_window(style), style.count):
            cancel.raise_if_cancelled()
            raw = _probabilities(model, piece, cancel)
            distributions.append(scores_of(piece, raw, prior))
            sizes.append(max(1, model.count(piece)))
        if not distributions:
            return dict.fromkeys(prompts.LABELS, 1.0 / len(prompts.LABELS)), 0
        return calibration.weighted_mean(distributions, sizes), sum(sizes)

    return job


def sentence_scorer(text: str, prior: dict[str, float]) -> Job:
    """An engine job: the calibrated scores of each sentence of one page, scored alone."""

    def job(model: Any, emit: Callable[[str], None], cancel: CancelToken) -> list[SentenceScore]:
        window = prompts.sentiment_window(model.style)
        scored = []
        for start, end in sentence_pieces(text, window, model.count):
            cancel.raise_if_cancelled()
            piece = text[start:end]
            raw = _probabilities(model, piece, cancel)
            tokens = max(1, model.count(piece))
            scored.append(SentenceScore(start, end, tokens, scores_of(piece, raw, prior)))
        return scored

    return job


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
