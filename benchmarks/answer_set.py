"""The labelled answer set (benchmarks/answers/questions.jsonl): loading, checking, scoring rules.

Kept apart from bench_answers.py so the unit test (tests/unit/test_answer_set.py) can check the
set without the documents, the index or the model. One JSON object a line:

    id           unique, e.g. "ri07"
    document     file name of the PDF in benchmarks/data/answers-corpus/
    sha256       of that PDF's bytes: a changed document is reported, not scored
    collection   "manual" or "paper"
    question     as a person would ask it
    gold_pages   acceptable 1-based PDF page indexes (as DocNook counts, not printed labels);
                 empty for unanswerable questions
    gold_answer  a short exact string a right answer must contain, a list of acceptable
                 alternatives, or null
    answerable   false: on topic, plausible, and not answered anywhere in the corpus
    kind         fact / paraphrase (shares few words with its page) / explain (no short
                 answer) / unanswerable
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUESTIONS = HERE / "answers" / "questions.jsonl"
KINDS = ("fact", "paraphrase", "explain", "unanswerable")
COLLECTIONS = ("manual", "paper")
# The measurement section of issue 11 asks for at least these.
MINIMUMS = {"gold_pages": 80, "gold_answer": 40, "unanswerable": 15, "paraphrase": 15}
# "Answer right": the gold answer within the first this many characters of the answer.
ANSWER_WINDOW = 400


@dataclass(frozen=True)
class Question:
    id: str
    document: str
    sha256: str
    collection: str
    question: str
    gold_pages: tuple[int, ...]
    gold_answers: tuple[str, ...]  # empty: no short gold answer
    answerable: bool
    kind: str


def normalise(text: str) -> str:
    """Case-folded, NFKC (so PDF ligatures such as 'ﬁ' read as 'fi'), whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def contains_gold(text: str, golds: tuple[str, ...]) -> bool:
    """Whether `text` holds any of the gold alternatives, after normalising both."""
    haystack = normalise(text)
    return any(normalise(gold) in haystack for gold in golds)


def _golds(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) and value.strip():
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(value)
    raise ValueError(f"gold_answer must be null, a string or a list of strings: {value!r}")


def parse(line: str, number: int) -> Question:
    """One line of the set, checked field by field; ValueError says which line and why."""
    try:
        row = json.loads(line)
        pages = row["gold_pages"]
        if not isinstance(pages, list) or not all(
            isinstance(p, int) and not isinstance(p, bool) and p >= 1 for p in pages
        ):
            raise ValueError(f"gold_pages must be a list of page numbers from 1: {pages!r}")
        question = Question(
            id=str(row["id"]),
            document=str(row["document"]),
            sha256=str(row["sha256"]),
            collection=str(row["collection"]),
            question=str(row["question"]),
            gold_pages=tuple(pages),
            gold_answers=_golds(row["gold_answer"]),
            answerable=row["answerable"],
            kind=str(row["kind"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"line {number}: {exc}") from None
    if not isinstance(question.answerable, bool):
        raise ValueError(f"line {number}: answerable must be true or false")
    if question.kind not in KINDS or question.collection not in COLLECTIONS:
        raise ValueError(f"line {number}: unknown kind or collection")
    if not re.fullmatch(r"[0-9a-f]{64}", question.sha256):
        raise ValueError(f"line {number}: sha256 must be 64 hex digits")
    if question.answerable != (question.kind != "unanswerable"):
        raise ValueError(f"line {number}: only unanswerable questions may be unanswerable")
    if question.answerable != bool(question.gold_pages):
        raise ValueError(f"line {number}: answerable questions, and only they, have gold pages")
    if not question.answerable and question.gold_answers:
        raise ValueError(f"line {number}: an unanswerable question has no gold answer")
    return question


def load(path: Path = QUESTIONS) -> list[Question]:
    lines = path.read_text(encoding="utf-8").splitlines()
    questions = [parse(line, n) for n, line in enumerate(lines, 1) if line.strip()]
    ids = Counter(q.id for q in questions)
    duplicated = sorted(i for i, n in ids.items() if n > 1)
    if duplicated:
        raise ValueError(f"duplicate ids: {', '.join(duplicated)}")
    shas: dict[str, set[str]] = {}
    for q in questions:
        shas.setdefault(q.document, set()).add(q.sha256)
    mixed = sorted(d for d, s in shas.items() if len(s) > 1)
    if mixed:
        raise ValueError(f"more than one sha256 for: {', '.join(mixed)}")
    return questions


def counts(questions: list[Question]) -> dict[str, int]:
    """The counts that MINIMUMS are checked against, and the rest for the README."""
    result = {
        "questions": len(questions),
        "gold_pages": sum(1 for q in questions if q.gold_pages),
        "gold_answer": sum(1 for q in questions if q.gold_answers),
        "documents": len({q.document for q in questions}),
    }
    for kind in KINDS:
        result[kind] = sum(1 for q in questions if q.kind == kind)
    for collection in COLLECTIONS:
        result[collection] = sum(1 for q in questions if q.collection == collection)
    return result
