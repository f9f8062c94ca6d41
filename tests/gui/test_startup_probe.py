"""DOCNOOK_STARTUP_PROBE: the window reports when it is shown and when its model is ready, then
closes by itself (packaging/linux/smoke_test.py times the installed app's cold start with it)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.slow


def test_probe_reports_window_then_model_and_quits(tmp_path):
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "DOCNOOK_DATA_DIR": str(tmp_path / "data"),
        "DOCNOOK_CACHE_DIR": str(tmp_path / "cache"),
        "DOCNOOK_STARTUP_PROBE": "1",
    }
    started = time.time()
    run = subprocess.run(
        [sys.executable, "-m", "docnook.gui.app"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    marks = [line.split() for line in run.stdout.splitlines() if line.startswith("docnook-probe")]
    assert [m[1] for m in marks] == ["window-shown", "model-ready"], run.stdout
    shown, ready = (float(m[2]) for m in marks)
    assert started < shown <= ready <= time.time()
