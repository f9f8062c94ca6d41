"""Privacy in the window, with the real models: a dropped PDF and a question attempt no
connection (nor does the indexing process); the Privacy dialog lists DocNook's files, from the
Help menu and from Settings; "Delete all DocNook data" quits and deletes; and the real start-up
(`docnook-gui`) has its guard in before any model library, in the window's process and in the
indexing process, and leaves its files readable only by the user."""

from __future__ import annotations

import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from guihelpers import ANSWER_MS, index_and_wait
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from docnook import paths, privacy
from docnook.gui.privacy_dialog import PrivacyDialog
from importwatch import import_watch_env, imports_seen
from pdfmaker import make_pdf

pytestmark = pytest.mark.slow

PAGES = [
    "The reading room. The town library's reading room opens at nine and closes at six. "
    "Newspapers from every county lie on the long oak table by the window.",
    "Borrowing. Members may borrow six books for three weeks; a late book costs one crown a "
    "day. The returns box by the door is emptied every morning.",
]
QUESTION = "When does the reading room open?"


def ask(qtbot, window, question: str):
    panel = window.assistant_panel
    panel.ask_tab.composer.edit.setPlainText(question)
    with qtbot.waitSignal(panel.answer_finished, timeout=ANSWER_MS) as done:
        assert panel.ask() is not None
    return done.args[0]


def test_a_dropped_pdf_and_a_question_attempt_no_connection(qtbot, make_window, tmp_path):
    before = len(privacy.blocked_attempts())
    window = make_window()
    pdf = make_pdf(tmp_path / "library.pdf", PAGES, title="Town library")
    report = index_and_wait(qtbot, window, [pdf])  # indexed in the indexing process
    assert report is not None and report.indexed == 1
    result = ask(qtbot, window, QUESTION)
    assert result is not None and result.found and "nine" in result.answer.lower()
    assert privacy.blocked_attempts()[before:] == []


def _answer_boxes(buttons: list[str], seen: list[str]) -> None:
    """Click each of `buttons`, in turn, on the message boxes as they open (their exec()
    blocks, so the answers come from the event loop)."""
    answered: list[int] = []

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and id(box) not in answered:
            answered.append(id(box))
            seen.append(box.text() + "\n" + box.informativeText())
            wanted = buttons[len(seen) - 1]
            next(b for b in box.buttons() if b.text().replace("&", "") == wanted).click()
        if len(seen) < len(buttons):
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def test_privacy_dialog_lists_the_files_and_delete_all_quits_and_deletes(
    qtbot, make_window, data_dir, tmp_path, monkeypatch
):
    window = make_window()  # the model is ready: its copy is in the data folder
    pdf = make_pdf(tmp_path / "library.pdf", PAGES, title="Town library")
    index_and_wait(qtbot, window, [pdf])
    # From here on a cache folder of the test's own: deleting must never take the real
    # embedding model (the indexing process, started above, keeps using that one).
    cache = tmp_path / "cache"
    monkeypatch.setenv(paths.CACHE_DIR_ENV, str(cache))
    (cache / "style" / "light").mkdir(parents=True)
    (cache / "style" / "light" / "down.svg").write_text("<svg/>")

    # Help › Privacy and your data…
    action = next(a for a in window.findChildren(type(window.add_action)) if "Privacy" in a.text())
    action.trigger()
    dialog = window.privacy_dialog
    assert isinstance(dialog, PrivacyDialog) and dialog.isVisible()
    rows = {what: (size, where) for what, size, where in dialog.rows()}
    size, where = rows["Library index and chat history"]
    assert where == str(data_dir / "library.sqlite3") and size != "none yet"
    assert rows["Language model (DocNook's copy)"][0].endswith("MB")
    assert rows["Window style images"][1] == str(cache / "style")
    assert "none has been attempted" in dialog.network.text()
    assert dialog.folder_to_open() == data_dir
    dialog.close()

    # Settings has a way there too.
    window.open_settings()
    settings = window.assistant_panel.settings_dialog
    qtbot.waitUntil(lambda: settings.privacy_button.isEnabled())
    settings.privacy_button.click()
    assert window.privacy_dialog is not None and window.privacy_dialog.isVisible()
    settings.close()

    # Delete all: asks, quits, deletes, says so.
    seen: list[str] = []
    _answer_boxes(["Delete and quit", "OK"], seen)
    with qtbot.waitSignal(window.data_deleted, timeout=60_000) as deleted:
        window.privacy_dialog.delete_button.click()
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=30_000)
    report = deleted.args[0]
    assert report is not None and report.failed == () and report.deleted_files >= 5
    assert "Your PDFs and the models you added stay" in seen[0]
    assert "DocNook will quit" in seen[0]
    assert "deleted its" in seen[1] and "Traceback" not in seen[1]
    qtbot.waitUntil(lambda: window._shutdown_done, timeout=60_000)
    assert not data_dir.exists() or sorted(data_dir.rglob("*")) == []
    assert not cache.exists()
    assert pdf.exists()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_real_start_up_guards_both_processes_and_keeps_files_private(tmp_path):
    """`docnook-gui FILE.pdf`, as a person starts it: the window opens, indexes the file in its
    indexing process, and is closed once that is done."""
    pdf = make_pdf(tmp_path / "library.pdf", PAGES, title="Town library")
    data = tmp_path / "data"
    env, log = import_watch_env(
        tmp_path, **{paths.DATA_DIR_ENV: str(data), "QT_QPA_PLATFORM": "offscreen"}
    )
    script = textwrap.dedent(
        """
        import sys
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        app = QApplication(sys.argv[:1])

        def close_after_indexing():
            window = next(w for w in app.topLevelWidgets() if type(w).__name__ == "MainWindow")
            if window.indexing:
                window.indexing_finished.connect(lambda report: window.close())
            else:
                window.close()

        QTimer.singleShot(0, close_after_indexing)
        QTimer.singleShot(300_000, app.quit)  # never hang the test run

        from docnook.gui.app import main

        sys.exit(main([sys.argv[1]]))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(pdf)],
        env=env,
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    processes = imports_seen(log)
    child = [p for p in processes if "multiprocessing" in " ".join(p["argv"])]
    assert child and {"onnxruntime", "tokenizers"} <= set(child[0]["seen"]), processes
    for process in processes:
        assert all(process["seen"].values()), f"imported before the guard: {process}"
    home = tmp_path / "home"
    assert not (home / ".cache" / "Microsoft").exists()
    # Nothing in the home folder but, at most, the system's shared font cache.
    assert [
        p for p in home.rglob("*") if "fontconfig" not in p.parts and p != home / ".cache"
    ] == []

    assert _mode(data) == 0o700
    names = {str(p.relative_to(data)) for p in data.rglob("*")}
    assert {"library.sqlite3", "window.ini", "logs/docnook.log"} <= names, names
    for path in data.rglob("*"):
        assert _mode(path) == (0o700 if path.is_dir() else 0o600), path
