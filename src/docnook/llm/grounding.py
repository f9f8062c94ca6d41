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
# A question that asks for something ("which function", "how many", "who"), as against one
# answered by yes, no or one of its own options ("Is 64-bit R faster or slower?").
_WH_WORD = re.compile(r"\b(?:what|which|who|whom|whose|where|when|how|why)\b", re.IGNORECASE)
_YES_NO_START = re.compile(
    r"^\W*(?:is|are|was|were|do|does|did|can|could|will|would|should|shall|has|have|had|may|"
    r"might|must)\b",
    re.IGNORECASE,
)


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


def asks_for_something(question: str) -> bool:
    """Whether `question` asks for a thing the question itself does not name: a wh-question
    that is not also a yes/no question or a choice between options it lists."""
    if not _WH_WORD.search(question) or _YES_NO_START.match(question):
        return False
    return " or " not in f" {question.lower()} "


def adds_to(question: str, text: str) -> bool:
    """Whether `text` says anything `question` did not: a word that carries meaning, a number,
    an identifier or a name the question does not hold. "The comma is the decimal mark." says
    nothing to "Where the comma is the decimal mark, which function writes CSV files?"."""
    if textrules.content_words(text) - textrules.content_words(question):
        return True
    return bool(
        (numbers(text) - numbers(question))
        or (identifiers(text) - identifiers(question))
        or (names(text) - set(textrules.words(question)))
    )


def _flat(text: str) -> str:
    return " " + " ".join(textrules.words(text)) + " "


@dataclass
class ShortAnswer:
    """The model's short answer on its way to the person (after `GroundedStream`): one
    sentence, taken from the quote, shown whole once it has ended and passed. It must say
    something the question does not (`adds_to`, for a question that `asks_for_something`),
    and every word it adds to the question must be the quote's: the answer is phrased from
    the span the person sees, so a word from elsewhere ("removed from the library" for a
    quote that says "withdrawn", "the number of chronic conditions" for a variable the quote
    calls an insurance indicator) is the model reading past the span, and drops the answer.
    A copy of a whole sentence of the quote is dropped too (the quote is on screen already);
    a short extract ("45 euros.") is shown. Held until its first sentence ends, so nothing
    shown is ever withdrawn; `done` once it has ended or failed: the generation can stop."""

    question: str
    quote: str
    emit: Callable[[str], None]
    text: str = ""  # what the answer is: its first sentence at most
    opened: bool = False
    done: bool = False
    dropped: bool = False  # a word of its own that the quote lacks
    _asks: bool = field(init=False, repr=False)
    _allowed: frozenset[str] = field(init=False, repr=False)  # stems of question and quote

    def __post_init__(self) -> None:
        self._asks = asks_for_something(self.question)
        words = textrules.words(self.question) + textrules.words(self.quote)
        self._allowed = frozenset(textrules.stem(word) for word in words)

    def feed(self, piece: str) -> None:
        if self.done:
            return
        self.text += piece
        spans = textrules.sentence_spans(self.text.strip())
        if len(spans) > 1:  # a second sentence began: the answer is the first
            offset = len(self.text) - len(self.text.lstrip())
            self.text = self.text[: offset + spans[0][1]]
            self.done = True
        if not self._from_span():
            self.dropped = self.done = True
        elif self.done:
            self._release()

    def finish(self) -> None:
        """The generation ended: the answer is shown now if it passed, or dropped for good."""
        self.done = True
        self._release()

    @property
    def shown(self) -> str:
        return " ".join(self.text.split()) if self.opened else ""

    def _release(self) -> None:
        # `feed` has checked every word against the quote as it came (`dropped`).
        if self.opened or self.dropped:
            return
        if self._says_something() and not self._copies_a_sentence():
            self.opened = True
            self.emit(self.text)

    def _from_span(self) -> bool:
        """Whether every word it adds to the question is in the quote (stopwords aside, and
        a lone letter such as the "s" of "it's"). Chinese, Japanese and Korean have no spaces
        to split words by: there each pair of characters must be the quote's or the
        question's, as keyword search reads them (`index/cjk.py`)."""
        for word in textrules.words(self.text):
            if word in textrules.STOPWORDS or (len(word) == 1 and not word.isdigit()):
                continue
            if textrules.has_cjk(word):
                source = self.question + self.quote
                if any(pair not in source for pair in textrules.character_pairs(word)):
                    return False
            elif textrules.stem(word) not in self._allowed:
                return False
        return True

    def _says_something(self) -> bool:
        return bool(textrules.words(self.text)) and (
            not self._asks or adds_to(self.question, self.text)
        )

    def _copies_a_sentence(self) -> bool:
        mine = _flat(self.text)
        for sentence in textrules.sentences(self.quote):
            theirs = _flat(sentence)
            if len(theirs.split()) >= 4 and theirs in mine:
                return True
        return False
