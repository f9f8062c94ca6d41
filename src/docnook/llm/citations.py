"""Citation markers in answers: finding them, and checking them against the sources.

The answer cites its numbered sources as [1], [2], [1, 3] or [2-4]. A small model often cites
the wrong number or none, so `attribute` checks each sentence against the sources by the words
they share: a marker that points at a source the sentence has nothing in common with is moved
to the source it does come from, and a sentence that plainly comes from one source but cites
none gets that source's marker. Pure functions over strings (fuzzed by the unit tests).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

MAX_SOURCE_NUMBER = 999
_MAX_RANGE = 20  # "[1-3]" expands; "[1-99999]" is not a citation
SUPPORT = 0.5  # share of a sentence's content words a source must contain to back it
_CLOSE = 0.15  # a cited source this close to the best one is kept: the model may paraphrase

_MARKER = re.compile(
    r"\[\s*(\d{1,4}(?:\s*(?:[-–]|,|;)\s*\d{1,4})*)\s*\]",
)
_NUMBER_PART = re.compile(r"(\d{1,4})(?:\s*[-–]\s*(\d{1,4}))?")
_SENTENCE_END = re.compile(r"(?<=[.!?…])(?:\s*\[[^\]\[]{0,40}\])*\s+")
_WORD = re.compile(r"\w+", re.UNICODE)
_STOPWORD_TEXT = (
    "a an and are as at be been but by can could did do does for from had has have how i if in "
    "into is it its may more most no not of on or so such than that the their them then there "
    "these they this those to was we were what when where which while who why will with would "
    "you your"
)
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


@dataclass(frozen=True)
class Marker:
    start: int  # span in the text, [start, end)
    end: int
    numbers: tuple[int, ...]  # in the order written, ranges expanded, duplicates dropped


@dataclass(frozen=True)
class Attribution:
    text: str  # the answer with its markers checked
    numbers: tuple[int, ...]  # sources cited, in order of first citation


def parse_markers(text: str) -> list[Marker]:
    """Every citation marker in `text`, in order."""
    markers = []
    for match in _MARKER.finditer(text):
        numbers: list[int] = []
        for part in _NUMBER_PART.finditer(match.group(1)):
            first = int(part.group(1))
            last = int(part.group(2)) if part.group(2) else first
            if last < first or last - first > _MAX_RANGE:
                last = first
            for n in range(first, last + 1):
                if n not in numbers:
                    numbers.append(n)
        markers.append(Marker(match.start(), match.end(), tuple(numbers)))
    return markers


def cited_numbers(text: str, n_sources: int) -> tuple[int, ...]:
    """The source numbers cited in `text` that exist (1..n_sources), in order of first use."""
    seen: list[int] = []
    for marker in parse_markers(text):
        for n in marker.numbers:
            if 1 <= n <= n_sources and n not in seen:
                seen.append(n)
    return tuple(seen)


def content_words(text: str) -> set[str]:
    """Lower-cased words that carry meaning, cut to a crude stem so "boils" meets "boil"."""
    words = set()
    for word in _WORD.findall(text.lower()):
        if word in _STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        words.add(word[:6] if len(word) > 6 and not word.isdigit() else word)
    return words


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences of `text`; markers after a full stop stay with its sentence."""
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.start() + len(match.group(0).rstrip())
        if end > start:
            spans.append((start, end))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def citing_text(answer: str, n: int) -> str:
    """The sentences of `answer` that cite source `n`; the whole answer when none does."""
    cited = [
        answer[a:b]
        for a, b in sentences(answer)
        if any(n in marker.numbers for marker in parse_markers(answer[a:b]))
    ]
    return " ".join(cited) if cited else answer


def attribute(answer: str, sources: Sequence[str]) -> Attribution:
    """`answer` with each sentence's markers checked against `sources` (source n is
    `sources[n - 1]`), and the numbers it ends up citing."""
    source_words = [content_words(s) for s in sources]
    pieces: list[str] = []
    last = 0
    for start, end in sentences(answer):
        pieces.append(answer[last:start])
        sentence = _attribute_sentence(answer[start:end], source_words)
        pieces.append(sentence)
        last = end
    pieces.append(answer[last:])
    text = "".join(pieces)
    return Attribution(text, cited_numbers(text, len(sources)))


def _support(sentence: str, markers: list[Marker], source_words: list[set[str]]) -> list[float]:
    """For each source, the share of the sentence's content words it contains."""
    words = content_words(_strip_markers(sentence, markers))
    return [len(words & sw) / len(words) if words else 0.0 for sw in source_words]


def _check_numbers(numbers: Sequence[int], support: list[float]) -> list[int]:
    """The cited numbers as they should be: a number the sentence does not come from is
    replaced by the source it does come from, or dropped when none stands out."""
    best = max(range(len(support)), key=lambda i: support[i]) + 1 if support else 0
    best_support = support[best - 1] if best else 0.0
    kept: list[int] = []
    for n in numbers:
        if not 1 <= n <= len(support):
            choice = best if best_support >= SUPPORT else None
        elif best_support < SUPPORT or support[n - 1] >= best_support - _CLOSE:
            choice = n
        else:
            choice = best
        if choice is not None and choice not in kept:
            kept.append(choice)
    return kept


def _format_marker(numbers: Sequence[int]) -> str:
    return "[" + ", ".join(str(n) for n in numbers) + "]" if numbers else ""


def _attribute_sentence(sentence: str, source_words: list[set[str]]) -> str:
    markers = parse_markers(sentence)
    support = _support(sentence, markers, source_words)
    if not markers:
        best = max(range(len(support)), key=lambda i: support[i]) + 1 if support else 0
        if best and support[best - 1] >= SUPPORT:
            return _insert_marker(sentence, f"[{best}]")
        return sentence
    out, last = [], 0
    for marker in markers:
        out.append(sentence[last : marker.start])
        fixed = _format_marker(_check_numbers(marker.numbers, support))
        if fixed:
            out.append(fixed)
        elif out and out[-1].endswith(" "):
            out[-1] = out[-1][:-1]  # "fact [9]." -> "fact."
        last = marker.end
    out.append(sentence[last:])
    return "".join(out)


class CitationStream:
    """Checks markers while the answer streams: text passes straight through, except that a
    marker is held until its "]" arrives and then comes out checked against the sentence it
    ends. (Markers for sentences that cite nothing are added by `attribute` at the end.)"""

    _HOLD = 64  # longest marker checked, and held while waiting for its "]"
    _OPENING = re.compile(r"\[[\d\s,;\-–]*")

    def __init__(self, sources: Sequence[str]) -> None:
        self._words = [content_words(s) for s in sources]
        self._held = ""
        self.text = ""  # everything passed on so far

    def feed(self, text: str) -> str:
        buffer, self._held = self._held + text, ""
        out: list[str] = []
        while buffer:
            start = buffer.find("[")
            if start < 0:
                out.append(buffer)
                break
            out.append(buffer[:start])
            buffer = buffer[start:]
            match = _MARKER.match(buffer)
            if match is not None and match.end() <= self._HOLD:
                out.append(self._checked(match.group(0), "".join(out)))
                buffer = buffer[match.end() :]
                continue
            if len(buffer) < self._HOLD and self._OPENING.fullmatch(buffer):
                self._held = buffer  # may still become a marker
                break
            out.append("[")
            buffer = buffer[1:]
        passed = "".join(out)
        self.text += passed
        return passed

    def flush(self) -> str:
        held, self._held = self._held, ""
        self.text += held
        return held

    def _checked(self, marker: str, pending: str) -> str:
        before = self.text + pending
        spans = sentences(before)
        sentence = before[spans[-1][0] :] if spans else before
        numbers = parse_markers(marker)[0].numbers
        return _format_marker(_check_numbers(numbers, _support(sentence, [], self._words)))


def _strip_markers(text: str, markers: list[Marker]) -> str:
    out, last = [], 0
    for marker in markers:
        out.append(text[last : marker.start])
        last = marker.end
    out.append(text[last:])
    return " ".join(out)


def _insert_marker(sentence: str, marker: str) -> str:
    """Put the marker before the closing punctuation: 'Marta Olsen.' -> 'Marta Olsen [2].'"""
    body = sentence.rstrip()
    trailing = sentence[len(body) :]
    stripped = body.rstrip(".!?…")
    end = body[len(stripped) :]
    if not stripped:
        return sentence
    return f"{stripped} {marker}{end}{trailing}"
