"""The prompts of summaries: shorten one key point, and write an overview from the points.

The key points are the document's own sentences (`assistant/key_points.py`); the model only
shortens a long one (a chat model: the bundled 270M base model gives a sentence back word for
word) and writes two sentences of overview, and each result is checked before it is used
(`assistant/summary_checks.py`). A base model gets a plain document to continue, with a worked
example whose pattern (join the points into two sentences, keep every number and name) a small
model copies well; it is about nothing any document here is about, so a copied example fails
the check against the pages. A chat model gets one user message through its template. Pure: no
llama.cpp, no SQLite.
"""

from __future__ import annotations

from collections.abc import Sequence

from docnook.llm.prompts import Prompt, PromptStyle, Sampling

# Part of every cached summary's key: a new wording expires the summaries made with the old.
SUMMARY_VERSION = "summary-6"  # 3: a cover of facts; 4: of 1-3 sentences; 5: briefs filled;
# 6: no point from a reprinted licence or a line ending in a colon
OVERVIEW_TOKENS = 90

_SHORTEN_INSTRUCTION = "Rewrite the sentence shorter. Keep every number and every name."
_OVERVIEW_INSTRUCTION = (
    "Write an overview of the document in two sentences, using only the facts in its key points."
)
_OVERVIEW_EXAMPLE = """Document: Village water board annual letter
Key points:
- The board replaced 3 kilometres of old pipes in the spring.
- Water use fell by 6 percent after the leaks were fixed.
- The board decided to keep the price of water unchanged next year.

Overview: The water board replaced 3 kilometres of old pipes, and water use fell by 6 percent \
once the leaks were fixed. The price of water stays unchanged next year.

"""
# A repeat penalty makes a small model avoid the very words it must keep: shortening copies.
_COPYING = Sampling(repeat_penalty=1.0)


def shorten_prompt(style: PromptStyle, sentence: str) -> Prompt:
    """Shorten one key point, for a chat model; the answer may be no longer than the
    sentence. (A base model is not asked: the bundled one gives the sentence back as it is.)"""
    sentence = " ".join(sentence.split())
    body = style.user_turn(
        f"{_SHORTEN_INSTRUCTION} Reply with the shorter sentence only.\n\n{sentence}"
    )
    return Prompt(body, (), style.count(sentence) + 4, special=True, sampling=_COPYING)


def overview_prompt(style: PromptStyle, title: str, points: Sequence[str]) -> Prompt:
    """Two sentences about the document from its key points (most important first)."""
    listed = "\n".join(f"- {' '.join(p.split())}" for p in points)
    title = " ".join(title.split())
    if style.chat:
        body = style.user_turn(
            f"{_OVERVIEW_INSTRUCTION} Reply with the overview only.\n\n"
            f"Document: {title}\nKey points:\n{listed}"
        )
        return Prompt(body, (), OVERVIEW_TOKENS, special=True)
    text = (
        f"{_OVERVIEW_INSTRUCTION}\n\n{_OVERVIEW_EXAMPLE}"
        f"Document: {title}\nKey points:\n{listed}\n\nOverview:"
    )
    return Prompt(text, ("\n\n", "\n-", "\nKey points"), OVERVIEW_TOKENS)
