"""Render the app icon (resources/icons/docnook.svg) to the PNG sizes desktops and installers use.

Run after editing the SVG: `python scripts/render_icons.py`. Writes
resources/icons/hicolor/NxN/apps/docnook.png, resources/icons/docnook.ico (when Qt can write
ICO), and copies the SVG into the package so the running app finds its own icon.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "docnook.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
PACKAGE_ASSETS = ROOT / "src" / "docnook" / "gui" / "assets"


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    _app = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"{SVG} is not a valid SVG", file=sys.stderr)
        return 1
    images = {}
    for size in SIZES:
        out = ROOT / "resources" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "docnook.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        images[size] = render(renderer, size)
        images[size].save(str(out))
        print(out.relative_to(ROOT))
    if b"ico" in [bytes(f) for f in QImageWriter.supportedImageFormats()]:
        ico = ROOT / "resources" / "icons" / "docnook.ico"
        images[256].save(str(ico), "ICO")
        print(ico.relative_to(ROOT))
    PACKAGE_ASSETS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SVG, PACKAGE_ASSETS / "docnook.svg")
    print((PACKAGE_ASSETS / "docnook.svg").relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
