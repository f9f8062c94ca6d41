"""`docnook-gui` where its window cannot open: one sentence and a non-zero exit, never Qt's
screenful. The real program, the real ldd and a real Qt plugin: the plugin is PySide6's own
xcb plugin, copied with one of the libraries it names renamed to one no computer has (its
other libraries are still found: the copy sits in a Qt folder whose lib/ is PySide6's)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from docnook import system_libraries
from docnook.gui import preflight

ABSENT = b"libdocnook-x.so.4"  # as long as the name it replaces, so the ELF stays whole


def run_gui(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XDG_SESSION_TYPE")
    }
    gui = Path(sys.executable).with_name("docnook-gui")
    return subprocess.run(
        [str(gui)],
        env={**clean, "DOCNOOK_DATA_DIR": str(tmp_path / "data"), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_sentence(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and "qt.qpa" not in stderr
    return lines[0]


def test_no_display_names_the_command_line_instead(tmp_path: Path) -> None:
    finished = run_gui({}, tmp_path)
    assert finished.returncode != 0
    said = one_sentence(finished.stderr)
    assert said.startswith("docnook-gui: DocNook found no display")
    assert "DISPLAY" in said and "WAYLAND_DISPLAY" in said and "`docnook --help`" in said
    assert not (tmp_path / "data").exists()  # it stopped before anything else


def test_asking_for_x11_without_display_says_which_variable(tmp_path: Path) -> None:
    finished = run_gui({"QT_QPA_PLATFORM": "xcb"}, tmp_path)
    assert finished.returncode != 0
    assert "(DISPLAY is not set)" in one_sentence(finished.stderr)


def _xcb_plugin_needing_an_absent_library(tmp_path: Path) -> Path:
    plugins = preflight.qt_plugins_dir()
    assert plugins is not None
    real = plugins / "platforms" / "libqxcb.so"
    if not real.is_file():
        pytest.skip("this PySide6 has no xcb plugin")
    data = real.read_bytes()
    assert b"libxcb-icccm.so.4\0" in data
    qt = tmp_path / "Qt"
    (qt / "plugins" / "platforms").mkdir(parents=True)
    (qt / "lib").symlink_to(plugins.parent / "lib")  # the plugin's RUNPATH: $ORIGIN/../../lib
    copy = qt / "plugins" / "platforms" / "libqxcb.so"
    copy.write_bytes(data.replace(b"libxcb-icccm.so.4\0", ABSENT + b"\0"))
    return copy.parent


def test_a_missing_library_is_named_with_the_command_that_installs_it(tmp_path: Path) -> None:
    platforms = _xcb_plugin_needing_an_absent_library(tmp_path)
    finished = run_gui({"QT_QPA_PLATFORM_PLUGIN_PATH": str(platforms), "DISPLAY": ":99"}, tmp_path)
    assert finished.returncode != 0
    said = one_sentence(finished.stderr)
    assert said.startswith("docnook-gui: DocNook cannot open its window: Qt's X11 (xcb)")
    assert ABSENT.decode() in said
    manager = system_libraries.package_manager()
    if manager == "apt-get":  # the name Debian's policy gives it: no package index knows it
        assert "apt-get install -y" in said and "libdocnook-x4" in said
    assert not (tmp_path / "data").exists()


def test_the_check_passes_where_the_plugin_loads() -> None:
    """scripts/setup.sh, run as root, installed what the real xcb plugin loads."""
    plugins = preflight.qt_plugins_dir()
    assert plugins is not None
    missing = preflight.missing_for(plugins / "platforms" / "libqxcb.so")
    if missing and os.geteuid() != 0:
        pytest.skip(f"not root, so scripts/setup.sh could not install {', '.join(missing)}")
    assert missing == []
    verdict = preflight.check({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"})
    assert verdict == preflight.Verdict()
