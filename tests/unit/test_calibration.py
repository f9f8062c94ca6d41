"""The calibration math (contextual calibration, Zhao et al. 2021) against hand-computed values
and its defining properties, and the sentence pieces a page is read in."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docnook.assistant.sentiment_scoring import SentenceScore, reasons, sentence_pieces
from docnook.llm.calibration import calibrate, mean_distribution, weighted_mean

LABELS = ("positive", "neutral", "negative")


def dist(a: float, b: float, c: float) -> dict[str, float]:
    total = a + b + c
    return {"positive": a / total, "neutral": b / total, "negative": c / total}


distributions = st.tuples(*(st.floats(0.01, 1.0),) * 3).map(lambda t: dist(*t))


def test_calibrate_by_hand() -> None:
    # (0.5/0.5, 0.2/0.1, 0.3/0.4) = (1, 2, 0.75), normalised by 3.75.
    calibrated = calibrate(dist(0.5, 0.2, 0.3), dist(0.5, 0.1, 0.4))
    assert calibrated == pytest.approx(
        {"positive": 1 / 3.75, "neutral": 2 / 3.75, "negative": 0.75 / 3.75}
    )
    assert max(calibrated, key=calibrated.__getitem__) == "neutral"  # raw said positive


def test_the_prior_is_the_mean_of_the_content_free_answers() -> None:
    prior = mean_distribution([dist(0.3, 0.1, 0.6), dist(0.6, 0.2, 0.2), dist(0.45, 0.15, 0.4)])
    assert prior == pytest.approx({"positive": 0.45, "neutral": 0.15, "negative": 0.4})
    with pytest.raises(ValueError):
        mean_distribution([])


@given(distributions)
def test_a_content_free_input_comes_out_uniform(prior: dict[str, float]) -> None:
    assert calibrate(prior, prior) == pytest.approx(dict.fromkeys(LABELS, 1 / 3))


@given(distributions, distributions)
def test_calibrated_is_a_distribution_that_keeps_the_odds_ratios(p, prior) -> None:
    out = calibrate(p, prior)
    assert sum(out.values()) == pytest.approx(1.0)
    assert all(v > 0 for v in out.values())
    # Dividing by the prior is an affine shift of the log-odds: log(out_a/out_b) =
    # log(p_a/p_b) - log(prior_a/prior_b), for every pair of labels.
    for a in LABELS:
        for b in LABELS:
            left = math.log(out[a] / out[b])
            right = math.log(p[a] / p[b]) - math.log(prior[a] / prior[b])
            assert left == pytest.approx(right, abs=1e-9)


def test_a_uniform_prior_changes_nothing_and_a_tiny_one_is_floored() -> None:
    p = dist(0.7, 0.1, 0.2)
    assert calibrate(p, dict.fromkeys(LABELS, 1 / 3)) == pytest.approx(p)
    out = calibrate(p, {"positive": 0.0, "neutral": 0.5, "negative": 0.5})
    assert math.isfinite(out["positive"]) and sum(out.values()) == pytest.approx(1.0)


def test_weighted_mean() -> None:
    mean = weighted_mean([dist(1, 0, 0), dist(0, 0, 1)], [3, 1])
    assert mean == pytest.approx({"positive": 0.75, "neutral": 0.0, "negative": 0.25})
    assert weighted_mean([dist(1, 1, 2)], [0]) == pytest.approx(dist(1, 1, 2))


def words(text: str) -> int:
    return len(text.split())


def test_sentence_pieces_join_fragments_and_cut_long_sentences() -> None:
    text = "Notice. The office is closed on Monday for the holiday. It opens again on Tuesday."
    pieces = [text[a:b] for a, b in sentence_pieces(text, 100, words)]
    assert pieces == [
        "Notice. The office is closed on Monday for the holiday.",
        "It opens again on Tuesday.",
    ]
    long = " ".join(f"w{i}" for i in range(25)) + "."
    cut = [long[a:b] for a, b in sentence_pieces(long, 10, words)]
    assert all(words(c) <= 10 for c in cut) and " ".join(cut) == long
    short = "Page 3"
    assert [short[a:b] for a, b in sentence_pieces(short, 100, words)] == ["Page 3"]
    assert sentence_pieces("", 100, words) == []


def test_reasons_weigh_share_times_probability_largest_first() -> None:
    text = "A long calm sentence of many words here. Awful!"
    scored = [
        SentenceScore(0, 40, 8, dist(0.2, 0.6, 0.2)),
        SentenceScore(41, 47, 2, dist(0.05, 0.05, 0.9)),
    ]
    calm, awful = reasons(text, scored, "negative")[::-1]
    # 8/10 * 0.2 = 0.16 against 2/10 * 0.9 = 0.18: the short, strong sentence weighs more.
    assert (awful.text, awful.weight) == ("Awful!", pytest.approx(0.18))
    assert (calm.text, calm.weight) == (
        "A long calm sentence of many words here.",
        pytest.approx(0.16),
    )
    assert [r.text for r in reasons(text, scored, "neutral", keep=1)] == [calm.text]
    # Over all sentences the weights add up to the sentences' length-weighted mean.
    mean = weighted_mean([s.scores for s in scored], [s.tokens for s in scored])
    total = sum(r.weight for r in reasons(text, scored, "neutral"))
    assert total == pytest.approx(mean["neutral"])


def test_the_kept_priors_are_listed_and_deleted_with_docnooks_data(tmp_path, monkeypatch):
    from docnook import footprint
    from docnook.assistant.calibration_cache import CalibrationCache

    data, cache = tmp_path / "data", tmp_path / "cache"
    monkeypatch.setenv("DOCNOOK_DATA_DIR", str(data))
    monkeypatch.setenv("DOCNOOK_CACHE_DIR", str(cache))
    kept = CalibrationCache(data)
    kept.put("abc", "sentiment-1", dist(0.5, 0.1, 0.4))
    assert kept.get("abc", "sentiment-1") == pytest.approx(dist(0.5, 0.1, 0.4))
    assert kept.get("abc", "sentiment-2") is None and kept.get("other", "sentiment-1") is None
    assert (kept.path.stat().st_mode & 0o777) == 0o600
    kept.path.write_text("{broken")  # damaged: measured again, never an error
    assert kept.get("abc", "sentiment-1") is None
    kept.put("abc", "sentiment-1", dist(0.5, 0.1, 0.4))
    found = {loc.key: loc for loc in footprint.footprint().locations}
    assert found["calibration"].exists and "other-data" not in found
    footprint.delete_all()
    assert not data.exists()
