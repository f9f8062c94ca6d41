"""The real `docnook-gui` on a real X display: Qt's xcb platform, as on a person's desktop, not
the offscreen platform every other window test uses (which is why none of them could see that
the xcb plugin's libraries were missing). Xvfb is the display; xdotool finds the window by its
title and types a question on the keyboard; the window's log and the chat history in its data
folder say what happened; ImageMagick's `import` photographs the screen.

The screenshot is kept in the test's tmp folder, and copied to DOCNOOK_SHOTS_DIR when that is
set. `scripts/setup.sh --test` (make test) installs the tools as root on Debian; elsewhere the
test skips and says which are missing.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from xdesktop import missing_tools, screenshot, wait_for_line, wait_for_window, xdotool, xvfb

from docnook.history import ChatHistory
from pdfmaker import make_pdf

pytestmark = pytest.mark.slow

PAGES = [
    "The reading room. The town library's reading room opens at nine and closes at six. "
    "Newspapers from every county lie on the long oak table by the window.",
    "Borrowing. Members may borrow six books for three weeks; a late book costs one crown a "
    "day. The returns box by the door is emptied every morning.",
]
QUESTION = "When does the reading room open?"
WINDOW_S = 90  # start-up to a visible window (Python, Qt, the window's first paint)
READY_S = 300  # indexing one PDF and loading the model, on a busy two-core machine
ANSWER_S = 300


def _docnook_gui() -> Path:
    """The console script pip installed beside this Python: what `make run` starts."""
    return Path(sys.executable).with_name("docnook-gui")


@pytest.fixture
def display(tmp_path: Path):
    missing = missing_tools()
    if missing:
        pytest.skip(
            f"needs the Debian packages {', '.join(missing)} "
            "(`scripts/setup.sh --test` installs them as root)"
        )
    with xvfb(tmp_path / "xvfb.log") as name:
        yield name


def _keep(shot: Path) -> None:
    wanted = os.environ.get("DOCNOOK_SHOTS_DIR")
    if wanted:
        Path(wanted).mkdir(parents=True, exist_ok=True)
        shutil.copy2(shot, Path(wanted) / shot.name)


def test_the_window_opens_on_x11_and_answers_a_question_typed_on_the_keyboard(
    display: str, tmp_path: Path
) -> None:
    pdf = make_pdf(tmp_path / "library.pdf", PAGES, title="Town library")
    data = tmp_path / "data"
    env = {
        **os.environ,
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "DOCNOOK_DATA_DIR": str(data),
    }
    for other in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM_PLUGIN_PATH"):
        env.pop(other, None)
    output = tmp_path / "docnook-gui.out"
    log = data / "logs" / "docnook.log"
    shot = tmp_path / "docnook-on-x11.png"
    with output.open("wb") as out:
        app = subprocess.Popen(
            [str(_docnook_gui()), str(pdf)], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        try:
            window = wait_for_window(display, "DocNook", WINDOW_S)
        except TimeoutError as exc:
            said = output.read_text(errors="replace")[-3000:]
            pytest.fail(f"{exc}; docnook-gui exited with {app.poll()} and said:\n{said}")
        wait_for_line(log, "indexing finished: 1 indexed", READY_S, app)
        wait_for_line(log, "language model: ready", READY_S, app)

        # As a person would: Ctrl+L goes to the question box, type, Enter sends.
        xdotool(display, "windowfocus", "--sync", window)
        xdotool(display, "key", "--clearmodifiers", "ctrl+l")
        xdotool(display, "type", "--delay", "15", QUESTION)
        xdotool(display, "key", "Return")
        wait_for_line(log, "answer finished", ANSWER_S, app)
    finally:
        if app.poll() is None:  # also when a wait failed: the picture shows where it stood
            _keep(screenshot(display, shot))
        if app.poll() is None:
            app.send_signal(signal.SIGINT)  # closes the window the normal way
            try:
                app.wait(timeout=60)
            except subprocess.TimeoutExpired:
                app.kill()
                app.wait()

    assert app.returncode == 0, output.read_text(errors="replace")[-3000:]
    said = output.read_text(errors="replace")
    assert "Could not load the Qt platform plugin" not in said
    assert shot.stat().st_size > 10_000  # a drawn screen, not an empty black one

    with ChatHistory(data) as history:
        chat = history.chats()[0]
        question, answer = history.messages(chat.id)
    assert question.role == "user" and question.text == QUESTION  # every key arrived
    assert answer.role == "assistant" and answer.found
    assert "nine" in answer.text.lower()
    assert any(c["page"] == 1 for c in answer.citations), answer.citations
