"""The section a passage belongs to: numbered headings found in the page text.

Manuals, reports and papers number their sections ("2.3 Installing packages", "4. Results",
"Chapter 7 Writing R extensions", "Appendix B Tools"). A passage deep in a section often never
names its subject again ("It defaults to 7"); its heading path does ("5 Options > 5.2
Printing"). The path is stored with each chunk, searched with it, and embedded with it.
Headings are recognised from the text alone, so every reader (PDF, OCR, other formats) gets
them; a line counts when it is short, starts with a section number and a capital, and does
not end like a sentence. Table-of-contents lines (dot leaders, trailing page numbers) do not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_NUMBERED = re.compile(
    r"^(?:(?:chapter|appendix|section|part)\s+)?"
    r"(?P<number>(?:\d{1,2}|[A-Z])(?:\.\d{1,2}){0,4})\.?\s+(?P<title>[A-Z(][^\n]{1,80})$",
    re.IGNORECASE,
)
_TOC_TAIL = re.compile(r"(?:\.\s*){3,}|\s\d{1,4}$")
_MAX_LINE = 90
MAX_PATH_CHARS = 160


@dataclass(frozen=True)
class Heading:
    offset: int  # where the heading line starts in the joined document text
    depth: int  # 1 for "2", 2 for "2.3", ...
    text: str


def find_headings(text: str) -> list[Heading]:
    """Numbered headings of a document's joined text, in order."""
    found: list[Heading] = []
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        start = offset + (len(line) - len(line.lstrip()))
        offset += len(line) + 1
        if not stripped or len(stripped) > _MAX_LINE or _TOC_TAIL.search(stripped):
            continue
        if stripped.endswith((".", ",", ";", ":")) and not stripped[:-1].rstrip(".").isdigit():
            continue
        match = _NUMBERED.match(stripped)
        if match is None:
            continue
        number = match.group("number")
        if number.isdigit() and int(number) > 30 and "." not in number:
            continue  # a numbered list item or a year, not a chapter
        depth = number.count(".") + 1
        found.append(Heading(start, depth, " ".join(stripped.split())))
    return found


def heading_paths(text: str, offsets: Sequence[int]) -> list[str]:
    """For each offset in `text`, the path of headings it sits under ("2 Install > 2.3 …").
    One pass over the headings, in offset order."""
    headings = find_headings(text)
    order = sorted(range(len(offsets)), key=lambda i: offsets[i])
    paths = [""] * len(offsets)
    stack: list[Heading] = []
    next_heading = 0
    for i in order:
        while next_heading < len(headings) and headings[next_heading].offset <= offsets[i]:
            heading = headings[next_heading]
            while stack and stack[-1].depth >= heading.depth:
                stack.pop()
            stack.append(heading)
            next_heading += 1
        path = " > ".join(h.text for h in stack)
        paths[i] = path[-MAX_PATH_CHARS:] if len(path) > MAX_PATH_CHARS else path
    return paths
