"""Where a cited passage sits on a PDF page, as rectangles to highlight.

The passage text comes from the index (cleaned, de-hyphenated), so it rarely matches the
page's raw text character for character; matching word sequences instead survives hyphens,
line breaks and punctuation. Runs of a few words that agree in order are marked, and short
gaps between them are filled so the highlight reads as one passage.

A passage is often a whole page; so within it, the sentences that share the most words with
the answer are marked again, more strongly: the eye lands on what the answer used.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

import pymupdf

from docnook import text as textrules

_WORD_FLAGS = pymupdf.TEXTFLAGS_WORDS & ~pymupdf.TEXT_PRESERVE_LIGATURES
MIN_RUN = 3  # words in a row that must agree before a run counts as the passage
MAX_GAP = 4  # unmatched page words bridged between two runs
FOCUS_SHARE = 0.5  # share of a sentence's content words found in the answer to mark it


def _tokens(text: str) -> list[str]:
    return [t.casefold() for t in textrules.WORD.findall(text)]


_SENTENCE_END = re.compile(r"[.!?]['\")\]]*$")


@dataclass
class PassageMarks:
    passage: list[pymupdf.Rect] = field(default_factory=list)  # the cited passage, faint
    focus: list[pymupdf.Rect] = field(default_factory=list)  # the sentences the answer used

    def __bool__(self) -> bool:
        return bool(self.passage or self.focus)


def _content(text: str) -> set[str]:
    return textrules.content_words(text)


def passage_rects(page: pymupdf.Page, passage: str) -> list[pymupdf.Rect]:
    """Line-wide rectangles (page coordinates) covering `passage` on `page`; [] when absent."""
    return passage_marks(page, passage).passage


def passage_marks(
    page: pymupdf.Page, passage: str, answer: str = "", words: list[tuple] | None = None
) -> PassageMarks:
    """The passage's rectangles on `page`, and those of its sentences that `answer` used.
    `words`: the page's words when they are not its text layer's (those OCR read)."""
    if words is None:
        # Ligatures spelled out, as indexing stores the text (ingest/pdf.py TEXT_FLAGS).
        words = page.get_text("words", sort=True, flags=_WORD_FLAGS)
    marked = _marked_words(words, passage)
    if marked is None:
        return PassageMarks(_search_fallback(page, passage))
    if not marked:
        return PassageMarks()
    chosen = [words[i] for i in marked]
    return PassageMarks(_line_rects(chosen), _focus(words, marked, answer))


def _focus(words: list[tuple], marked: list[int], answer: str) -> list[pymupdf.Rect]:
    wanted = _content(textrules.strip_markers(answer))
    if not wanted:
        return []
    sentences: list[list[int]] = [[]]
    previous = None
    for i in marked:
        # A gap in the match also ends a sentence, and so does a new block: a heading has no
        # full stop, and would otherwise be marked with the sentence under it.
        gap = previous is not None and (i != previous + 1 or words[i][5] != words[previous][5])
        if gap and sentences[-1]:
            sentences.append([])
        sentences[-1].append(i)
        if _SENTENCE_END.search(words[i][4]):
            sentences.append([])
        previous = i
    keep: list[int] = []
    for sentence in sentences:
        if _is_heading(words, sentence):
            continue  # "Plots and fees" shares its words with the quote, yet is no part of it
        words_of = _content(" ".join(words[i][4] for i in sentence))
        shared = len(wanted & words_of)
        # Mostly made of the answer's words: the answer was read from here.
        if shared >= 2 and shared >= FOCUS_SHARE * len(words_of):
            keep.extend(sentence)
    return _line_rects([words[i] for i in keep])


def _is_heading(words: list[tuple], sentence: list[int]) -> bool:
    """A few words without a full stop, a text block of their own: a heading."""
    if (
        not sentence
        or len(sentence) > textrules.HEADING_WORDS
        or _SENTENCE_END.search(words[sentence[-1]][4])
    ):
        return False
    block = words[sentence[0]][5]
    return sum(1 for word in words if word[5] == block) == len(sentence)


def _marked_words(words: list[tuple], passage: str) -> list[int] | None:
    """Indices of the page words that belong to the passage; None when no run was found
    (the caller may fall back to a phrase search)."""
    page_tokens: list[str] = []
    owner: list[int] = []  # page token -> index of the word it came from
    for index, word in enumerate(words):
        for token in _tokens(word[4]):
            page_tokens.append(token)
            owner.append(index)
    wanted = _tokens(passage)
    if not page_tokens or not wanted:
        return []
    matcher = difflib.SequenceMatcher(None, page_tokens, wanted, autojunk=False)
    runs = [(b.a, b.a + b.size) for b in matcher.get_matching_blocks() if b.size >= MIN_RUN]
    if not runs:
        return None
    marked: set[int] = set()
    start, end = runs[0]
    for next_start, next_end in runs[1:]:
        if next_start - end <= MAX_GAP:
            end = next_end
            continue
        marked.update(owner[i] for i in range(start, end))
        start, end = next_start, next_end
    marked.update(owner[i] for i in range(start, end))
    return sorted(marked)


def _line_rects(words: list[tuple]) -> list[pymupdf.Rect]:
    """One rectangle per text line, so the highlight looks like a marker, not confetti."""
    lines: dict[tuple[int, int], pymupdf.Rect] = {}
    for x0, y0, x1, y1, _text, block, line, _n in words:
        key = (block, line)
        rect = pymupdf.Rect(x0, y0, x1, y1)
        lines[key] = lines[key] | rect if key in lines else rect
    return sorted(lines.values(), key=lambda r: (r.y0, r.x0))


def _search_fallback(page: pymupdf.Page, passage: str) -> list[pymupdf.Rect]:
    """For very short passages: PyMuPDF's own phrase search on the first few words."""
    phrase = " ".join(passage.split()[:8])
    if not phrase:
        return []
    return list(page.search_for(phrase))
