"""Drive the real DocNook window offscreen and save PNGs of its main states.

    python scripts/screenshots.py OUTDIR [--theme light|dark]

Uses a fresh temporary data folder, real PDFs written here, the real embedding model and the
bundled language model: the pictures show what a person sees, nothing staged. Saves
01-empty-library, 02-indexing, 03-answer, 04-summary, 05-sentiment and 06-settings.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from docnook.privacy import install_network_guard

install_network_guard()

import pymupdf  # noqa: E402
from PySide6.QtCore import QEventLoop, QPoint, QTimer, SignalInstance  # noqa: E402
from PySide6.QtGui import QColor, QImage, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

WINDOW_SIZE = (1440, 900)
QUESTION = "When does the tool shed open?"

# -- sample documents ------------------------------------------------------------------------

_CSS = """
body { font-family: sans-serif; font-size: 10.5pt; line-height: 1.45; color: #222; }
h1 { font-size: 20pt; color: #1d3b2a; margin-bottom: 4pt; }
h2 { font-size: 13pt; color: #2c5a40; margin-top: 12pt; }
p { margin: 0 0 7pt 0; text-align: justify; }
.meta { color: #777; font-size: 9pt; }
"""

GARDEN = [
    """<h1>Riverside Community Garden</h1><p class="meta">Member handbook · 2026 season</p>
<h2>Welcome</h2>
<p>Welcome to the Riverside Community Garden. Our forty-two plots sit on the old rail yard
beside the river, and every one of them is tended by a neighbour. This handbook explains how
the garden runs, what we ask of members, and where to find tools, water and help.</p>
<p>The garden is run by volunteers. Decisions are taken at the members' meeting on the first
Saturday of each month, in the greenhouse, at ten in the morning. Everyone with a plot has a
vote, and newcomers are especially welcome.</p>
<h2>Opening hours</h2>
<p>The gates are open from sunrise to sunset every day of the year. The tool shed opens at
7 a.m. and is locked at dusk by the volunteer on duty; the rota hangs on the shed door.
Please return every tool clean and dry before the shed closes.</p>""",
    """<h2>Plots and fees</h2>
<p>Each plot measures four by eight metres. The annual plot fee is 45 euros, due by the first
of March; members who receive housing support pay 15 euros. The fee pays for water, seeds for
the shared beds, insurance and the repair of tools.</p>
<p>A plot left untended for six weeks in the growing season may be offered to the next person
on the waiting list, after two written reminders. If you are ill or away, tell the plot
coordinator and a neighbour can water for you.</p>
<h2>Water</h2>
<p>Rain barrels stand at the end of every row. The mains tap by the greenhouse may be used
only between 6 and 9 in the evening from June to August, when the city asks us to save water.
Hoses must never be left running.</p>""",
    """<h2>Compost and waste</h2>
<p>The three compost bays behind the shed take plant waste, coffee grounds and shredded paper.
Please leave out meat, dairy, diseased plants and anything treated with chemicals. Turn the
bay marked <b>active</b> when you add to it; the volunteers empty the mature bay each spring.</p>
<h2>Harvest festival</h2>
<p>Every September we close the season with a harvest festival. Members bring soup, bread and
the best of their plots; there is music, a prize for the largest pumpkin and a seed swap.
Last year more than three hundred neighbours came, and it was a wonderful, joyful day.</p>
<h2>Contact</h2>
<p>Questions about plots go to the plot coordinator, Amira Haddad. Questions about the
festival go to Tom Reilly. Both can be reached through the notice board in the greenhouse.</p>""",
]

COFFEE = [
    """<h1>Lumen Coffee Roasters</h1><p class="meta">Quarterly report · third quarter 2025</p>
<h2>Highlights</h2>
<p>It was our best quarter yet. Revenue grew eighteen percent to 2.4 million euros, our new
café on Harbour Street opened to long queues, and the subscription service passed five
thousand customers. The team did outstanding work and customers told us they love the new
seasonal blends.</p>""",
    """<h2>Operations</h2>
<p>The roastery ran at eighty percent of capacity. We replaced the cooling tray on the
second roaster in August, and the packaging line now labels bags automatically. Deliveries
to wholesale customers left on time on ninety-seven days out of a hundred.</p>""",
    """<h2>Supply problems</h2>
<p>The drought in Minas Gerais badly damaged this year's harvest. Green coffee prices rose by
forty percent, two containers arrived weeks late, and one shipment was spoiled by moisture
and had to be destroyed. We lost money on every wholesale contract signed before the
increase, and we were forced to cancel the autumn promotion. These were painful losses.</p>""",
    """<h2>Staff and customers</h2>
<p>Staff turnover stayed low, and the barista training programme now has twelve graduates.
Complaints fell by a third after we changed the subscription checkout, and the Harbour Street
café earned glowing reviews in the city guide.</p>""",
    """<h2>Outlook</h2>
<p>We expect prices to stay high into next year. We will sign shorter contracts, keep a larger
stock of our core beans and raise retail prices by five percent in January. With the new café
and a loyal base of subscribers we remain confident and look forward to a strong year.</p>""",
]


def _birds(pages: int) -> list[str]:
    birds = [
        ("House sparrow", "chirps from gutters and hedges", "seeds and crumbs"),
        ("Blackbird", "sings from rooftops at dusk", "worms and berries"),
        ("Great tit", "calls teacher-teacher in spring", "caterpillars"),
        ("Wood pigeon", "coos in a five-note phrase", "grain and leaves"),
        ("Robin", "sings even in winter", "insects and suet"),
        ("Starling", "mimics car alarms and phones", "leatherjackets"),
        ("Magpie", "chatters like a rattle", "almost anything"),
        ("Swift", "screams over the roofs in summer", "flying insects"),
    ]
    out = []
    for n in range(pages):
        name, song, food = birds[n % len(birds)]
        heading = "<h1>Field Guide to City Birds</h1>" if n == 0 else ""
        out.append(
            f"""{heading}<h2>{n + 1}. {name}</h2>
<p>The {name.lower()} is among the most familiar birds of the city. It {song}, and it feeds on
{food}. Look for it in parks, courtyards and along the river path, especially in the early
morning when the streets are quiet.</p>
<p>Counts from the winter survey show how the {name.lower()} uses gardens, railway verges and
cemeteries as stepping stones between larger green spaces. Nest boxes, native hedges and a
shallow dish of clean water all help it through the year.</p>
<p>Observers noted behaviour on route {n + 1}: feeding, preening, short flights between trees,
and calls answered from neighbouring gardens. Record the date, the time and the weather with
every sighting so the survey can compare years.</p>"""
        )
    return out


def write_pdf(path: Path, pages: list[str], title: str, author: str) -> Path:
    doc = pymupdf.open()
    rect = pymupdf.paper_rect("a4")
    box = pymupdf.Rect(rect.x0 + 62, rect.y0 + 62, rect.x1 - 62, rect.y1 - 62)
    for html in pages:
        page = doc.new_page(width=rect.width, height=rect.height)
        page.insert_htmlbox(box, html, css=_CSS)
    doc.set_metadata({"title": title, "author": author})
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    doc.close()
    return path


def make_documents(folder: Path) -> dict[str, Path]:
    return {
        "garden": write_pdf(
            folder / "garden-handbook.pdf",
            GARDEN,
            "Riverside Community Garden Handbook",
            "Riverside Garden",
        ),
        "coffee": write_pdf(
            folder / "lumen-q3-report.pdf",
            COFFEE,
            "Lumen Coffee Roasters: Q3 2025 Report",
            "Lumen",
        ),
        "birds": write_pdf(
            folder / "city-birds.pdf", _birds(160), "Field Guide to City Birds", "Survey Team"
        ),
    }


# -- waiting on the real window -----------------------------------------------------------


def wait_for(signal: SignalInstance, action: Callable[[], Any] | None = None, timeout: float = 300):
    """Run `action`, then wait for `signal`; returns its arguments."""
    loop = QEventLoop()
    got: list[tuple[Any, ...]] = []

    def done(*args: Any) -> None:
        got.append(args)
        loop.quit()

    signal.connect(done)
    if action is not None:
        action()
    if not got:
        QTimer.singleShot(int(timeout * 1000), loop.quit)
        loop.exec()
    signal.disconnect(done)
    if not got:
        raise TimeoutError(f"no {signal} within {timeout} s")
    return got[0]


def wait_until(predicate: Callable[[], bool], timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        loop = QEventLoop()
        QTimer.singleShot(30, loop.quit)
        loop.exec()


def settle(ms: int = 250) -> None:
    wait_until(lambda: True)
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def save(widget: QWidget, out: Path, name: str, overlay: QWidget | None = None) -> Path:
    settle()
    image = widget.grab().toImage()
    if overlay is not None:
        image = _with_dialog(image, overlay)
    path = out / f"{name}.png"
    image.save(str(path))
    print(path)
    return path


def _with_dialog(base: QImage, dialog: QWidget) -> QImage:
    """The window dimmed, with a dialog (its own top-level window offscreen) laid over it."""
    picture = dialog.grab().toImage()
    painter = QPainter(base)
    painter.fillRect(base.rect(), QColor(0, 0, 0, 90))
    x = (base.width() - picture.width()) // 2
    y = (base.height() - picture.height()) // 2
    for step in range(12, 0, -2):
        painter.fillRect(
            x - step,
            y - step + 6,
            picture.width() + 2 * step,
            picture.height() + 2 * step,
            QColor(0, 0, 0, 8),
        )
    painter.drawImage(QPoint(x, y), picture)
    painter.end()
    return base


# -- the tour -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    out: Path = args.outdir
    out.mkdir(parents=True, exist_ok=True)

    work = Path(tempfile.mkdtemp(prefix="docnook-shots-"))
    data_dir = work / "data"
    os.environ["DOCNOOK_DATA_DIR"] = str(data_dir)
    docs = make_documents(work / "Documents")

    from docnook.gui import icons, theme
    from docnook.gui.main_window import MainWindow

    QApplication.setApplicationName("DocNook")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setWindowIcon(icons.app_icon())
    app.setFont(theme.ui_font(app))
    theme.apply(app, dark=args.theme == "dark")

    window = MainWindow(data_dir)
    window.resize(*WINDOW_SIZE)
    window.show()
    panel = window.assistant_panel
    wait_until(lambda: panel.assistant is not None and panel.state == "ready", timeout=300)
    save(window, out, "01-empty-library")

    progress = window.library_panel.indexing
    window.handle_dropped([str(docs["garden"]), str(docs["coffee"]), str(docs["birds"])])
    wait_until(
        lambda: (
            window.library_panel.model.record_count() >= 2
            and progress.isVisible()
            and 250 < progress.bar.value() < 900
        ),
        timeout=300,
    )
    save(window, out, "02-indexing")
    wait_until(lambda: not window.indexing, timeout=600)
    window.banner.hide()

    garden = next(r for r in window.library_panel.records() if "Garden" in r.title)
    window.library_panel.select(garden.id)
    panel.ask_tab.composer.edit.setPlainText(QUESTION)
    (result,) = wait_for(panel.answer_finished, panel.ask, timeout=300)
    if result is not None and result.citations:
        # What a click on the first [1] link in the answer does.
        panel.ask_tab.chat.bubbles[-1].body.linkActivated.emit("cite:1")
    save(window, out, "03-answer")

    coffee = next(r for r in window.library_panel.records() if "Lumen" in r.title)
    window.library_panel.select(coffee.id)
    wait_for(panel.summary_finished, panel.summarize, timeout=600)
    save(window, out, "04-summary")

    wait_for(panel.sentiment_finished, panel.sentiment, timeout=600)
    save(window, out, "05-sentiment")

    dialog = window.assistant_panel.open_settings(window)
    assert dialog is not None
    wait_until(lambda: dialog.apply_button.isEnabled(), timeout=60)
    dialog.resize(620, 700)
    save(window, out, "06-settings", overlay=dialog)
    dialog.close()

    window.close()
    wait_until(lambda: window._shutdown_done, timeout=60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
