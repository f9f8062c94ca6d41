"""Several users of one library at once: searching and asking while another process indexes,
and two DocNook processes indexing into the same data folder. Nobody waits for an error,
nobody sees half a document, and the index ends whole with every file in it once."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from docnook.assistant import Assistant
from docnook.config import Settings
from docnook.library import Library
from indexcheck import check_index
from pdfmaker import make_pdf
from processes import environment, run, start

pytestmark = pytest.mark.slow

GUIDE = [
    "The lighthouse of Eldvik was kept by Marta Olsen, who lit its lamp every night for forty "
    "years. Her logbooks record every passing ship and every storm. " * 3,
]
WORDS = ["invoice", "ledger", "tenant", "clause", "survey", "harbour", "deposit", "notice"]


def _batch(folder: Path, documents: int, pages: int, seed: int) -> Path:
    rng = random.Random(seed)
    for n in range(documents):
        make_pdf(
            folder / f"file-{n:02d}.pdf",
            [
                f"File {n} page {p}. " + " ".join(rng.choice(WORDS) for _ in range(180)) + "."
                for p in range(1, pages + 1)
            ],
        )
    return folder


def test_search_and_ask_while_another_process_indexes(tmp_path: Path, embedder) -> None:
    data = tmp_path / "data"
    make_pdf(tmp_path / "guide.pdf", GUIDE, title="Eldvik guide")
    with Library(data, embedder) as library:
        assert library.index([tmp_path / "guide.pdf"]).indexed == 1
    batch = _batch(tmp_path / "batch", documents=14, pages=12, seed=1)

    searches = asks = 0
    visible: list[int] = []
    with Library(data, embedder) as library, Assistant(data, embedder) as assistant:
        assistant.apply_settings(Settings(n_ctx=1024, n_threads=1))  # loaded before the race
        indexer = start(["index", str(batch), "--json"], environment(data))
        while indexer.poll() is None:
            hits = library.search("ledger invoice tenant", k=5)
            searches += 1
            assert {Path(h.path).parent for h in hits} <= {batch, tmp_path}
            state = check_index(data / "library.sqlite3")
            assert state.problems == [], state.problems
            visible.append(len(state.documents))
            if asks < 2 and indexer.poll() is None:
                answer = assistant.ask("Who kept the lighthouse of Eldvik?")
                assert answer.found and "Marta" in answer.answer
                asks += 1
        _, err = indexer.communicate()
    assert indexer.returncode == 0, err
    print(
        f"{searches} searches, {asks} answers while indexing; {visible[0]}..{visible[-1]} documents"
    )
    assert asks >= 1 and searches >= 3
    assert visible == sorted(visible), "documents only ever appear, whole"
    state = check_index(data / "library.sqlite3")
    assert state.problems == [] and len(state.indexed()) == 15


def test_two_processes_indexing_one_library(tmp_path: Path, embedder) -> None:
    data = tmp_path / "data"
    env = environment(data)
    batch = _batch(tmp_path / "batch", documents=10, pages=8, seed=2)
    first = start(["index", str(batch), "--json"], env)
    time.sleep(0.5)  # the second starts while the first is under way
    second = start(["index", str(batch), "--json"], env)
    listing = run(["docs", "--json"], env)  # a third reads meanwhile
    assert listing.returncode == 0, listing.stderr

    reports = []
    for process in (first, second):
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
        assert "Traceback" not in err
        reports.append(__import__("json").loads(out))
    for report in reports:
        assert report["failed"] == 0
        assert report["indexed"] + report["unchanged"] == 10
    # Each file is read into the index once: what one process wrote, the other leaves.
    assert reports[0]["indexed"] + reports[1]["indexed"] == 10

    state = check_index(data / "library.sqlite3")
    assert state.problems == []
    assert state.indexed() == {str(p) for p in batch.glob("*.pdf")}
    again = run(["index", str(batch), "--json"], env).json()
    assert again["unchanged"] == 10
