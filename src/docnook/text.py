"""Text rules used everywhere: words, stopwords, content words, sentences, citation markers,
sizes and durations. One module, so search, citations, the answer check and the window's
highlighting agree on what a word, a sentence or a marker is.

Pure functions over strings, standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

WORD = re.compile(r"\w+", re.UNICODE)
# A line of at most this many words with no closing full stop is read as a heading where a
# quote is widened (assistant/evidence.py) and where the reader marks it (gui/passage.py).
HEADING_WORDS = 8
# Han (with extension A and compatibility ideographs), kana, Hangul syllables and jamo: scripts
# written without spaces between words, so a "word" of `WORD` is a whole run of them.
CJK_CHARACTERS = (
    "\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff"  # hiragana, katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Han
    "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"  # Hangul
)
_HAS_CJK = re.compile(f"[{CJK_CHARACTERS}]")
# An identifier as people write it in a question: os.path.join, LD_LIBRARY_PATH,
# --no-cache-dir, R_LIBS_USER, is.na(), x86-64. Kept whole for keyword search, since FTS5's
# tokenizer would otherwise split it into common words.
IDENTIFIER = re.compile(r"(?<![\w.-])-{0,2}[A-Za-z_][\w]*(?:[.:/-]+[\w]+)+(?:\(\))?|\w+_\w+")

# Words that match nearly every passage: they carry no meaning for search or for checking
# that a sentence comes from a source.
_STOPWORD_TEXT = """
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had
has have having he her here hers herself him himself his how i if in into is it its itself just
me more most my myself no nor not now of off on once only or other our ours ourselves out over
own same she should so some such than that the their theirs them themselves then there these
they this those through to too under until up very was we were what when where which while who
whom why will with would you your yours yourself yourselves may might must shall tell give get
use used using one ones per via
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

# Citation markers in answers: [1], [2, 3], [1-3], [1; 4].
CITATION_MARKER = re.compile(r"\[\s*(\d{1,4}(?:\s*(?:[-–]|,|;)\s*\d{1,4})*)\s*\]")

_ABBREVIATION_TEXT = (
    "e.g i.e etc vs cf fig figs eq eqs no nos vol ed eds al approx dr mr mrs ms prof st sec "
    "ch pp p resp incl"
)
_ABBREVIATIONS = frozenset(_ABBREVIATION_TEXT.split())
_SENTENCE_BREAK = re.compile(r"([.!?…]+[\"'”’)\]]*)(\s+)(?=[\"'“‘(\[]?[A-Z0-9])")
# Words no heading ends on: a line ending on one runs on into the next line.
_JOINING_TEXT = "a an the of in on at to for with by from into and or but nor than that"
_JOINING = frozenset(_JOINING_TEXT.split())
_BULLET = re.compile(r"^\s*(?:[-•*–·]|\d{1,3}[.)]|[a-z][.)])\s+")


def has_cjk(text: str) -> bool:
    return _HAS_CJK.search(text) is not None


def character_pairs(run: str) -> list[str]:
    """A run of CJK characters as overlapping pairs (北京是 -> 北京 京是), the way keyword
    search indexes it (`index/cjk.py`); a single character stays itself."""
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def words(text: str) -> list[str]:
    """Lower-cased words, in order."""
    return WORD.findall(text.lower())


_SUFFIXES = ("ing", "ed", "es", "s")


def stem(word: str) -> str:
    """A crude stem, enough to tell that "printed", "prints" and "printing" are one word:
    one common suffix off, then the first six letters."""
    if word.isdigit() or len(word) <= 3:
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)]
            break
    return word[:6]


def content_words(text: str) -> set[str]:
    """The stems of the words of `text` that carry meaning."""
    return {
        stem(word)
        for word in words(text)
        if word not in STOPWORDS and (len(word) > 1 or word.isdigit())
    }


def strip_markers(text: str) -> str:
    return CITATION_MARKER.sub(" ", text)


def identifiers(text: str) -> list[str]:
    """Identifiers in `text` (dotted, underscored, dashed names; options; calls)."""
    return [m.group(0).rstrip("()") for m in IDENTIFIER.finditer(text)]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of a page of text. A line break inside a paragraph is
    not a sentence end (PDF text breaks lines anywhere), but a blank line, a list item or a
    short line without a full stop (a heading) ends one."""
    spans: list[tuple[int, int]] = []
    for start, end in _blocks(text):
        piece = text[start:end]
        last = 0
        for match in _SENTENCE_BREAK.finditer(piece):
            before = piece[last : match.start(1)]
            tail = WORD.findall(before[-12:])
            if tail and tail[-1].lower() in _ABBREVIATIONS and match.group(1) == ".":
                continue
            if tail and len(tail[-1]) == 1 and tail[-1].isupper() and match.group(1) == ".":
                continue  # an initial: "J. Smith"
            cut = match.end(1)
            spans.append((start + last, start + cut))
            last = match.end(2)
        if last < len(piece):
            spans.append((start + last, end))
    trimmed = []
    for a, b in spans:
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            trimmed.append((a, b))
    return trimmed


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the paragraphs, list items and headings of a page: the blocks no
    sentence of `sentence_spans` crosses."""
    return list(_blocks(text))


def _blocks(text: str) -> Iterable[tuple[int, int]]:
    """Paragraphs, list items and headings: the spans no sentence crosses."""
    lines = text.splitlines(keepends=True)
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    typical = lengths[(3 * len(lengths)) // 4] if lengths else 0  # a full line
    start = None
    position = 0
    previous = ""
    for line in lines:
        stripped = line.strip()
        line_start = position
        position += len(line)
        if not stripped:
            if start is not None:
                yield start, line_start
                start = None
            previous = ""
            continue
        opens = stripped[:1].isupper() or stripped[:1].isdigit()
        new_block = (
            start is None
            or _BULLET.match(line) is not None
            or (opens and _is_heading_line(previous, typical))
            # A short last line of a paragraph, unless a joining word follows it ("... in
            # 2024, approx.\nand ..." runs on; a lowercase identifier or term starts anew).
            or (
                previous.endswith((".", ":", "!", "?"))
                and len(previous) < 0.7 * typical
                and not (previous.endswith(".") and _first_word(stripped) in _JOINING)
            )
        )
        if new_block and start is not None:
            yield start, line_start
            start = None
        if start is None:
            start = line_start + (len(line) - len(line.lstrip()))
        previous = stripped
    if start is not None:
        yield start, len(text)


def _first_word(line: str) -> str:
    match = WORD.match(line)
    return match.group(0) if match else ""


def _is_heading_line(line: str, typical: int) -> bool:
    """A line much shorter than the page's usual line, with no closing punctuation: a
    heading, a label or a table row, not the middle of a paragraph."""
    if not line or len(line) >= 0.6 * typical or line.endswith((".", ",", ";", ":", "-")):
        return False
    # A heading does not end on a word that joins it to what follows ("repaired in" /
    # "August, and ..." is one sentence a narrow column or a figure broke early).
    last = WORD.findall(line[-16:])  # "Appendix A" is a label: only a lowercase "a" joins
    return not last or last[-1] not in _JOINING


def format_size(size: int) -> str:
    """Bytes as a person reads them, in decimal units (kB, MB, GB) everywhere in DocNook."""
    if size < 1000:
        return f"{size} bytes" if size != 1 else "1 byte"
    value = float(size)
    for unit in ("kB", "MB", "GB", "TB"):
        value /= 1000
        if value < 1000 or unit == "TB":
            return f"{value:.0f} {unit}" if value >= 100 else f"{value:.1f} {unit}"
    return f"{size} bytes"


def format_duration(seconds: float) -> str:
    """12s, 3m05s, 1h02m."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"
