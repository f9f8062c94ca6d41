"""A real X display for a test (Xvfb) and the tools that drive a window on it from outside, as
a person at the keyboard would: xdotool finds windows and types, ImageMagick's `import`
photographs the screen. Nothing here imports Qt: the program under test is a separate process.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TOOLS = {"Xvfb": "xvfb", "xdotool": "xdotool", "import": "imagemagick"}


def missing_tools() -> list[str]:
    """The Debian packages of the tools this machine lacks."""
    return [package for tool, package in TOOLS.items() if shutil.which(tool) is None]


@contextmanager
def xvfb(log: Path, size: str = "1920x1080x24") -> Iterator[str]:
    """An X server of its own on a free display; yields the DISPLAY value."""
    read_end, write_end = os.pipe()
    with log.open("wb") as out:
        server = subprocess.Popen(
            # -displayfd: the server picks a free display and writes its number once it accepts
            # connections, so there is neither a race for a number nor a sleep.
            ["Xvfb", "-displayfd", str(write_end), "-screen", "0", size, "-nolisten", "tcp"],
            pass_fds=(write_end,),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], 30)
        number = os.read(read_end, 64).decode().strip() if ready else ""
        if not number:
            raise RuntimeError(f"Xvfb did not start: {log.read_text(errors='replace')[-2000:]}")
        yield f":{number}"
    finally:
        os.close(read_end)
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def xdotool(display: str, *args: str, timeout: float = 30) -> str:
    run = subprocess.run(
        ["xdotool", *args],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if run.returncode != 0:
        raise RuntimeError(f"xdotool {' '.join(args)}: {run.stderr.strip()}")
    return run.stdout.strip()


def wait_for_window(display: str, title: str, timeout: float) -> str:
    """The id of the first visible window whose title is exactly `title`, waiting for it
    (`xdotool search --sync`). Raises TimeoutError when none appears in time."""
    try:
        found = xdotool(
            display,
            *("search", "--sync", "--onlyvisible", "--name", f"^{title}$"),
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise TimeoutError(f"no window titled {title!r} appeared in {timeout:.0f} s") from None
    return found.splitlines()[0]


def screenshot(display: str, path: Path) -> Path:
    """The whole X screen as a PNG."""
    subprocess.run(
        ["import", "-display", display, "-window", "root", str(path)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return path


def wait_for_line(path: Path, text: str, timeout: float, alive: subprocess.Popen) -> str:
    """The first line of the log at `path` that contains `text`; fails early when the program
    writing it has exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            for line in path.read_text(errors="replace").splitlines():
                if text in line:
                    return line
        if alive.poll() is not None:
            raise RuntimeError(f"the program exited ({alive.returncode}) before logging {text!r}")
        time.sleep(0.2)
    raise TimeoutError(f"{text!r} not logged in {timeout:.0f} s")
