"""What the window's start-up check (docnook.gui.preflight) costs a start-up where all is well.

    .venv/bin/python benchmarks/bench_gui_preflight.py [--rounds 9]

Each round starts two fresh Python processes on a real X display (Xvfb, started here; needs
Xvfb) with Qt's xcb platform, back to back and in alternating order:

- **baseline**: import `docnook.gui.app` (what `docnook-gui` imports before Qt), then PySide6,
  and create the QApplication (Qt loads and connects its platform plugin): the part of
  `docnook-gui`'s start-up the check sits in the middle of;
- **with check**: `preflight.check()` first, then the same.

Prints the medians, the ratio, and the check's own time inside the process. The check loads
the plugin Qt is about to load, so most of its time is paid back when Qt finds it loaded.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))
from xdesktop import missing_tools, xvfb

# Both start as docnook-gui does: its module (what it imports before Qt) first.
CHILD = """
import json, sys, time
import docnook.gui.app
start = time.perf_counter()
check_s = 0.0
if sys.argv[1] == "check":
    from docnook.gui import preflight
    verdict = preflight.check()
    assert verdict.problem is None, verdict.problem
    check_s = time.perf_counter() - start
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
print(json.dumps({"total_s": time.perf_counter() - start, "check_s": check_s,
                  "platform": app.platformName()}))
"""


def one(kind: str, env: dict[str, str]) -> dict[str, float]:
    run = subprocess.run(
        [sys.executable, "-c", CHILD, kind], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(run.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    if missing_tools():
        print(f"needs {', '.join(missing_tools())}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp, xvfb(Path(tmp) / "xvfb.log") as display:
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        one("baseline", env)  # warm the file cache for both
        times: dict[str, list[float]] = {"baseline": [], "check": []}
        checks: list[float] = []
        for round_ in range(args.rounds):
            order = ("baseline", "check") if round_ % 2 == 0 else ("check", "baseline")
            for kind in order:
                result = one(kind, env)
                assert result["platform"] == "xcb"
                times[kind].append(result["total_s"])
                if kind == "check":
                    checks.append(result["check_s"])
    base = statistics.median(times["baseline"])
    with_check = statistics.median(times["check"])
    print(f"rounds: {args.rounds}, median of each, Qt's xcb platform on Xvfb")
    print(f"baseline  (app imports, PySide6, QApplication): {base * 1000:7.1f} ms")
    print(f"with check (preflight.check() first)      : {with_check * 1000:7.1f} ms")
    print(f"ratio (with check / baseline)             : {with_check / base:7.3f}")
    print(f"the check itself                          : {statistics.median(checks) * 1000:7.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
