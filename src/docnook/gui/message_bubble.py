"""One message of the chat. An answer shows its quote first, then the short answer above it.

The service finds the sentence an answer rests on before the model says anything, so the
bubble shows that quote, with its source ("[1] Title, p. 3", a link to the page), as soon as
it arrives; the model's phrasing appears above it once its sentence has passed its checks.
A finished answer keeps that shape: the phrasing with its [1] links, then the quote block.
When the documents don't say, the closest passages are listed the same way, each with its
quote.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from docnook import text as textrules
from docnook.gui.citations import CitedSource, split_answer
from docnook.gui.theme import Theme, mix

CURSOR = "▍"


def answer_html(text: str, known: set[int], streaming: bool = False) -> str:
    """The answer as rich text: paragraphs kept, each [n] a link when source n exists."""
    theme = Theme.current()

    def link(match: re.Match[str]) -> str:
        numbers = [int(n) for n in re.findall(r"\d+", match.group(1))]
        if not numbers or not all(n in known for n in numbers):
            return match.group(0)
        inner = ", ".join(
            f'<a href="cite:{n}" style="color:{theme.link}; text-decoration:none;"><b>{n}</b></a>'
            for n in numbers
        )
        return f"[{inner}]"

    body = textrules.CITATION_MARKER.sub(link, html.escape(text.strip("\n")))
    body = body.replace("\n", "<br>")
    if streaming:
        body += f'<span style="color:{theme.accent};">{CURSOR}</span>'
    return body


def _rich_label(object_name: str = "") -> QLabel:
    label = QLabel()
    if object_name:
        label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    label.setOpenExternalLinks(False)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    return label


class SourceBlock(QFrame):
    """A cited passage: its quote (when it has one) and its source, both links to the page."""

    link_clicked = Signal(str)

    def __init__(self, citation: CitedSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("QuoteBlock")
        self.citation = citation
        theme = Theme.current()
        tint = mix(theme.accent, theme.base, 0.07).name()
        self.setStyleSheet(
            f"QFrame#QuoteBlock {{ background: {tint}; border-left: 3px solid {theme.accent};"
            " border-top-right-radius: 8px; border-bottom-right-radius: 8px; }"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(11, 7, 10, 7)
        layout.setSpacing(4)
        href = f"cite:{citation.n}"
        self.quote = _rich_label()
        self.quote.linkActivated.connect(self.link_clicked)
        if citation.quote:
            self.quote.setText(
                f'<a href="{href}" style="color:{theme.text}; text-decoration:none;">'
                f"<i>“{html.escape(citation.quote)}”</i></a>"
            )
        self.quote.setVisible(bool(citation.quote))
        layout.addWidget(self.quote)
        self.source = _rich_label()
        self.source.linkActivated.connect(self.link_clicked)
        # "[1] Title, p. 3": the page the link opens, where the quote is.
        where = html.escape(f"{citation.title or citation.path or 'document'}, p. {citation.page}")
        self.source.setText(
            f'<a href="{href}" style="color:{theme.link}; text-decoration:none;">'
            f"<b>[{citation.n}]</b>&nbsp;{where}</a>"
        )
        layout.addWidget(self.source)


class MessageBubble(QFrame):
    """One message: the question, or an answer with its quote and sources."""

    link_clicked = Signal(str)

    def __init__(self, role: str, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Bubble")
        self.setProperty("role", role)
        self.role = role
        self.citations: list[CitedSource] = []
        self.text = text
        self.blocks: list[SourceBlock] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(8)
        self.body = _rich_label()
        self.body.linkActivated.connect(self.link_clicked)
        layout.addWidget(self.body)
        self.heading = QLabel()
        self.heading.setObjectName("SectionHeading")
        self.heading.hide()
        layout.addWidget(self.heading)
        self.sources = QWidget()
        self.sources.setObjectName("QuoteList")
        self.source_column = QVBoxLayout(self.sources)
        self.source_column.setContentsMargins(0, 0, 0, 0)
        self.source_column.setSpacing(6)
        self.sources.hide()
        layout.addWidget(self.sources)
        self.note = QLabel()
        self.note.setObjectName("Caption")
        self.note.setWordWrap(True)
        self.note.hide()
        layout.addWidget(self.note)
        if role == "user" or role == "error":
            self.body.setTextFormat(Qt.TextFormat.PlainText)
            self.body.setText(text)
        else:
            self.set_streaming(text)

    # -- while the answer comes --------------------------------------------------------------

    def set_streaming(self, text: str) -> None:
        """The phrasing so far (with a cursor), above the quote when one is shown."""
        self.text = text
        if text:
            self.body.setText(answer_html(text, self._numbers(), streaming=True))
        else:
            waiting = "Writing the answer…" if self.citations else "Reading your documents…"
            self.body.setText(f'<span style="color:{Theme.current().muted};">{waiting}</span>')

    def show_quote(self, citation: CitedSource) -> None:
        """The sentence the answer rests on, shown before the model phrases anything."""
        self._set_sources([citation], heading="")
        self.set_streaming(self.text)

    @property
    def quote_shown(self) -> str:
        """The quote on show ("" when none is): what a test or a screen reader can check."""
        shown = [b.citation.quote for b in self.blocks if b.quote.isVisibleTo(self)]
        return shown[0] if shown else ""

    # -- the finished answer ----------------------------------------------------------------

    def finish(
        self,
        text: str,
        citations: Sequence[CitedSource],
        found: bool = True,
        stopped: bool = False,
    ) -> None:
        """The final answer: its own words with [n] links, then each source with its quote."""
        self.text = text
        lead, _ = split_answer(text, citations)
        shown = lead.strip() or ("" if stopped or citations else "No answer came back.")
        if not found and citations:
            heading = "Closest passages"
        elif citations and not any(c.quote for c in citations):
            heading = "Sources"  # a chat kept before answers carried quotes
        else:
            heading = ""
        self._set_sources(list(citations), heading)
        self.body.setText(answer_html(shown, self._numbers()) if shown else "")
        self.body.setVisible(bool(shown))
        if stopped:
            self.note.setText("Stopped.")
            self.note.show()

    def citation(self, n: int) -> CitedSource | None:
        return next((c for c in self.citations if c.n == n), None)

    def _numbers(self) -> set[int]:
        return {c.n for c in self.citations}

    def _set_sources(self, citations: list[CitedSource], heading: str) -> None:
        for block in self.blocks:
            self.source_column.removeWidget(block)
            block.deleteLater()
        self.citations = citations
        self.blocks = []
        for citation in citations:
            block = SourceBlock(citation)
            block.link_clicked.connect(self.link_clicked)
            self.source_column.addWidget(block)
            block.show()  # a widget added to a shown one waits for the event loop otherwise
            self.blocks.append(block)
        self.sources.setVisible(bool(citations))
        self.heading.setText(heading.upper())
        self.heading.setVisible(bool(heading))

    def fit_width(self, available: int) -> None:
        """A question bubble is as wide as its text, up to most of the chat's width."""
        if self.role != "user":
            return
        widest = int(available * 0.82)
        margins = self.contentsMargins().left() + self.layout().contentsMargins().left() * 2
        text_width = self.body.fontMetrics().horizontalAdvance(self.text) + 4
        self.body.setMinimumWidth(max(20, min(text_width, widest - margins)))
        self.setMaximumWidth(widest)
