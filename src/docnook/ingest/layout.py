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


def running_lines(pages: Sequence[str], min_pages: int = _MIN_PAGES) -> list[set[int]]:
    """For each page of `pages`, the numbers of its lines (split at "\n") that are running
    headers, footers or bare page numbers: a line near the top (bottom) whose shape recurs
    near the top (bottom) of at least `min_pages` pages and a share of them. A page is never
    all running lines (an empty set then): that guess would empty it."""
    split = [page.split("\n") for page in pages]
    heads: Counter[str] = Counter()
    feet: Counter[str] = Counter()
    for lines in split:
        top, bottom = _zones(lines)
        heads.update({_shape(lines[i]) for i in top})
        feet.update({_shape(lines[i]) for i in bottom})
    needed = max(min_pages, int(_SHARE * len(pages)))
    running_heads = {shape for shape, n in heads.items() if n >= needed}
    running_feet = {shape for shape, n in feet.items() if n >= needed}
    found = []
    for lines in split:
        top, bottom = _zones(lines)
        drop = {i for i in top if _running(lines[i], running_heads)}
        drop |= {i for i in bottom if _running(lines[i], running_feet)}
        filled = sum(1 for line in lines if line.strip())
        found.append(drop if len(drop) < filled else set())
    return found


def _running(line: str, shapes: set[str]) -> bool:
    return _shape(line) in shapes or bool(_PAGE_NUMBER.match(line.strip()))


def strip_running_lines(pages: Sequence[str]) -> list[str]:
    """`pages` without their running headers, footers and bare page numbers."""
    cleaned = []
    for page, drop in zip(pages, running_lines(pages), strict=True):
        lines = page.split("\n")
        cleaned.append("\n".join(line for i, line in enumerate(lines) if i not in drop).strip())
    return cleaned


def blank_running_lines(pages: Sequence[str], min_pages: int = 2) -> list[str]:
    """`pages` with their running lines turned into spaces, so that every offset into a page
    stays true (a summary's point marks its sentence where it stands). Two pages that open
    with the same line are evidence enough here: the stored text keeps such a line (indexing
    asks for three, since what it strips is gone for good), but a sentence the page break cut
    would read the header into its middle ("... rose by Annual Report 2024 12 percent")."""
    blanked = []
    for page, drop in zip(pages, running_lines(pages, min_pages), strict=True):
        lines = page.split("\n")
        blanked.append("\n".join(" " * len(x) if i in drop else x for i, x in enumerate(lines)))
    return blanked
