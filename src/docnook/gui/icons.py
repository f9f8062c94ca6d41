"""The window's icons: small line drawings kept as SVG text, tinted to the current palette.

Desktop icon themes exist on Linux only, and differ between them; drawing our own keeps the
app looking the same everywhere and lets the icons follow light and dark mode.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

_STROKE = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="{color}" '
    'stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">{body}</svg>'
)

_SHAPES = {
    "add-file": '<path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z"/>'
    '<path d="M14 3v5h5"/><path d="M12 11v7"/><path d="M8.5 14.5h7"/>',
    "add-folder": '<path d="M3 7a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H5a2 2 0 0 '
    '1-2-2z"/><path d="M12 10.5v5"/><path d="M9.5 13h5"/>',
    "trash": '<path d="M4 7h16"/><path d="M9.5 7V4.5h5V7"/><path d="M6.5 7l1 13h9l1-13"/>'
    '<path d="M10.5 11v5"/><path d="M13.5 11v5"/>',
    "refresh": '<path d="M19.5 12a7.5 7.5 0 1 1-2.2-5.3"/><path d="M19.5 4.5v4h-4"/>',
    "prev": '<path d="M15 6l-6 6 6 6"/>',
    "next": '<path d="M9 6l6 6-6 6"/>',
    "chevron-down": '<path d="M6 9l6 6 6-6"/>',
    "chevron-up": '<path d="M6 15l6-6 6 6"/>',
    "zoom-in": '<circle cx="11" cy="11" r="6.5"/><path d="M16 16l4.5 4.5"/>'
    '<path d="M11 8.5v5"/><path d="M8.5 11h5"/>',
    "zoom-out": '<circle cx="11" cy="11" r="6.5"/><path d="M16 16l4.5 4.5"/><path d="M8.5 11h5"/>',
    "fit-width": '<path d="M3 12h18"/><path d="M7 8l-4 4 4 4"/><path d="M17 8l4 4-4 4"/>',
    "send": '<path d="M12 19V5"/><path d="M6 11l6-6 6 6"/>',
    "stop": '<rect x="7" y="7" width="10" height="10" rx="2" fill="{color}"/>',
    "copy": '<rect x="8" y="8" width="12" height="12" rx="2"/>'
    '<path d="M16 8V6a2 2 0 0 0-2-2H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h2"/>',
    "export": '<path d="M12 4v11"/><path d="M7 10l5 5 5-5"/><path d="M5 20h14"/>',
    "settings": '<path d="M4 7h9"/><path d="M19 7h1"/><circle cx="16" cy="7" r="2.5"/>'
    '<path d="M4 17h3"/><path d="M13 17h7"/><circle cx="10" cy="17" r="2.5"/>',
    "lock": '<rect x="5" y="11" width="14" height="10" rx="2"/><path d="M8 11V8a4 4 0 0 1 8 0v3"/>',
    "search": '<circle cx="11" cy="11" r="6.5"/><path d="M16 16l4.5 4.5"/>',
    "spark": '<path d="M12 3c.8 4.6 2.4 6.2 7 7-4.6.8-6.2 2.4-7 7-.8-4.6-2.4-6.2-7-7 '
    '4.6-.8 6.2-2.4 7-7z" fill="{color}"/><path d="M19 15.5c.3 1.7.8 2.2 2.5 2.5-1.7.3-2.2.8-'
    '2.5 2.5-.3-1.7-.8-2.2-2.5-2.5 1.7-.3 2.2-.8 2.5-2.5z" fill="{color}"/>',
    "chat": '<path d="M4 6a2 2 0 0 1 2-2h12a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H9l-5 4z"/>',
    "document": '<path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z"/>'
    '<path d="M14 3v5h5"/><path d="M9 13h6"/><path d="M9 17h4"/>',
    "warning": '<path d="M12 4l9 16H3z"/><path d="M12 10v4"/><path d="M12 17.2v.1"/>',
    "key": '<circle cx="8" cy="14" r="4"/><path d="M11 11l8-8"/><path d="M16 6l2.5 2.5"/>'
    '<path d="M14 8l2 2"/>',
    "close": '<path d="M6 6l12 12"/><path d="M18 6L6 18"/>',
    "chart": '<path d="M5 20V11"/><path d="M12 20V4"/><path d="M19 20v-7"/>',
    "new-chat": '<path d="M4 6a2 2 0 0 1 2-2h12a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H9l-5 4z"/>'
    '<path d="M12 7.5v6"/><path d="M9 10.5h6"/>',
    "history": '<circle cx="12" cy="12" r="8"/><path d="M12 8v4l3 2"/>',
    "summary": '<path d="M5 6h14"/><path d="M5 10h14"/><path d="M5 14h9"/><path d="M5 18h6"/>',
    "folder": '<path d="M3 7a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H5a2 2 0 0 '
    '1-2-2z"/>',
    "check": '<path d="M5 12.5l4.5 4.5L19 7.5"/>',
    "cpu": '<rect x="6" y="6" width="12" height="12" rx="2"/><path d="M9 2.5V6"/>'
    '<path d="M15 2.5V6"/><path d="M9 18v3.5"/><path d="M15 18v3.5"/><path d="M2.5 9H6"/>'
    '<path d="M2.5 15H6"/><path d="M18 9h3.5"/><path d="M18 15h3.5"/>',
}

NAMES = tuple(_SHAPES)


def svg_text(name: str, color: str) -> str:
    return _STROKE.format(color=color, body=_SHAPES[name].format(color=color))


@cache
def _pixmap(name: str, color: str, size: int, ratio: float) -> QPixmap:
    renderer = QSvgRenderer(QByteArray(svg_text(name, color).encode()))
    pixels = round(size * ratio)
    image = QImage(pixels, pixels, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, pixels, pixels))
    painter.end()
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def icon(name: str, color: QColor | str, disabled: QColor | str | None = None) -> QIcon:
    """A crisp icon at the usual sizes, in `color` (and `disabled` when the action is off)."""
    normal = QColor(color).name(QColor.NameFormat.HexArgb)
    off = QColor(disabled).name(QColor.NameFormat.HexArgb) if disabled is not None else None
    result = QIcon()
    for size in (16, 20, 24, 32):
        for ratio in (1.0, 2.0):
            result.addPixmap(_pixmap(name, _svg_color(normal), size, ratio))
            if off is not None:
                result.addPixmap(_pixmap(name, _svg_color(off), size, ratio), QIcon.Mode.Disabled)
    return result


def _svg_color(argb: str) -> str:
    """#AARRGGBB as an SVG colour (SVG Tiny wants #RRGGBB; alpha is dropped)."""
    return "#" + argb[3:] if len(argb) == 9 else argb


def app_icon() -> QIcon:
    """DocNook's own icon, from the SVG shipped in the package."""
    data = resources.files("docnook.gui").joinpath("assets/docnook.svg").read_bytes()
    renderer = QSvgRenderer(QByteArray(data))
    result = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        result.addPixmap(QPixmap.fromImage(image))
    return result


def icon_size(size: int = 18) -> QSize:
    return QSize(size, size)
