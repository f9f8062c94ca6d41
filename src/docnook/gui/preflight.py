"""Before Qt starts: can the window open on this computer, and if not, one sentence saying why.

Qt itself, when its platform plugin cannot load, prints a screenful ("Could not load the Qt
platform plugin "xcb" ... Available platform plugins are: ...") and aborts. Server-style
installs of Debian lack exactly the X11 libraries that plugin loads (libxcb-icccm4,
libxcb-cursor0, libxkbcommon-x11-0, ...), so this check runs first, without importing Qt: it
works out which platform Qt will pick (QT_QPA_PLATFORM, XDG_SESSION_TYPE, DISPLAY,
WAYLAND_DISPLAY), loads that plugin the way Qt will (dlopen), and on failure names the first
missing library and the command that installs it. When the plugin loads, Qt reuses the loaded
libraries, so a good start-up pays almost nothing for the check.

`python -m docnook.gui.preflight --install-command` prints the command that installs every
library Qt's desktop plugins (X11, Wayland, offscreen and their integrations) miss here;
scripts/setup.sh runs it. No Qt import anywhere in this module.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# The platform names Qt accepts that load system libraries a desktop may lack, with the plugin
# file that answers to each (Qt 6.8 merged the Wayland plugins into libqwayland.so) and the
# variable that names their display. Every other platform (offscreen, vnc, eglfs) is left to Qt.
PLUGIN_FILES = {
    "xcb": ("libqxcb.so",),
    "wayland": ("libqwayland.so", "libqwayland-generic.so"),
    "wayland-egl": ("libqwayland.so", "libqwayland-egl.so"),
}
DISPLAY_VARIABLE = {
    "xcb": "DISPLAY",
    "wayland": "WAYLAND_DISPLAY",
    "wayland-egl": "WAYLAND_DISPLAY",
}
LABEL = {"xcb": "X11 (xcb)", "wayland": "Wayland", "wayland-egl": "Wayland"}

# What a desktop loads, under Qt's plugin folder: the platforms and the integrations they load
# at run time. The offscreen platform is here because the tests and screenshots use it (its
# libraries are Qt's own basics: EGL, GL, fontconfig, xkbcommon, D-Bus). Not the GTK theme
# plugin: Qt skips it quietly, and it would pull in all of GTK.
DESKTOP_PLUGINS = (
    "platforms/libqxcb.so",
    "platforms/libqwayland*.so",
    "platforms/libqoffscreen.so",
    "xcbglintegrations/*.so",
    "wayland-shell-integration/*.so",
    "wayland-graphics-integration-client/*.so",
    "wayland-decoration-client/*.so",
)

NO_DISPLAY = (
    "DocNook found no display to open its window on ({variables}); on a computer without a "
    "screen, use the command line instead: `docnook --help` lists what it does."
)


@dataclass(frozen=True)
class Verdict:
    """`problem`: the sentence to show instead of starting Qt (None: go ahead). `platform`: a
    platform to ask Qt for, when the one Qt would pick cannot load but another can."""

    problem: str | None = None
    platform: str | None = None


def qt_plugins_dir() -> Path | None:
    """PySide6's plugin folder, found without importing PySide6 (also inside a frozen app)."""
    try:
        spec = importlib.util.find_spec("PySide6")
    except (ImportError, ValueError):
        return None
    for location in (spec.submodule_search_locations or []) if spec else []:
        plugins = Path(location) / "Qt" / "plugins"
        if plugins.is_dir():
            return plugins
    return None


def platforms_dir(environ: Mapping[str, str]) -> Path | None:
    # Qt looks in QT_QPA_PLATFORM_PLUGIN_PATH first; so does the check.
    override = environ.get("QT_QPA_PLATFORM_PLUGIN_PATH", "")
    if override and Path(override).is_dir():
        return Path(override)
    plugins = qt_plugins_dir()
    return plugins / "platforms" if plugins else None


def candidate_platforms(environ: Mapping[str, str]) -> tuple[list[str], bool]:
    """The platforms Qt will try, in order, and whether the person named them."""
    requested = environ.get("QT_QPA_PLATFORM", "").strip()
    if requested:  # "wayland;xcb" tries each in turn; "xcb:option=value" passes options
        names = [part.split(":", 1)[0].strip() for part in requested.split(";")]
        return [name for name in names if name], True
    # Qt's default on Linux is xcb, except in a session that says it is Wayland.
    if environ.get("XDG_SESSION_TYPE", "").lower() == "wayland":
        return ["wayland", "xcb"], False
    return ["xcb", "wayland"], False


def plugin_file(platforms: Path, platform: str) -> Path | None:
    for name in PLUGIN_FILES[platform]:
        if (platforms / name).is_file():
            return platforms / name
    return None


def missing_for(plugin: Path) -> list[str]:
    """The system libraries `plugin` cannot load without, first the one the loader stops at.
    Empty when it loads, and when it fails for a reason other than a missing system library
    (Qt then tries, and speaks for itself: the check never keeps a window from opening that
    Qt could open). Loading it here costs nothing later: Qt then finds it loaded."""
    try:
        # As Qt loads plugins (QLibrary: RTLD_LAZY), so an unused symbol never fails here.
        ctypes.CDLL(str(plugin), mode=os.RTLD_LAZY | os.RTLD_LOCAL)
    except OSError as exc:
        from docnook import system_libraries  # only now: subprocess and friends cost a start-up

        missing = system_libraries.missing_libraries(plugin)
        first = system_libraries.unopened_library(str(exc))
        if first and first not in missing:
            missing.insert(0, first)
        # Qt's own libraries are found through the plugin's RUNPATH (or a frozen app's
        # layout); one of them "missing" is this check's mistake, not the system's lack.
        qt_lib = plugin.parent.parent.parent / "lib"
        return [
            name
            for name in missing
            if not name.startswith("libQt6") and not (qt_lib / name).exists()
        ]
    return []


def install_advice(missing: list[str]) -> str:
    """`sudo apt-get install -y PKG...` (or dnf), or what to look for where neither is known."""
    from docnook import system_libraries

    manager = system_libraries.package_manager()
    packages, unknown = system_libraries.packages_for(missing, manager)
    if manager is None or not packages:
        return "install the package that provides it with the system's package manager"
    advice = "`" + system_libraries.install_command(packages, manager) + "` installs "
    advice += "it" if len(missing) == 1 else "them"
    if unknown:
        advice += f" (except {', '.join(unknown)}: find the package that provides it)"
    return advice


def missing_sentence(platform: str, missing: list[str]) -> str:
    first, rest = missing[0], missing[1:]
    also = f" (and {', '.join(rest)})" if rest else ""
    return (
        f"DocNook cannot open its window: Qt's {LABEL[platform]} platform plugin needs the "
        f"system library {first}{also}, which this computer lacks; {install_advice(missing)}."
    )


def check(environ: Mapping[str, str] | None = None) -> Verdict:
    """Whether the window can open here, as far as can be told before Qt starts."""
    if not sys.platform.startswith(("linux", "freebsd")):
        return Verdict()  # Windows and macOS: Qt's platform plugin ships whole in the wheel
    env = os.environ if environ is None else environ
    names, requested = candidate_platforms(env)
    platforms = platforms_dir(env)
    failures: list[tuple[str, list[str]]] = []
    without_display: list[str] = []
    for index, name in enumerate(names):
        if name not in PLUGIN_FILES or platforms is None:
            return Verdict()  # a platform Qt handles on its own (offscreen, vnc, ...)
        plugin = plugin_file(platforms, name)
        if plugin is None:
            continue  # not in this Qt: Qt tries the next one too
        if not env.get(DISPLAY_VARIABLE[name]):
            without_display.append(DISPLAY_VARIABLE[name])
            continue
        missing = missing_for(plugin)
        if not missing:
            # Qt would try the first platform and stop there unless the person listed more.
            switch = index > 0 and not requested
            return Verdict(platform=name if switch else None)
        failures.append((name, missing))
    if failures:
        return Verdict(problem=missing_sentence(*failures[0]))
    if without_display:
        unset = sorted(set(without_display))
        variables = (
            " and ".join(unset) + (" is" if len(unset) == 1 else " are") + " not set"
            if requested
            else "neither DISPLAY nor WAYLAND_DISPLAY is set"
        )
        return Verdict(problem=NO_DISPLAY.format(variables=variables))
    return Verdict()  # no plugin file found to check: Qt will say what it thinks


def desktop_missing(plugins: Path) -> dict[str, list[Path]]:
    """Every library Qt's desktop plugins under `plugins` miss here -> the plugins needing it."""
    from docnook import system_libraries

    wanted: dict[str, list[Path]] = {}
    for pattern in DESKTOP_PLUGINS:
        for plugin in sorted(plugins.glob(pattern)):
            for soname in system_libraries.missing_libraries(plugin):
                wanted.setdefault(soname, []).append(plugin)
    return wanted


def main(argv: list[str] | None = None) -> int:
    import argparse

    from docnook import system_libraries

    parser = argparse.ArgumentParser(
        prog="python -m docnook.gui.preflight",
        description="Can DocNook's window open here? Which system libraries does Qt lack?",
    )
    parser.add_argument(
        "--install-command",
        action="store_true",
        help="print the command that installs what Qt's desktop plugins lack (nothing if none)",
    )
    args = parser.parse_args(argv)
    if not args.install_command:
        verdict = check()
        print(
            verdict.problem
            or f"The window can open here (platform: {verdict.platform or 'Qt default'})."
        )
        return 1 if verdict.problem else 0
    plugins = qt_plugins_dir()
    if plugins is None:
        print("preflight: PySide6 is not installed", file=sys.stderr)
        return 1
    missing = desktop_missing(plugins)
    if not missing:
        return 0
    manager = system_libraries.package_manager()
    packages, unknown = system_libraries.packages_for(missing, manager)
    for soname in unknown:
        users = ", ".join(p.name for p in missing[soname][:3])
        print(f"preflight: no package known for {soname} (needed by {users})", file=sys.stderr)
    if manager and packages:
        print(system_libraries.install_command(packages, manager))
    return 0


if __name__ == "__main__":
    sys.exit(main())
