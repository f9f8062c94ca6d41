"""`docnook` run as a real process, as a person's terminal or the window would run it, with
what the tests need to know afterwards: exit status, output, and its peak memory."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class Finished:
    returncode: int
    stdout: str
    stderr: str
    peak_rss_mb: float
    seconds: float

    def json(self) -> Any:
        return json.loads(self.stdout)


def docnook_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "docnook", *args]


def environment(data_dir: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "DOCNOOK_DATA_DIR": str(data_dir), **extra}


def start(args: list[str], env: dict[str, str], **popen: Any) -> subprocess.Popen:
    return subprocess.Popen(
        docnook_command(*args),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def run(args: list[str], env: dict[str, str], timeout: float = 600, **popen: Any) -> Finished:
    """Run `docnook ARGS` to the end; its peak resident memory comes from the kernel's
    accounting of that one child (wait4), not from sampling."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.monotonic()
        process = subprocess.Popen(
            docnook_command(*args), env=env, stdout=out, stderr=err, text=True, **popen
        )
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                process.kill()
                os.wait4(process.pid, 0)
                raise TimeoutError(f"docnook {' '.join(args)} ran over {timeout} s")
            time.sleep(0.05)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        # ru_maxrss is in KiB on Linux
        return Finished(process.returncode, out.read(), err.read(), usage.ru_maxrss / 1024, seconds)


def kill_hard(process: subprocess.Popen) -> None:
    """SIGKILL: no handler, no cleanup, no flush; what a crash or a power cut leaves."""
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
