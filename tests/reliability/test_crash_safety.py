"""SIGKILL at random moments, while indexing a PDF set and while summarising: after every kill
the index passes SQLite's integrity check, holds whole documents only (every page, chunk and
embedding of each, or nothing of it), the cache holds no half result, and running the same
command again finishes the job."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
import sqlean

from docnook.hashing import sha256_file
from indexcheck import check_index
from pdfmaker import make_pdf
from processes import environment, kill_hard, run, start

pytestmark = pytest.mark.slow

WORDS = [
    "tenant",
    "landlord",
    "clause",
    "notice",
    "rent",
    "deposit",
    "repair",
    "survey",
    "harbour",
    "tide",
    "ledger",
    "invoice",
    "patient",
    "dosage",
    "trial",
    "cohort",
    "witness",
    "verdict",
    "appeal",
    "statute",
    "parcel",
    "boundary",
    "easement",
]
SEED = 20261202


def _pages(rng: random.Random, count: int, tag: str) -> list[str]:
    return [
        f"{tag} page {n}. "
        + " ".join(" ".join(rng.choice(WORDS) for _ in range(12)) + "." for _ in range(16))
        for n in range(1, count + 1)
    ]


@pytest.fixture(scope="module")
def pdf_set(tmp_path_factory) -> Path:
    """Twenty small documents and two long ones (long ones take longer to embed and commit)."""
    docs = tmp_path_factory.mktemp("set")
    rng = random.Random(SEED)
    for n in range(20):
        make_pdf(docs / f"memo-{n:02d}.pdf", _pages(rng, 12, f"Memo {n}"), title=f"Memo {n}")
    for n in range(2):
        make_pdf(docs / f"report-{n}.pdf", _pages(rng, 120, f"Report {n}"), title=f"Report {n}")
    return docs


def _document_count(index: Path) -> int:
    try:
        conn = sqlean.connect(f"file:{index}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        finally:
            conn.close()
    except sqlean.Error:  # not made yet, or its schema not yet committed
        return 0


def _kill_at_random(args: list[str], env: dict, index: Path, rng: random.Random, early: bool):
    """Start `docnook ARGS` and SIGKILL it: `early`, at any moment of its start-up and first
    steps; else a random moment after it committed its next document. Returns whether it was
    killed (False: it finished first) and how long it ran."""
    before = _document_count(index)
    process = start(args, env)
    started = time.monotonic()
    if early:
        time.sleep(rng.uniform(0.05, 2.0))
    else:
        while process.poll() is None and _document_count(index) == before:
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 0.6))
    finished = process.poll() is not None
    kill_hard(process)
    return not finished, time.monotonic() - started


def _assert_whole(index: Path, expected: set[str]) -> set[str]:
    state = check_index(index)
    assert state.problems == [], state.problems
    assert set(state.documents) <= expected
    assert set(state.documents.values()) <= {"indexed"}
    return state.indexed()


def test_kills_while_indexing_leave_whole_documents_and_a_rerun_completes(
    pdf_set: Path, tmp_path: Path, embedder
) -> None:
    rng = random.Random(SEED)
    data = tmp_path / "data"
    index = data / "library.sqlite3"
    env = environment(data)
    expected = {str(p) for p in pdf_set.glob("*.pdf")}
    args = ["index", str(pdf_set), "--json"]

    mid_batch = 0
    seen: list[int] = []
    for attempt in range(12):
        killed, ran = _kill_at_random(args, env, index, rng, early=attempt < 3)
        done = _assert_whole(index, expected)
        seen.append(len(done))
        print(f"kill {attempt + 1}: after {ran:.2f} s, {len(done)}/{len(expected)} documents")
        if killed and 0 < len(done) < len(expected):
            mid_batch += 1
        if not killed:
            break
    assert mid_batch >= 5, f"too few kills landed mid-batch: {seen}"

    final = run(args, env)
    assert final.returncode == 0, final.stderr
    report = final.json()
    assert report["failed"] == 0 and not report["cancelled"]
    assert _assert_whole(index, expected) == expected
    # What an earlier run finished is not read again.
    assert report["unchanged"] == seen[-1]

    # The same for changed files: a kill while they are re-indexed leaves each document
    # wholly its old version or wholly its new one.
    old = _shas(index)
    changed = sorted(pdf_set.glob("memo-*.pdf"))[:8]
    for n, path in enumerate(changed):
        make_pdf(path, _pages(rng, 12, f"Revised memo {n}"), title=f"Revised memo {n}")
    for _ in range(3):
        _kill_at_random(args, env, index, rng, early=False)
        assert _assert_whole(index, expected) == expected
        now = _shas(index)
        assert all(now[p] in (old[p], sha256_file(Path(p))) for p in expected)
    final = run(args, env)
    assert final.returncode == 0, final.stderr
    assert _shas(index) == {p: sha256_file(Path(p)) for p in expected}
    assert _assert_whole(index, expected) == expected


def _shas(index: Path) -> dict[str, str]:
    conn = sqlean.connect(str(index))
    try:
        return dict(conn.execute("SELECT path, sha256 FROM documents").fetchall())
    finally:
        conn.close()


def test_kills_during_a_summary_leave_no_half_result(tmp_path: Path, embedder) -> None:
    rng = random.Random(SEED + 1)
    data = tmp_path / "data"
    index = data / "library.sqlite3"
    env = environment(data)
    doc = make_pdf(tmp_path / "minutes.pdf", _pages(rng, 6, "Minutes"), title="Board minutes")
    assert run(["index", str(doc)], env).returncode == 0

    args = ["summarize", str(doc), "--json"]
    for attempt in range(4):
        process = start(args, env)
        time.sleep(rng.uniform(0.3, 4.0))
        finished = process.poll() is not None
        kill_hard(process)
        state = check_index(index)
        assert state.problems == [], state.problems
        print(f"summary kill {attempt + 1}: {'finished first' if finished else 'killed'}")
        if finished:
            break
        assert state.analyses == 0, "a killed summary left a cached result"

    first = run(args, env)
    assert first.returncode == 0, first.stderr
    assert first.json()["summary"].strip()
    again = run(args, env)
    assert again.json() == {**first.json(), "cached": True}
    assert check_index(index).problems == []
