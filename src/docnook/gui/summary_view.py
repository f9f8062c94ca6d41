"""How a summary is drawn: its overview, then its key points, each with a link to its page;
and a point as the citation the reader opens. Shared by the Summary tab and the side-by-side
view of several documents."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from docnook.gui.citations import StoredCitation
from docnook.gui.theme import Theme

POINT_LINK = "point:"


def summary_html(overview: str, points: Sequence[Any], writing: bool) -> str:
    """The overview (or, while `writing`, a line saying it comes) above the key points."""
    theme = Theme.current()
    parts = []
    if overview.strip():
        parts.append(f"<p>{html.escape(overview.strip())}</p>")
    elif points and writing:
        parts.append(f'<p style="color:{theme.muted};">Writing the overview…</p>')
    if points:
        parts.append('<p style="font-weight:600;">Key points</p><ul>')
        for n, point in enumerate(points):
            link = f'<a href="{POINT_LINK}{n}">{html.escape(point.label())}</a>'
            parts.append(
                f'<li style="margin-bottom:6px;">{html.escape(point.text)} '
                f'<span style="color:{theme.muted};">({link})</span></li>'
            )
        parts.append("</ul>")
    return "".join(parts)


def point_number(href: str) -> int | None:
    """The point a link names ("point:2" -> 2), or None for any other link."""
    if not href.startswith(POINT_LINK) or not href[len(POINT_LINK) :].isdigit():
        return None
    return int(href[len(POINT_LINK) :])


def point_citation(record: Any, point: Any, n: int) -> StoredCitation:
    """Key point `n` of `record`'s summary as a citation: its pages, its sentence marked."""
    return StoredCitation(
        n + 1,
        record.id,
        record.path,
        record.title,
        min(point.pages),
        max(point.pages),
        point.source,
        point.source,
    )


def points_text(overview: str, points: Sequence[Any]) -> str:
    """The summary as plain text: the overview, then one line per point with its pages."""
    lines = [overview.strip(), ""] if overview.strip() else []
    lines += [f"- {p.text} ({p.label()})" for p in points]
    return "\n".join(lines).strip()
