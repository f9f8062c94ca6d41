"""The window's start-up check, decided without a display: which platform Qt will try, what
the person is told, and the package names it gives. The plugin loading itself is faked here;
tests/e2e/test_gui_preflight.py runs the real program on a real plugin."""

from __future__ import annotations

from pathlib import Path

import pytest

from docnook import system_libraries
from docnook.gui import preflight


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, (["xcb", "wayland"], False)),
        ({"XDG_SESSION_TYPE": "wayland"}, (["wayland", "xcb"], False)),
        ({"XDG_SESSION_TYPE": "x11"}, (["xcb", "wayland"], False)),
        ({"QT_QPA_PLATFORM": "offscreen"}, (["offscreen"], True)),
        ({"QT_QPA_PLATFORM": "wayland;xcb"}, (["wayland", "xcb"], True)),
        ({"QT_QPA_PLATFORM": "xcb:nograb"}, (["xcb"], True)),
    ],
)
def test_candidate_platforms_follow_qt(env, expected) -> None:
    assert preflight.candidate_platforms(env) == expected


@pytest.fixture
def plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """A platforms folder with an xcb and a Wayland plugin whose missing libraries the test
    sets (a dict: plugin file name -> missing sonames)."""
    missing: dict[str, list[str]] = {"libqxcb.so": [], "libqwayland.so": []}
    for name in missing:
        (tmp_path / name).write_bytes(b"")
    monkeypatch.setattr(preflight, "platforms_dir", lambda env: tmp_path)
    monkeypatch.setattr(preflight, "missing_for", lambda plugin: missing[plugin.name])
    monkeypatch.setattr(system_libraries, "package_manager", lambda: "apt-get")
    monkeypatch.setattr(system_libraries, "_apt_knows", lambda package: True)
    monkeypatch.setattr(system_libraries, "is_root", lambda: False)
    return missing


def test_a_loading_plugin_with_its_display_passes(plugins) -> None:
    assert preflight.check({"DISPLAY": ":1"}) == preflight.Verdict()


def test_offscreen_is_left_to_qt(plugins) -> None:
    plugins["libqxcb.so"] = ["libxcb-icccm.so.4"]
    assert preflight.check({"QT_QPA_PLATFORM": "offscreen"}) == preflight.Verdict()


def test_the_first_missing_library_and_the_command_that_installs_all(plugins) -> None:
    plugins["libqxcb.so"] = ["libxcb-icccm.so.4", "libxcb-cursor.so.0"]
    verdict = preflight.check({"DISPLAY": ":1"})
    assert verdict.problem == (
        "DocNook cannot open its window: Qt's X11 (xcb) platform plugin needs the system "
        "library libxcb-icccm.so.4 (and libxcb-cursor.so.0), which this computer lacks; "
        "`sudo apt-get install -y libxcb-icccm4 libxcb-cursor0` installs them."
    )


def test_fedora_gets_dnf_with_the_library_itself(plugins, monkeypatch) -> None:
    monkeypatch.setattr(system_libraries, "package_manager", lambda: "dnf")
    plugins["libqxcb.so"] = ["libxkbcommon-x11.so.0"]
    problem = preflight.check({"DISPLAY": ":1"}).problem
    assert problem is not None
    assert "`sudo dnf install -y 'libxkbcommon-x11.so.0()(64bit)'` installs it." in problem


def test_another_platform_that_loads_is_asked_for(plugins) -> None:
    plugins["libqxcb.so"] = ["libxcb-icccm.so.4"]
    verdict = preflight.check({"DISPLAY": ":1", "WAYLAND_DISPLAY": "wayland-0"})
    assert verdict == preflight.Verdict(platform="wayland")


def test_a_platform_the_person_named_is_not_swapped(plugins) -> None:
    plugins["libqxcb.so"] = ["libxcb-icccm.so.4"]
    env = {"DISPLAY": ":1", "WAYLAND_DISPLAY": "wayland-0", "QT_QPA_PLATFORM": "xcb"}
    assert "libxcb-icccm.so.4" in (preflight.check(env).problem or "")


def test_no_display_at_all(plugins) -> None:
    problem = preflight.check({}).problem
    assert problem is not None and problem.startswith("DocNook found no display")
    assert "neither DISPLAY nor WAYLAND_DISPLAY is set" in problem
    assert "`docnook --help`" in problem


@pytest.mark.parametrize(
    ("soname", "package"),
    [
        ("libxcb-icccm.so.4", "libxcb-icccm4"),
        ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
        ("libX11-xcb.so.1", "libx11-xcb1"),
        ("libwayland-cursor.so.0", "libwayland-cursor0"),
        ("libdbus-1.so.3", "libdbus-1-3"),
        ("libglib-2.0.so.0", "libglib2.0-0"),
    ],
)
def test_debian_names_from_the_library_naming_policy(soname, package) -> None:
    assert system_libraries.debian_name(soname, verify=False) == package


def test_ldd_finds_nothing_missing_for_a_system_library() -> None:
    libc = Path(system_libraries.system_paths()["libc.so.6"])
    assert system_libraries.missing_libraries(libc) == []


def test_a_dlopen_error_names_its_library() -> None:
    message = "libxcb-icccm.so.4: cannot open shared object file: No such file or directory"
    assert system_libraries.unopened_library(message) == "libxcb-icccm.so.4"
