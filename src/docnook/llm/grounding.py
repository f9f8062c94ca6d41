"""Checking generated text against its source: every number, identifier and name it states
must be in the source. Pure functions over strings, used for answers and summaries alike.

A small model writes fluent text that is often not in its source: a function the page does not
name, a default it invents, a count from nowhere. Those are the facts a person acts on, so they
are what is checked: numbers (12, 3.5, 1,024, 2025), identifiers (os.path.join,
LD_LIBRARY_PATH, --no-cache-dir, c()) and names (capitalised words that do not start a
sentence). Ordinary words may be paraphrased; these may not.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from docnook import text as textrules

_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*")
_CALL = re.compile(r"\b[A-Za-z_][\w.]*\(\)")
_CAPITALISED = re.compile(r"\b[A-Z][\w'-]*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n\s*|[\"“(]\s*)$")
_ROMAN = re.compile(r"^[IVXLC]+$")


def _number_key(number: str) -> str:
    """1,024 and 1024 are one number; 3.50 and 3.5 are too."""
    plain = number.replace(",", "")
    if "." in plain:
        plain = plain.rstrip("0").rstrip(".") or "0"
    return plain.lstrip("0") or "0"


def numbers(text: str) -> set[str]:
    return {_number_key(n) for n in _NUMBER.findall(text)}


def names(text: str) -> set[str]:
    """Capitalised words that do not start a sentence, lower-cased: proper names, mostly."""
    found = set()
    for match in _CAPITALISED.finditer(text):
        before = text[: match.start()]
        if _SENTENCE_START.search(before[-4:] if before else ""):
            continue
        word = match.group(0).strip("'-")
        if word.lower() in textrules.STOPWORDS or len(word) < 2 or _ROMAN.match(word):
            continue
        found.add(word.lower())
    return found


def identifiers(text: str) -> set[str]:
    found = {identifier.lower() for identifier in textrules.identifiers(text)}
    found |= {call.group(0)[:-2].lower() for call in _CALL.finditer(text)}
    return {i for i in found if i}


@dataclass(frozen=True)
class Check:
    unsupported: tuple[str, ...] = ()  # facts stated that the source does not hold

    @property
    def passed(self) -> bool:
        return not self.unsupported


def check(generated: str, source: str) -> Check:
    """Whether every number, identifier and name in `generated` occurs in `source`."""
    generated = textrules.strip_markers(generated)
    missing: list[str] = []
    source_numbers = numbers(source)
    missing += sorted(n for n in numbers(generated) if n not in source_numbers)
    source_words = set(textrules.words(source))
    flat_source = " ".join(textrules.words(source))
    for identifier in sorted(identifiers(generated)):
        if " ".join(textrules.words(identifier)) not in flat_source:
            missing.append(identifier)
    missing += sorted(n for n in names(generated) if n not in source_words)
    return Check(tuple(dict.fromkeys(missing)))


@dataclass
class GroundedStream:
    """Passes streamed text on word by word while it stays grounded in `source`; at the first
    fact the source does not hold it stops passing anything and records why. What was passed
    is therefore always checked text."""

    source: str
    emit: Callable[[str], None]
    passed: str = ""
    failed: Check | None = None
    _pending: str = field(default="", repr=False)

    def feed(self, piece: str) -> None:
        if self.failed is not None:
            return
        self._pending += piece
        cut = max(self._pending.rfind(" "), self._pending.rfind("\n"))
        if cut <= 0:
            return
        self._release(self._pending[:cut])
        self._pending = self._pending[cut:]

    def finish(self) -> None:
        if self.failed is None and self._pending:
            self._release(self._pending)
            self._pending = ""

    def _release(self, text: str) -> None:
        result = check(self.passed + text, self.source)
        if not result.passed:
            self.failed = result
            return
        self.passed += text
        self.emit(text)
