"""`docnook-gui`: start the window. The network guard goes in before anything else is imported."""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import signal
import sys
from collections.abc import Sequence
from typing import Any

from docnook.privacy import install_network_guard, private_umask


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="docnook-gui", description="Open the DocNook window (optionally adding PDFs)."
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="PDFs or folders to add")
    parser.add_argument(
        "--theme", choices=("system", "light", "dark"), default="system", help="colour scheme"
    )
    return parser.parse_args(argv)


def log_milestones(window: Any) -> None:
    """Log when the window becomes usable: the model's state changes, indexing ends, an
    answer ends. Someone reading the log, or a test driving the real program from outside
    (tests/e2e), can tell what the window was doing and when."""
    log = logging.getLogger("docnook.gui")
    last = [""]

    def engine_state(state: str, _rate: object = None) -> None:
        if state != last[0]:
            last[0] = state
            log.info("language model: %s", state)

    window.assistant_panel.engine_state.connect(engine_state)
    window.indexing_finished.connect(
        lambda report: log.info(
            "indexing finished: %s", f"{report.indexed} indexed" if report else "failed"
        )
    )
    window.assistant_panel.answer_finished.connect(
        lambda result: log.info("answer finished (%s)", "found" if result else "no result")
    )


def main(argv: Sequence[str] | None = None) -> int:
    install_network_guard()  # first: before any model library can be imported
    private_umask()  # every file the window's process writes is readable only by the user
    multiprocessing.freeze_support()  # a frozen bundle starts the indexing process through here
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # Before Qt: where its platform plugin cannot load, Qt prints a screenful and aborts.
    from docnook.gui import preflight

    verdict = preflight.check()
    if verdict.problem:
        print(f"docnook-gui: {verdict.problem}", file=sys.stderr)
        return 1
    if verdict.platform:  # the platform Qt would pick cannot load here; this one can
        os.environ["QT_QPA_PLATFORM"] = verdict.platform

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from docnook import __version__, paths
    from docnook.errors import DocNookError
    from docnook.gui import icons, theme
    from docnook.gui.crash import CrashReporter, setup_logging

    QApplication.setApplicationName("DocNook")
    QApplication.setApplicationDisplayName("DocNook")
    QApplication.setOrganizationName("DocNook")
    QApplication.setApplicationVersion(__version__)
    QApplication.setDesktopFileName("docnook")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setWindowIcon(icons.app_icon())
    app.setFont(theme.ui_font(app))
    theme.apply(app, None if args.theme == "system" else args.theme == "dark")

    try:
        data_dir = paths.ensure_private_dir(paths.data_dir())
    except DocNookError as exc:
        QMessageBox.critical(None, "DocNook cannot start", str(exc))
        return 1
    reporter = CrashReporter(setup_logging(data_dir), app)
    reporter.install()

    from docnook.gui.main_window import MainWindow

    window = MainWindow(data_dir)
    log_milestones(window)
    if os.environ.get("DOCNOOK_STARTUP_PROBE", "0") not in ("", "0"):  # timing a cold start
        from docnook.gui import startup_probe

        startup_probe.install(app, window)
    window.show()
    if args.paths:  # "Open with DocNook" from a file manager: as if dropped on the window
        window.handle_dropped([os.path.abspath(p) for p in args.paths])

    # Ctrl+C in the terminal closes the window the normal way (jobs cancelled, state saved).
    signal.signal(signal.SIGINT, lambda *_: window.close())
    heartbeat = QTimer()
    heartbeat.start(300)  # lets Python run its signal handlers while Qt waits
    heartbeat.timeout.connect(lambda: None)
    code = app.exec()
    reporter.uninstall()
    return code


if __name__ == "__main__":
    sys.exit(main())
