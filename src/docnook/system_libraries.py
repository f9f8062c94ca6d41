"""The system's shared libraries: which ones a native file needs, which of those this computer
lacks, and the package (and the command) that installs each, on Debian/Ubuntu and on Fedora.

One module for three users: the window's start-up check (`gui/preflight.py`, which names the
library Qt's platform plugin misses), `scripts/setup.sh` (which installs what Qt's desktop
plugins need) and `packaging/linux/deb_depends.py` (the .deb's Depends). Standard library only:
it runs before Qt is imported, and from the packaging scripts without the package installed.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

_NEEDED = re.compile(r"\(NEEDED\)\s+Shared library: \[(.+?)\]")
_NOT_FOUND = re.compile(r"^\s*(\S+) => not found\s*$", re.MULTILINE)
_CANNOT_OPEN = re.compile(r"(\S+?\.so[.\d]*): cannot open shared object file")
_SONAME = re.compile(r"(lib.+?)\.so\.(\d+)")

# Libraries whose Debian package the library naming policy does not name (the policy turns
# libxcb-icccm.so.4 into libxcb-icccm4; GLib's libraries all come in libglib2.0-0, which
# Debian 13 and Ubuntu 24.04 call libglib2.0-0t64 and still install under the old name). Only
# consulted for a library that ldd or readelf actually reported.
DEBIAN_PACKAGES = {
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0",
    "libgio-2.0.so.0": "libglib2.0-0",
    "libgmodule-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
}


def needed(path: Path) -> list[str]:
    """The libraries `path` names itself (its DT_NEEDED entries); needs readelf (binutils)."""
    out = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True).stdout
    return _NEEDED.findall(out)


def missing_libraries(path: Path) -> list[str]:
    """The libraries the dynamic linker cannot find for `path` or anything it pulls in, in the
    order the linker meets them. Empty when all are there, or when ldd cannot tell."""
    if shutil.which("ldd") is None:
        return []
    try:
        run = subprocess.run(["ldd", str(path)], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return []
    return list(dict.fromkeys(_NOT_FOUND.findall(run.stdout)))


def unopened_library(message: str) -> str | None:
    """The library a dlopen error (`OSError` from ctypes) says it could not open."""
    match = _CANNOT_OPEN.search(message)
    return match.group(1) if match else None


def system_paths() -> dict[str, str]:
    """soname -> path for the libraries of this Python's word size the dynamic linker knows."""
    out = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    paths: dict[str, str] = {}
    for line in out.splitlines():
        match = re.match(r"\s*(\S+) \((.+?)\) => (\S+)", line)
        if not match:
            continue
        wide = any(tag in match.group(2) for tag in ("x86-64", "AArch64", "64bit"))
        if wide == (sys.maxsize > 2**32):
            paths.setdefault(match.group(1), match.group(3))
    return paths


def package_of(path: str) -> str | None:
    """The Debian package that installed the file at `path` (`dpkg -S`)."""
    for candidate in (path, str(Path(path).resolve())):
        run = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if run.returncode == 0:
            return run.stdout.split(":", 1)[0].strip()
    return None


def _apt_knows(package: str) -> bool:
    if shutil.which("apt-cache") is None:
        return False
    run = subprocess.run(["apt-cache", "show", "--no-all-versions", package], capture_output=True)
    return run.returncode == 0 and bool(run.stdout)


def debian_name(soname: str, verify: bool = True) -> str | None:
    """The package Debian's library naming gives `soname` (libxcb-icccm.so.4 -> libxcb-icccm4,
    libfoo2.so.1 -> libfoo2-1); with `verify`, only when the package index knows it."""
    if soname in DEBIAN_PACKAGES:
        return DEBIAN_PACKAGES[soname]
    match = _SONAME.match(soname)
    if not match:
        return None
    stem, version = match.groups()
    name = f"{stem}-{version}" if stem[-1].isdigit() else f"{stem}{version}"
    name = name.lower().replace("_", "-")
    return name if not verify or _apt_knows(name) else None


def rpm_provide(soname: str) -> str:
    """What Fedora's packages provide for `soname`: dnf installs the package that has it
    (`dnf install 'libxcb-icccm.so.4()(64bit)'` installs xcb-util-wm)."""
    return f"{soname}()(64bit)" if sys.maxsize > 2**32 else soname


def package_manager() -> str | None:
    """The system's package manager that this module can name packages for."""
    if shutil.which("apt-get") and shutil.which("dpkg"):
        return "apt-get"
    if shutil.which("dnf"):
        return "dnf"
    return None


def packages_for(sonames: Iterable[str], manager: str | None) -> tuple[list[str], list[str]]:
    """(packages that install `sonames`, the sonames no package was found for)."""
    packages: list[str] = []
    unknown: list[str] = []
    for soname in sonames:
        if manager == "dnf":
            package: str | None = rpm_provide(soname)
        elif manager == "apt-get":
            # An empty package index (no `apt-get update` yet) knows nothing: then the name
            # the policy gives is still the best guess, and apt-get says if it is wrong.
            package = debian_name(soname) or debian_name(soname, verify=False)
        else:
            package = None
        if package is None:
            unknown.append(soname)
        elif package not in packages:
            packages.append(package)
    return packages, unknown


def is_root() -> bool:
    return os.geteuid() == 0


def install_command(packages: Iterable[str], manager: str, as_root: bool | None = None) -> str:
    """The one command that installs `packages` (with sudo unless run as root)."""
    root = is_root() if as_root is None else as_root
    sudo = "" if root else "sudo "
    return f"{sudo}{manager} install -y " + " ".join(shlex.quote(p) for p in packages)
