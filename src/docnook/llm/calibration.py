"""Contextual calibration of label probabilities (Zhao et al. 2021, "Calibrate Before Use").

A small model asked for a label has a bias of its own: its prompt, its few-shot examples and
the frequency of the label words make it favour some labels whatever the text says (the
bundled 270M model says "positive" or "negative" for nearly every factual page). Calibration
measures that bias on inputs with no content ("N/A", "", "[MASK]") read with the very same
prompt, and divides it out: with `prior` the mean distribution for those inputs,

    calibrated(label) = (p(label) / prior(label)) / sum over labels of (p / prior)

which is the paper's W = diag(prior)^-1, b = 0, so that a content-free input comes out exactly
uniform. It uses no labelled data; the prior depends only on the model and the prompt, so it is
computed once per model file and prompt version and kept (see `assistant.calibration_cache`).

Pure functions: no llama.cpp, unit-tested on their own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

CONTENT_FREE: tuple[str, ...] = ("N/A", "", "[MASK]")
FLOOR = 1e-6  # a prior this small would blow a label up; no real model gives one


def mean_distribution(distributions: Sequence[Mapping[str, float]]) -> dict[str, float]:
    """The mean of label distributions over the same labels (the prior of the paper)."""
    if not distributions:
        raise ValueError("calibration needs at least one content-free distribution")
    labels = list(distributions[0])
    return {k: sum(float(d[k]) for d in distributions) / len(distributions) for k in labels}


def calibrate(probabilities: Mapping[str, float], prior: Mapping[str, float]) -> dict[str, float]:
    """`probabilities` divided by the model's bias `prior`, normalised to sum to 1. A label the
    prior does not know keeps its probability (divided by 1)."""
    weights = {k: float(p) / max(float(prior.get(k, 1.0)), FLOOR) for k, p in probabilities.items()}
    total = sum(weights.values())
    if total <= 0:
        return {k: 1.0 / len(weights) for k in weights}
    return {k: w / total for k, w in weights.items()}


def weighted_mean(
    distributions: Sequence[Mapping[str, float]], weights: Sequence[float]
) -> dict[str, float]:
    """The mean of distributions weighted by `weights` (token counts): a page's distribution
    from its sentences', a document's from its pages'."""
    if not distributions:
        raise ValueError("nothing to average")
    total = sum(weights)
    labels = list(distributions[0])
    if total <= 0:
        return mean_distribution(distributions)
    return {
        k: sum(float(d[k]) * w for d, w in zip(distributions, weights, strict=True)) / total
        for k in labels
    }
