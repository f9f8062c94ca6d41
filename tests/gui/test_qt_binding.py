"""The Qt binding itself: PySide6 6.12.0 shipped a `SignalInstance.emit()` that drops a
reference to `True` on each call; a window emits thousands of signals, so the process
eventually aborts ("bool_dealloc"). pyproject.toml excludes that release; this keeps it out."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    ping = Signal(object)


def test_emitting_a_signal_keeps_the_reference_counts_of_true_and_false(qapp):
    emitter = _Emitter()
    received = []
    emitter.ping.connect(received.append)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for n in range(500):
        emitter.ping.emit(n)
    after = sys.getrefcount(True), sys.getrefcount(False)
    assert len(received) == 500
    assert after == before, f"emit() changed the counts of True/False: {before} -> {after}"
