"""The lexicon's second opinion: VADER's reading by its published rules, and the labels it
leaves to the model."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from docnook.assistant import sentiment_lexicon as lexicon
from docnook.llm import prompts
from docnook.text import sentences

NOTICE = (
    "The swimming pool is closed from 3 to 14 March for maintenance. The gym stays open. "
    "Members with questions may ask at the front desk."
)
PRAISE = "What a lovely hotel. The staff were wonderful and breakfast was delicious."
COMPLAINT = "Awful service. The food was cold, the waiter was rude and we felt cheated."
POSITIVE_MODEL = {"positive": 0.6, "neutral": 0.1, "negative": 0.3}


def test_the_reading_is_the_mean_of_vaders_sentence_scores() -> None:
    analyzer = SentimentIntensityAnalyzer()
    text = f"{PRAISE} {NOTICE}"
    expected = [analyzer.polarity_scores(s)["compound"] for s in sentences(text)]
    assert len(expected) == 5
    assert lexicon.compound(text) == pytest.approx(sum(expected) / len(expected))
    assert lexicon.compound("") == 0.0


def test_the_labels_left_follow_the_published_thresholds() -> None:
    assert lexicon.allowed_labels(NOTICE) == {"neutral"}
    assert lexicon.allowed_labels(PRAISE) == {"positive", "neutral"}
    assert lexicon.allowed_labels(COMPLAINT) == {"negative", "neutral"}
    assert lexicon.compound(PRAISE) >= lexicon.POLAR
    assert lexicon.compound(COMPLAINT) <= -lexicon.POLAR


def test_text_it_cannot_read_is_left_to_the_model() -> None:
    german = "Das Hotel war wunderbar und das Personal sehr freundlich. Wir kommen gern wieder."
    figures = "Haemoglobin 128 g/L, platelets 240, sodium 139 mmol/L, potassium 4.1 mmol/L."
    for text in (german, figures, "", "2024 2025"):
        assert not lexicon.is_english(text)
        assert lexicon.allowed_labels(text) is None
        assert lexicon.second_opinion(POSITIVE_MODEL, text) == POSITIVE_MODEL
    assert lexicon.is_english(NOTICE) and lexicon.is_english(PRAISE)


def test_a_factual_page_the_model_calls_polar_comes_out_neutral() -> None:
    assert lexicon.second_opinion(POSITIVE_MODEL, NOTICE) == {
        "positive": 0.0,
        "neutral": 1.0,
        "negative": 0.0,
    }
    # Words that lean positive leave positive or neutral, and the model chooses between them.
    kept = lexicon.second_opinion(POSITIVE_MODEL, PRAISE)
    assert kept == pytest.approx({"positive": 6 / 7, "neutral": 1 / 7, "negative": 0.0})
    kept = lexicon.second_opinion(POSITIVE_MODEL, COMPLAINT)
    assert kept == pytest.approx({"positive": 0.0, "neutral": 0.25, "negative": 0.75})


distributions = st.lists(st.floats(0.0, 1.0), min_size=3, max_size=3).filter(
    lambda xs: sum(xs) > 1e-3
)
label_sets = st.sets(st.sampled_from(prompts.LABELS), min_size=1)


@given(distributions, label_sets)
def test_restricting_keeps_a_distribution_in_proportion(values, allowed) -> None:
    scores = {k: v / sum(values) for k, v in zip(prompts.LABELS, values, strict=True)}
    kept = lexicon.restrict(scores, frozenset(allowed))
    assert set(kept) == set(scores)
    assert sum(kept.values()) == pytest.approx(1.0)
    if sum(scores[k] for k in allowed) <= 0:
        assert kept == scores  # nothing of the model's left: it keeps its own reading
        return
    for k in scores:
        if k not in allowed:
            assert kept[k] == 0.0
    for a in allowed:
        for b in allowed:
            assert kept[a] * scores[b] == pytest.approx(kept[b] * scores[a], abs=1e-12)
