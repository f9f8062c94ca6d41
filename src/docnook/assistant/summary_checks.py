"""Whether the model's words may replace the document's in a summary.

The same rule as answers (`llm/grounding.py`): every number, identifier and name the model
writes must occur in the pages the point cites. A shortened point must in addition keep every
number and name of the sentence it shortens (a shorter sentence that dropped the figure has
lost the fact the point was chosen for) and say little beyond it. An overview must be made of
the points' words, not of the model's general knowledge. Pure functions over strings.
"""

from __future__ import annotations

from docnook import text as textrules
from docnook.llm import grounding

MIN_WORDS = 4
MAX_LENGTH_SHARE = 0.9  # a "shorter" sentence must be at least this much shorter
MIN_OWN_WORDS_SHARE = 0.8  # of the shortened point's content words, the share in the sentence
MIN_OVERVIEW_WORDS = 6
MIN_OVERVIEW_SHARE = 0.7  # of the overview's content words, the share in the points


def shortened_ok(shortened: str, sentence: str, pages_text: str) -> bool:
    """Whether `shortened` may stand for `sentence` (which is on `pages_text`)."""
    shortened = " ".join(shortened.split())
    if len(textrules.words(shortened)) < MIN_WORDS:
        return False
    if len(shortened) > MAX_LENGTH_SHARE * len(" ".join(sentence.split())):
        return False
    if not grounding.check(shortened, pages_text).passed:
        return False
    if not grounding.numbers(sentence) <= grounding.numbers(shortened):
        return False
    kept_words = set(textrules.words(shortened))
    if not grounding.names(sentence) <= kept_words:
        return False
    return _share_in(shortened, sentence) >= MIN_OWN_WORDS_SHARE


def overview_ok(overview: str, points_text: str, pages_text: str) -> bool:
    """Whether `overview` states only what the points' pages hold, in the points' words."""
    if len(textrules.words(overview)) < MIN_OVERVIEW_WORDS:
        return False
    if not grounding.check(overview, pages_text).passed:
        return False
    return _share_in(overview, points_text) >= MIN_OVERVIEW_SHARE


def _share_in(text: str, source: str) -> float:
    mine = textrules.content_words(text)
    if not mine:
        return 0.0
    return len(mine & textrules.content_words(source)) / len(mine)
