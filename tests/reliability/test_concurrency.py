"""Several users of one library at once: searching and asking while another process indexes,
and two DocNook processes indexing into the same data folder. Nobody waits for an error,
nobody sees half a document, and the index ends whole with every file in it once."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest
import sqlean

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


def _indexed(index: Path) -> set[str]:
    """The documents committed to the index so far, by path (none before it exists)."""
    try:
        conn = sqlean.connect(f"file:{index}?mode=ro", uri=True, timeout=5)
        try:
            rows = conn.execute("SELECT path FROM documents WHERE status = 'indexed'")
            return {row[0] for row in rows}
        finally:
            conn.close()
    except sqlean.Error:  # not made yet, or its schema not yet committed
        return set()


def _holds_the_write_lock(index: Path) -> bool:
    """Whether some process is inside a write transaction on `index` right now."""
    conn = sqlean.connect(str(index), timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlean.OperationalError:
        return True
    finally:
        conn.close()


def _wait_for(condition, what: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}"
        time.sleep(0.01)


def _pause_between_documents(process: subprocess.Popen, index: Path) -> None:
    """SIGSTOP `process` outside any write transaction, so the other writer is not kept
    waiting on a lock that a stopped process holds."""
    process.send_signal(signal.SIGSTOP)
    while _holds_the_write_lock(index):
        process.send_signal(signal.SIGCONT)
        time.sleep(0.005)
        process.send_signal(signal.SIGSTOP)


def test_two_processes_indexing_one_library(tmp_path: Path, embedder) -> None:
    data = tmp_path / "data"
    index = data / "library.sqlite3"
    env = environment(data)
    batch = _batch(tmp_path / "batch", documents=10, pages=8, seed=2)
    every = {str(p) for p in batch.glob("*.pdf")}
    first = start(["index", str(batch), "--json"], env)
    second: subprocess.Popen | None = None
    try:
        # The overlap is made, not hoped for: the first is paused part way through the batch,
        # the second indexes documents of the same batch meanwhile, then both go on together.
        _wait_for(lambda: _indexed(index) or first.poll() is not None, "a first document")
        _pause_between_documents(first, index)
        by_first = _indexed(index)
        assert first.poll() is None and 1 <= len(by_first) < 10, "the first is mid-batch"
        second = start(["index", str(batch), "--json"], env)
        listing = run(["docs", "--json"], env)  # a third reads meanwhile
        assert listing.returncode == 0, listing.stderr
        _wait_for(
            lambda: _indexed(index) - by_first or second.poll() is not None,
            "the second process's first document",
        )
        by_second = _indexed(index) - by_first
        assert first.poll() is None, "the first process is still mid-batch"
        assert by_second, "the second process indexed documents while the first was under way"
    except BaseException:
        for process in (first, second):
            if process is not None:
                process.kill()
        raise
    finally:
        first.send_signal(signal.SIGCONT)

    reports = []
    for process in (first, second):
        assert process is not None
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
        assert "Traceback" not in err
        reports.append(json.loads(out))
    written = []
    for report in reports:
        assert report["failed"] == 0
        assert report["indexed"] + report["unchanged"] == 10
        written.append({f["path"] for f in report["files"] if f["action"] == "indexed"})
    # Each file is read into the index once: what one process wrote, the other leaves.
    assert written[0] | written[1] == every and not written[0] & written[1]
    # And each process wrote its share while the other was running.
    assert by_first <= written[0] and by_second <= written[1]
    print(
        f"first wrote {len(written[0])} ({len(by_first)} before its pause), "
        f"second {len(written[1])} ({len(by_second)} during it)"
    )

    state = check_index(index)
    assert state.problems == []
    assert state.indexed() == every
    again = run(["index", str(batch), "--json"], env).json()
    assert again["unchanged"] == 10
