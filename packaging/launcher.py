"""The frozen app's entry point. One program, two names: `docnook-gui` (the windowed one on
Windows and macOS) opens the window, `docnook` is the command line (`docnook gui` opens the
window too)."""

from __future__ import annotations

import multiprocessing
import os
import sys


def main() -> int:
    # First: in the window's indexing process (multiprocessing's "spawn" start) this runs the
    # child's work and exits; in every other start it does nothing.
    multiprocessing.freeze_support()
    program = os.path.splitext(os.path.basename(sys.executable))[0].lower()
    if program.startswith("docnook-gui"):
        from docnook.gui.app import main as gui_main

        return gui_main()
    from docnook.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
