"""Running headers, footers and page numbers: recognised and taken out of the page text.

A book repeats its title or chapter name at the top of every page and a number at the bottom.
Left in, they join the first and last sentence of every page, match every question that names
the book, and end up quoted as answers. They are recognised by repetition: a line at the top
or bottom of a page that (digits aside) recurs at the same end of many pages, or a line that
is only a page number.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

_ZONE = 2  # lines looked at, at each end of a page
_MIN_PAGES = 3
_SHARE = 0.3  # of the pages a line must recur on to count as running
_PAGE_NUMBER = re.compile(
    r"^(?:page\s+)?(?:\d{1,4}|[ivxlcdm]{1,7})(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE
)
_DIGITS = re.compile(r"\d+")


def _shape(line: str) -> str:
    return _DIGITS.sub("#", " ".join(line.lower().split()))


def _zones(lines: list[str]) -> tuple[list[int], list[int]]:
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return filled[:_ZONE], filled[-_ZONE:]


def strip_running_lines(pages: Sequence[str]) -> list[str]:
    """`pages` without their running headers, footers and bare page numbers."""
    split = [page.split("\n") for page in pages]
    heads: Counter[str] = Counter()
    feet: Counter[str] = Counter()
    for lines in split:
        top, bottom = _zones(lines)
        heads.update({_shape(lines[i]) for i in top})
        feet.update({_shape(lines[i]) for i in bottom})
    needed = max(_MIN_PAGES, int(_SHARE * len(pages)))
    running_heads = {shape for shape, n in heads.items() if n >= needed}
    running_feet = {shape for shape, n in feet.items() if n >= needed}
    cleaned = []
    for lines in split:
        top, bottom = _zones(lines)
        drop = set()
        for i in top:
            shape = _shape(lines[i])
            if shape in running_heads or _PAGE_NUMBER.match(lines[i].strip()):
                drop.add(i)
        for i in bottom:
            shape = _shape(lines[i])
            if shape in running_feet or _PAGE_NUMBER.match(lines[i].strip()):
                drop.add(i)
        if len(drop) >= len([line for line in lines if line.strip()]):
            cleaned.append("\n".join(lines).strip())  # never empty a page on this guess
            continue
        kept = [line for i, line in enumerate(lines) if i not in drop]
        cleaned.append("\n".join(kept).strip())
    return cleaned
