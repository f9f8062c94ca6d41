"""The labelled answer set of benchmarks/answers/ is well formed and as large as issue 11 asks.

Needs neither the documents nor the index: only the set file and its loader."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _load_module():
    spec = importlib.util.spec_from_file_location("answer_set", BENCHMARKS / "answer_set.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("answer_set", module)
    spec.loader.exec_module(module)
    return module


answer_set = _load_module()


@pytest.fixture(scope="module")
def questions():
    return answer_set.load(answer_set.QUESTIONS)


def test_counts_meet_the_minimums(questions) -> None:
    counts = answer_set.counts(questions)
    for name, minimum in answer_set.MINIMUMS.items():
        assert counts[name] >= minimum, (name, counts[name])
    assert counts["questions"] >= 80
    # Two kinds of documents, and neither is a token presence.
    assert counts["manual"] >= 30 and counts["paper"] >= 30


def test_fields_are_well_typed(questions) -> None:
    for q in questions:
        assert q.question.strip() and q.document.endswith(".pdf")
        assert all(isinstance(p, int) and p >= 1 for p in q.gold_pages)
        assert all(g.strip() for g in q.gold_answers)
        if q.answerable:
            assert q.gold_pages and q.kind != "unanswerable"
        else:
            assert not q.gold_pages and not q.gold_answers and q.kind == "unanswerable"


def test_ids_and_questions_are_unique(questions) -> None:
    assert len({q.id for q in questions}) == len(questions)
    assert len({answer_set.normalise(q.question) for q in questions}) == len(questions)


def test_each_document_has_one_hash_and_questions_of_its_own(questions) -> None:
    by_document: dict[str, set[str]] = {}
    for q in questions:
        by_document.setdefault(q.document, set()).add(q.sha256)
    assert all(len(hashes) == 1 for hashes in by_document.values())
    assert len(by_document) >= 4


def test_the_loader_says_which_line_is_wrong(tmp_path: Path, questions) -> None:
    good = json.loads(answer_set.QUESTIONS.read_text(encoding="utf-8").splitlines()[0])
    for change in (
        {"gold_pages": ["12"]},
        {"gold_pages": [0]},
        {"answerable": "yes"},
        {"kind": "trivia"},
        {"sha256": "abc"},
        {"gold_answer": ""},
    ):
        path = tmp_path / "set.jsonl"
        path.write_text(
            json.dumps(good) + "\n" + json.dumps({**good, "id": "other", **change}) + "\n"
        )
        with pytest.raises(ValueError, match="line 2"):
            answer_set.load(path)
    path = tmp_path / "set.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(good) + "\n")
    with pytest.raises(ValueError, match="duplicate ids"):
        answer_set.load(path)


def test_gold_matching_is_normalised() -> None:
    assert answer_set.contains_gold("Set  HEADER = TRUE\nin the call", ("header = true",))
    assert answer_set.contains_gold("no over\ufb01tting here", ("overfitting",))
    assert not answer_set.contains_gold("the file .Rhistory", (".RData",))
