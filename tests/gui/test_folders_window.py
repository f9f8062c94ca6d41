"""The window follows its watched folders: files added, changed, renamed and deleted while it
runs (file-system notifications) and while it is closed (the pass at start)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from guihelpers import INDEX_MS, index_and_wait

from pdfmaker import make_pdf

pytestmark = pytest.mark.slow

FOLLOW_MS = 90_000  # a notification, the debounce, maybe a settle pass, then indexing


def names(window) -> set[str]:
    return {Path(r.path).name for r in window.library_panel.records()}


def found(window, query: str) -> set[str]:
    return {Path(h.path).name for h in window.library.search(query, k=3, mode="bm25")}


def test_the_window_follows_a_watched_folder_open_and_closed(
    qtbot, make_window, tmp_path, data_dir
):
    docs = tmp_path / "docs"
    make_pdf(docs / "walrus.pdf", ["The walrus feeds on clams dug from the Arctic sea floor."])
    make_pdf(docs / "axolotl.pdf", ["The axolotl regrows lost limbs and parts of its heart."])
    window = make_window(wait_ready=False)

    report = index_and_wait(qtbot, window, [docs])  # a dropped folder is watched from now on
    assert (report.indexed, report.failed) == (2, [])
    view = window.library_panel.folders
    assert view.isVisible()
    assert view.states() == ["docs  —  Watching · 2 documents"]
    assert str(docs) in window.folders.watcher.watched()

    make_pdf(docs / "lemur.pdf", ["Ring-tailed lemurs live only on Madagascar."])
    qtbot.waitUntil(lambda: "lemur.pdf" in names(window), timeout=FOLLOW_MS)
    walrus_id = window.library.resolve(str(docs / "walrus.pdf")).id
    (docs / "walrus.pdf").rename(docs / "walrus-renamed.pdf")
    (docs / "axolotl.pdf").unlink()
    qtbot.waitUntil(lambda: names(window) == {"lemur.pdf", "walrus-renamed.pdf"}, timeout=FOLLOW_MS)
    assert window.library.resolve(str(docs / "walrus-renamed.pdf")).id == walrus_id  # a move
    make_pdf(docs / "lemur.pdf", ["Lemurs eat fruit, leaves and the odd insect."])  # in place
    qtbot.waitUntil(lambda: found(window, "insect leaves") == {"lemur.pdf"}, timeout=FOLLOW_MS)
    assert found(window, "Madagascar") == set()
    assert found(window, "axolotl limbs") == set()
    qtbot.waitUntil(lambda: not window.indexing, timeout=INDEX_MS)
    window.close()
    qtbot.waitUntil(lambda: window._shutdown_done, timeout=60_000)

    # While DocNook is closed.
    (docs / "walrus-renamed.pdf").unlink()
    make_pdf(docs / "sub" / "penguin.pdf", ["Emperor penguins keep the egg warm all winter."])
    past = time.time() - 60
    os.utime(docs / "sub" / "penguin.pdf", (past, past))
    again = make_window(wait_ready=False)
    qtbot.waitUntil(lambda: names(again) == {"lemur.pdf", "penguin.pdf"}, timeout=FOLLOW_MS)
    assert found(again, "penguins egg") == {"penguin.pdf"}
    assert found(again, "walrus clams") == set()
    qtbot.waitUntil(lambda: not again.indexing, timeout=INDEX_MS)
    env = {**os.environ, "DOCNOOK_DATA_DIR": str(data_dir)}
    cli = [sys.executable, "-m", "docnook", "docs", "--json"]
    out = subprocess.run(cli, capture_output=True, text=True, env=env, timeout=120, check=True)
    listed = json.loads(out.stdout)
    assert sorted(Path(d["path"]).name for d in listed) == ["lemur.pdf", "penguin.pdf"]
    chunk_docs = again.library.store.query("SELECT count(DISTINCT document_id) FROM chunks")
    assert chunk_docs[0][0] == 2  # nothing indexed twice


def test_stop_watching_from_the_window_removes_or_keeps_the_documents(qtbot, make_window, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    make_pdf(one / "fern.pdf", ["Ferns unroll their fronds in spring."])
    make_pdf(two / "moss.pdf", ["Mosses hold water like a sponge."])
    window = make_window(wait_ready=False)
    index_and_wait(qtbot, window, [one, two])
    assert len(window.library_panel.folders.states()) == 2

    # Generous waits: the job queues behind the window's start-up work on a busy machine.
    unwatch = window.unwatch_now(str(one), keep_documents=False)
    with qtbot.waitSignal(unwatch.signals.finished, timeout=FOLLOW_MS):
        pass
    qtbot.waitUntil(lambda: names(window) == {"moss.pdf"}, timeout=FOLLOW_MS)
    unwatch = window.unwatch_now(str(two), keep_documents=True)
    with qtbot.waitSignal(unwatch.signals.finished, timeout=FOLLOW_MS):
        pass
    qtbot.waitUntil(lambda: not window.library_panel.folders.isVisible(), timeout=FOLLOW_MS)
    assert names(window) == {"moss.pdf"}
    assert "No longer watching two; 0 documents left the library." in window.banner.message()
