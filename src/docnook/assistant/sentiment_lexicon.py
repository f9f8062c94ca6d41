"""A sentiment lexicon's second opinion: which labels a text's own words can support.

The bundled 270M model, even calibrated, calls much factual text positive or negative (a
recall notice, an outage report). A lexicon sees what the model does not: whether the text has
opinion words at all. VADER (Hutto & Gilbert 2014, the `vaderSentiment` package, MIT; its
7,500-word lexicon ships inside the wheel, nothing is downloaded) scores each sentence; the
mean of the sentences' compound scores is its published way to read a paragraph, and its
published thresholds read the mean: at least +0.05 positive, at most -0.05 negative, else
neutral.

How the two are combined, with no weight to fit: the lexicon rules out the polar label it has
no words for, and the model chooses among the labels left (its calibrated probabilities,
restricted to them and renormalised). Neutral is never ruled out: opinion words also occur in
factual text ("failed", "record"), so a lexicon can say a text may be polar, never that it is.
Text with no opinion words leaves only neutral; text whose words lean positive leaves positive
or neutral, and the model decides. A product of two experts, the lexicon's being uniform over
the labels its reading allows.

The lexicon reads English only, so it gives its opinion only on English text; anything else
(another language, a table of numbers) is left to the model alone.

Pure functions of text (no llama.cpp); the analyzer is built once, on first use.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from functools import cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from docnook.text import STOPWORDS, WORD, sentence_spans

POLAR = 0.05  # VADER's published threshold on the compound score (its README)
# English prose is largely function words ("the", "of", "is": 43 % of the words, and at
# least 33 %, in the development set's passages); French, German or Spanish matches a few
# percent of an English stopword list, and a table of figures none. A quarter lies between.
ENGLISH_SHARE = 0.25

_lock = threading.Lock()


@cache
def _analyzer() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()  # reads its two lexicon files: about 0.1 s, once


def is_english(text: str) -> bool:
    """Whether the lexicon can read `text`: English function words are a good share of it."""
    words = [w.lower() for w in WORD.findall(text) if w.isalpha()]  # figures are no language
    return bool(words) and sum(w in STOPWORDS for w in words) >= ENGLISH_SHARE * len(words)


def compound(text: str) -> float:
    """VADER's reading of `text`: the mean compound score of its sentences, in [-1, 1]."""
    spans = sentence_spans(text) or [(0, len(text))]
    with _lock:  # the analyzer keeps no state per call, but is not documented thread-safe
        analyzer = _analyzer()
        scores = [analyzer.polarity_scores(text[a:b])["compound"] for a, b in spans]
    return sum(scores) / len(scores)


def allowed_labels(text: str) -> frozenset[str] | None:
    """The labels the lexicon leaves for `text`: neutral and the polarity its words lean to
    (none when they lean neither way); None when it cannot read the text (not English)."""
    if not is_english(text):
        return None
    score = compound(text)
    if score >= POLAR:
        return frozenset({"positive", "neutral"})
    if score <= -POLAR:
        return frozenset({"negative", "neutral"})
    return frozenset({"neutral"})


def restrict(scores: Mapping[str, float], allowed: frozenset[str] | None) -> dict[str, float]:
    """`scores` (a label distribution) restricted to `allowed` and renormalised; unchanged when
    the lexicon has no opinion (None) or when the model gives the allowed labels no mass."""
    if allowed is None:
        return dict(scores)
    kept = {k: (float(v) if k in allowed else 0.0) for k, v in scores.items()}
    total = sum(kept.values())
    if total <= 0:
        return dict(scores)
    return {k: v / total for k, v in kept.items()}


def second_opinion(scores: Mapping[str, float], text: str) -> dict[str, float]:
    """The model's calibrated `scores` for `text`, with the labels the lexicon rules out
    removed."""
    return restrict(scores, allowed_labels(text))
