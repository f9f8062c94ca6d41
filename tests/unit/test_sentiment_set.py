"""The labelled sentiment set is what the benchmark says it is, and its scoring is right."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_sentiment.py"
_spec = importlib.util.spec_from_file_location("bench_sentiment", BENCH)
assert _spec is not None and _spec.loader is not None
bench = importlib.util.module_from_spec(_spec)
sys.modules["bench_sentiment"] = bench  # its dataclass looks its module up there
_spec.loader.exec_module(bench)
PASSAGES, metrics = bench.PASSAGES, bench.metrics


def test_the_set_is_balanced_varied_and_unique() -> None:
    assert len(PASSAGES) >= 60
    counts = Counter(p.label for p in PASSAGES)
    assert set(counts) == {"positive", "neutral", "negative"}
    assert len(set(counts.values())) == 1
    assert len({p.id for p in PASSAGES}) == len(PASSAGES)
    assert len({p.text for p in PASSAGES}) == len(PASSAGES)
    for label in counts:
        assert len({p.kind for p in PASSAGES if p.label == label}) >= 6


def test_macro_f1_by_hand() -> None:
    gold = ["positive", "positive", "neutral", "negative"]
    predicted = ["positive", "neutral", "neutral", "positive"]
    result = metrics(gold, predicted)
    # positive: P 1/2, R 1/2 -> 0.5; neutral: P 1/2, R 1 -> 2/3; negative: no hit -> 0.
    assert result["accuracy"] == pytest.approx(0.5)
    assert result["macro_f1"] == pytest.approx((0.5 + 2 / 3 + 0) / 3)
    assert result["confusion"]["positive"] == {"positive": 1, "neutral": 1, "negative": 0}


def test_the_development_set_is_balanced_and_apart_from_the_benchmark() -> None:
    dev = bench.load_passages(bench.SETS["dev"])
    counts = Counter(p.label for p in dev)
    assert set(counts) == {"positive", "neutral", "negative"}
    assert min(counts.values()) >= 15 and len(set(counts.values())) == 1
    assert len({p.id for p in dev}) == len(dev)
    assert not {p.id for p in dev} & {p.id for p in PASSAGES}
    assert not {p.text for p in dev} & {p.text for p in PASSAGES}
    for label in counts:
        assert len({p.kind for p in dev if p.label == label}) >= 6
