"""The .deb's Depends: the Debian packages of the shared libraries the frozen app loads from the
system (the spec leaves the desktop's own libraries out of the bundle).

    python packaging/linux/deb_depends.py build/freeze/dist/docnook

Reads every ELF file of the bundle for the libraries it needs (`readelf -d`), drops those the
bundle holds, finds each of the rest with `ldconfig -p` and its package with `dpkg -S`, and
prints one Depends line, glibc with the newest symbol version the bundle asks for. A library
the system does not have is reported on stderr and left out (only optional Qt plugins may need
one: Qt skips a plugin it cannot load). Standard library only; needs readelf and dpkg.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

# The library logic is shared with the window's start-up check and scripts/setup.sh; the build
# venv runs this file without DocNook installed, so it reads the module from the checkout.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
from docnook.system_libraries import (
    debian_name,
    needed,
    package_of,
    system_paths,
)

# Packages every Debian system has, or that the libc6 entry covers.
IMPLIED = {"libc6", "libc-bin"}
_GLIBC = re.compile(rb"GLIBC_(2\.\d+)")


def elf_files(root: Path) -> list[Path]:
    found = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    root = Path(args[0]).resolve()
    files = elf_files(root)
    inside = {p.name for p in root.rglob("*")}
    wanted: dict[str, list[Path]] = {}
    glibc = (2, 17)
    for path in files:
        for name in needed(path):
            if name not in inside:
                wanted.setdefault(name, []).append(path)
        for version in _GLIBC.findall(path.read_bytes()):
            glibc = max(glibc, tuple(int(x) for x in version.decode().split(".")))
    known = system_paths()
    packages: set[str] = set()
    for name, users in sorted(wanted.items()):
        where = known.get(name)
        package = package_of(where) if where else None
        if package is None:
            package = debian_name(name)
            shown = ", ".join(str(u.relative_to(root)) for u in users[:3])
            found = f"package {package} by its name" if package else "no package"
            print(f"deb_depends: {name} not on this system, {found} (for {shown})", file=sys.stderr)
            if package is None:
                continue
        packages.add(package)
    packages -= IMPLIED
    depends = [f"libc6 (>= {glibc[0]}.{glibc[1]})", *sorted(packages)]
    print(", ".join(depends))
    return 0


if __name__ == "__main__":
    sys.exit(main())
