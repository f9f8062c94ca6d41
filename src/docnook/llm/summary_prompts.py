"""The prompts of summaries: shorten one key point, and write an overview from the points.

The key points are the document's own sentences (`assistant/key_points.py`); the model only
shortens a long one and writes two sentences of overview, and each result is checked before it
is used (`assistant/summary_checks.py`). A base model (the bundled Gemma 3 270M) gets a plain
document to continue, with worked examples for the shortening, whose pattern (drop the
padding, keep every number and name) a small model copies well; their sentences are about
nothing any document here is about, so a copied example fails the check against the page. A
chat model gets one user message through its template. Pure: no llama.cpp, no SQLite.
"""

from __future__ import annotations

from collections.abc import Sequence

from docnook.llm.prompts import Prompt, PromptStyle, Sampling

# Part of every cached summary's key: a new wording expires the summaries made with the old.
SUMMARY_VERSION = "summary-2"
OVERVIEW_TOKENS = 90

_SHORTEN_INSTRUCTION = "Rewrite each sentence shorter. Keep every number and every name."
_SHORTEN_EXAMPLES = """Sentence: After a long discussion that lasted most of the afternoon, the \
committee finally agreed to move the annual fair to the second week of August.
Shorter: The committee agreed to move the annual fair to the second week of August.

Sentence: According to the survey that was carried out among residents in the spring, about \
62 percent of households now sort their waste into at least three bins.
Shorter: About 62 percent of households sort their waste into at least three bins.

"""
_OVERVIEW_INSTRUCTION = (
    "Write an overview of the document in two sentences, using only the facts in its key points."
)
# A repeat penalty makes a small model avoid the very words it must keep: shortening copies.
_COPYING = Sampling(repeat_penalty=1.0)


def shorten_prompt(style: PromptStyle, sentence: str) -> Prompt:
    """Shorten one key point; the answer may be no longer than the sentence."""
    sentence = " ".join(sentence.split())
    budget = style.count(sentence) + 4
    if style.chat:
        body = style.user_turn(
            f"{_SHORTEN_INSTRUCTION} Reply with the shorter sentence only.\n\n{sentence}"
        )
        return Prompt(body, (), budget, special=True, sampling=_COPYING)
    text = f"{_SHORTEN_INSTRUCTION}\n\n{_SHORTEN_EXAMPLES}Sentence: {sentence}\nShorter:"
    return Prompt(text, ("\n",), budget, sampling=_COPYING)


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
    text = f"{_OVERVIEW_INSTRUCTION}\n\nDocument: {title}\nKey points:\n{listed}\n\nOverview:"
    return Prompt(text, ("\n\n", "\n-", "\nKey points"), OVERVIEW_TOKENS)
