"""Light and dark looks that follow the system's colour scheme.

The Fusion style draws the same on every platform; the palette below gives it DocNook's colours,
chosen from the system's light/dark preference (and changed live when the person switches), and
the style sheet adds the few touches Fusion lacks: rounded fields, tabs as an underline, slim
scroll bars, chat bubbles. Widgets read colours from `Theme.current()` rather than hard-coding.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication


@dataclass(frozen=True)
class Theme:
    dark: bool
    window: str  # the app's background
    surface: str  # panes, cards
    base: str  # fields, the chat
    sunken: str  # the desk the PDF pages lie on
    border: str
    text: str
    muted: str  # secondary text
    accent: str
    accent_text: str
    accent_soft: str  # tinted backgrounds (the person's chat bubble, selection)
    link: str
    positive: str
    neutral: str
    negative: str
    warning: str
    highlight: str  # the cited passage marker on a PDF page

    @staticmethod
    def current() -> Theme:
        app = QGuiApplication.instance()
        if app is not None and app.property("docnookDark"):
            return DARK
        return LIGHT


LIGHT = Theme(
    dark=False,
    window="#F4F5F8",
    surface="#FBFBFD",
    base="#FFFFFF",
    sunken="#E9EBF0",
    border="#DFE2E8",
    text="#1D2026",
    muted="#6B7280",
    accent="#5A5FE0",
    accent_text="#FFFFFF",
    accent_soft="#ECEDFD",
    link="#4B50D6",
    positive="#1F9D6B",
    neutral="#8A94A6",
    negative="#D9485F",
    warning="#C98A0B",
    highlight="#FFD24D",
)

DARK = Theme(
    dark=True,
    window="#17181C",
    surface="#1D1F24",
    base="#23252B",
    sunken="#121316",
    border="#33363E",
    text="#E8E9ED",
    muted="#9AA1AE",
    accent="#8488F7",
    accent_text="#101114",
    accent_soft="#2C2E4A",
    link="#A4A7FF",
    positive="#3CC48D",
    neutral="#8F98AA",
    negative="#F0707F",
    warning="#E7B23F",
    highlight="#E8B923",
)


def system_prefers_dark(app: QGuiApplication) -> bool:
    scheme = app.styleHints().colorScheme()
    if scheme == Qt.ColorScheme.Dark:
        return True
    if scheme == Qt.ColorScheme.Light:
        return False
    # Unknown (some Linux desktops): judge by the platform palette's window colour.
    return app.palette().color(QPalette.ColorRole.Window).lightness() < 128


def palette_for(theme: Theme) -> QPalette:
    p = QPalette()
    role = QPalette.ColorRole
    group = QPalette.ColorGroup
    colors = {
        role.Window: theme.window,
        role.WindowText: theme.text,
        role.Base: theme.base,
        role.AlternateBase: theme.surface,
        role.ToolTipBase: theme.base,
        role.ToolTipText: theme.text,
        role.PlaceholderText: theme.muted,
        role.Text: theme.text,
        role.Button: theme.base,
        role.ButtonText: theme.text,
        role.BrightText: "#FFFFFF",
        role.Highlight: theme.accent,
        role.HighlightedText: theme.accent_text,
        role.Link: theme.link,
        role.LinkVisited: theme.link,
        role.Light: theme.base,
        role.Midlight: theme.surface,
        role.Mid: theme.border,
        role.Dark: theme.border,
        role.Shadow: "#000000",
    }
    for r, c in colors.items():
        p.setColor(r, QColor(c))
    muted = QColor(theme.muted)
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(group.Disabled, r, muted)
    return p


def style_sheet(t: Theme) -> str:
    arrows = _arrow_files(t).as_posix()
    return f"""
QMainWindow, QDialog {{ background: {t.window}; }}
QToolTip {{ background: {t.base}; color: {t.text}; border: 1px solid {t.border};
    border-radius: 6px; padding: 5px 8px; }}
QSplitter::handle {{ background: {t.border}; }}
QSplitter::handle:horizontal {{ width: 1px; }}
QSplitter::handle:vertical {{ height: 1px; }}

#Pane {{ background: {t.surface}; }}
#ReaderPane {{ background: {t.sunken}; }}
#PaneHeader {{ background: {t.surface}; border: none; border-bottom: 1px solid {t.border}; }}
#PaneTitle {{ font-weight: 600; font-size: 11pt; color: {t.text}; }}
#Caption, QLabel[caption="true"] {{ color: {t.muted}; }}
#Hero {{ font-size: 17pt; font-weight: 600; color: {t.text}; }}
#HeroText {{ color: {t.muted}; font-size: 10.5pt; }}
#DropCard {{ background: {t.base}; border: 2px dashed {t.border}; border-radius: 18px; }}
#Card {{ background: {t.base}; border: 1px solid {t.border}; border-radius: 10px; }}
#ErrorBanner {{ background: {_mix(t.negative, t.base, 0.12)}; border: 1px solid
    {_mix(t.negative, t.base, 0.45)}; border-radius: 8px; }}
#ErrorBanner QLabel {{ color: {t.text}; }}
#InfoBanner {{ background: {t.accent_soft}; border-radius: 8px; color: {t.text}; }}
#DropOverlay {{ background: {_rgba(t.accent, 0.16)}; border: 3px dashed {t.accent};
    border-radius: 16px; }}
#DropOverlayLabel {{ background: {t.base}; color: {t.text}; border-radius: 12px;
    padding: 18px 26px; font-size: 13pt; font-weight: 600; }}

QPushButton {{ background: {t.base}; color: {t.text}; border: 1px solid {t.border};
    border-radius: 7px; padding: 6px 14px; min-height: 18px; }}
QPushButton:hover {{ background: {_mix(t.accent, t.base, 0.06)};
    border-color: {_mix(t.accent, t.border, 0.35)}; }}
QPushButton:pressed {{ background: {_mix(t.accent, t.base, 0.14)}; }}
QPushButton:disabled {{ color: {t.muted}; background: {t.surface}; }}
QPushButton:focus {{ border-color: {t.accent}; }}
QPushButton[primary="true"] {{ background: {t.accent}; color: {t.accent_text};
    border: 1px solid {t.accent}; font-weight: 600; }}
QPushButton[primary="true"]:hover {{ background: {_mix("#FFFFFF", t.accent, 0.12)}; }}
QPushButton[primary="true"]:pressed {{ background: {_mix("#000000", t.accent, 0.12)}; }}
QPushButton[primary="true"]:disabled {{ background: {_mix(t.accent, t.surface, 0.35)};
    border-color: transparent; color: {t.accent_text}; }}
QPushButton[danger="true"] {{ color: {t.negative}; }}

QToolButton {{ background: transparent; border: 1px solid transparent; border-radius: 7px;
    padding: 4px; color: {t.text}; }}
QToolButton:hover {{ background: {_mix(t.text, t.surface, 0.07)}; }}
QToolButton:pressed, QToolButton:checked {{ background: {_mix(t.accent, t.surface, 0.16)}; }}
QToolButton:disabled {{ color: {t.muted}; }}
QToolButton::menu-indicator {{ image: none; width: 0; }}

QLineEdit, QPlainTextEdit, QTextEdit, QSpinBox, QComboBox {{ background: {t.base};
    color: {t.text}; border: 1px solid {t.border}; border-radius: 7px; padding: 5px 8px;
    selection-background-color: {t.accent}; selection-color: {t.accent_text}; }}
QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus, QSpinBox:focus, QComboBox:focus {{
    border: 1px solid {t.accent}; }}
QComboBox {{ padding-right: 26px; }}
QComboBox::drop-down {{ subcontrol-origin: padding; subcontrol-position: center right;
    border: none; width: 24px; }}
QComboBox::down-arrow {{ image: url("{arrows}/down.svg"); width: 12px; height: 12px; }}
QSpinBox {{ padding-right: 24px; }}
QSpinBox::up-button, QSpinBox::down-button {{ subcontrol-origin: border; width: 22px;
    border: none; border-left: 1px solid {t.border}; background: transparent; }}
QSpinBox::up-button {{ subcontrol-position: top right; border-top-right-radius: 7px; }}
QSpinBox::down-button {{ subcontrol-position: bottom right; border-bottom-right-radius: 7px; }}
QSpinBox::up-button:hover, QSpinBox::down-button:hover {{
    background: {_mix(t.accent, t.base, 0.10)}; }}
QSpinBox::up-arrow {{ image: url("{arrows}/up.svg"); width: 10px; height: 10px; }}
QSpinBox::down-arrow {{ image: url("{arrows}/down.svg"); width: 10px; height: 10px; }}
QSpinBox::up-arrow:disabled, QSpinBox::down-arrow:disabled {{ image: none; }}
QLineEdit#PageBox {{ padding: 3px 2px; }}
QComboBox QAbstractItemView {{ background: {t.base}; border: 1px solid {t.border};
    selection-background-color: {t.accent_soft}; selection-color: {t.text}; outline: none; }}
QTextBrowser {{ border: none; background: transparent; }}
QTextBrowser#ResultText {{ background: {t.base}; border: 1px solid {t.border};
    border-radius: 10px; }}

#Composer {{ background: {t.base}; border: 1px solid {t.border}; border-radius: 12px; }}
#Composer QPlainTextEdit {{ border: none; background: transparent; padding: 2px; }}
QComboBox#ScopeCombo {{ border: none; background: {_mix(t.text, t.base, 0.06)};
    border-radius: 13px; padding: 4px 10px; color: {t.text}; }}
QComboBox#ScopeCombo:hover {{ background: {_mix(t.text, t.base, 0.11)}; }}

QTabWidget::pane {{ border: none; border-top: 1px solid {t.border}; top: -1px; }}
QTabBar {{ qproperty-drawBase: 0; }}
QTabWidget#AssistantTabs::tab-bar {{ left: 6px; }}
QTabBar::tab {{ background: transparent; color: {t.muted}; padding: 0 12px; height: 42px;
    border: none; border-bottom: 2px solid transparent; margin-right: 2px; font-weight: 600; }}
QTabBar::tab:hover {{ color: {t.text}; }}
QTabBar::tab:selected {{ color: {t.text}; border-bottom: 2px solid {t.accent}; }}

QProgressBar {{ background: {_mix(t.text, t.base, 0.08)}; border: none; border-radius: 3px;
    max-height: 6px; min-height: 6px; text-align: center; color: transparent; }}
QProgressBar::chunk {{ background: {t.accent}; border-radius: 3px; }}

QScrollBar:vertical {{ background: transparent; width: 11px; margin: 2px; }}
QScrollBar:horizontal {{ background: transparent; height: 11px; margin: 2px; }}
QScrollBar::handle {{ background: {_mix(t.text, t.base, 0.22)}; border-radius: 3px;
    min-height: 32px; min-width: 32px; }}
QScrollBar::handle:hover {{ background: {_mix(t.text, t.base, 0.38)}; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: transparent; }}

QListView#DocumentList {{ background: transparent; border: none; outline: none; }}
QScrollArea#ChatScroll, QScrollArea#ChatScroll > QWidget > QWidget {{ background: transparent;
    border: none; }}

QMenu {{ background: {t.base}; color: {t.text}; border: 1px solid {t.border};
    border-radius: 8px; padding: 5px; }}
QMenu::item {{ padding: 6px 26px 6px 12px; border-radius: 5px; }}
QMenu::item:selected {{ background: {t.accent_soft}; color: {t.text}; }}
QMenu::item:disabled {{ color: {t.muted}; }}
QMenu::separator {{ height: 1px; background: {t.border}; margin: 4px 8px; }}
QMenuBar {{ background: {t.window}; color: {t.text}; padding: 2px 4px; }}
QMenuBar::item {{ padding: 5px 10px; border-radius: 6px; background: transparent; }}
QMenuBar::item:selected {{ background: {_mix(t.text, t.window, 0.08)}; }}

QStatusBar {{ background: {t.window}; color: {t.muted}; border-top: 1px solid {t.border}; }}
QStatusBar::item {{ border: none; }}
QStatusBar QLabel {{ color: {t.muted}; padding: 0 6px; }}
#PrivacyBadge {{ color: {t.positive}; font-weight: 600; }}

#Bubble[role="user"] {{ background: {t.accent_soft}; border-radius: 14px; }}
#Bubble[role="assistant"] {{ background: {t.base}; border: 1px solid {t.border};
    border-radius: 14px; }}
#Bubble[role="error"] {{ background: {_mix(t.negative, t.base, 0.10)};
    border: 1px solid {_mix(t.negative, t.base, 0.40)}; border-radius: 14px; }}
#Sources {{ border-top: 1px solid {t.border}; padding-top: 6px; }}
#SectionHeading {{ color: {t.muted}; font-size: 8.5pt; font-weight: 700;
    letter-spacing: 0.5px; padding-left: 2px; }}
#Chip {{ border-radius: 9px; padding: 2px 9px; font-weight: 600; }}

QSlider::groove:horizontal {{ height: 4px; background: {_mix(t.text, t.base, 0.14)};
    border-radius: 2px; }}
QSlider::sub-page:horizontal {{ background: {t.accent}; border-radius: 2px; }}
QSlider::handle:horizontal {{ background: {t.base}; border: 2px solid {t.accent};
    width: 14px; height: 14px; margin: -7px 0; border-radius: 9px; }}
QSlider::handle:horizontal:disabled {{ border-color: {t.muted}; }}
QCheckBox, QRadioButton {{ spacing: 7px; color: {t.text}; }}
QGroupBox {{ border: 1px solid {t.border}; border-radius: 10px; margin-top: 14px;
    padding: 14px 12px 10px 12px; background: {t.base}; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; color: {t.muted};
    font-weight: 600; }}
"""


def _arrow_files(t: Theme) -> Path:
    """Style sheets take images from files only: write the arrows, in this theme's colour,
    once, to DocNook's private cache folder (where `docnook.footprint` lists them), or to a
    private temporary folder when that cannot be made."""
    from docnook import paths
    from docnook.errors import DocNookError
    from docnook.gui.icons import svg_text

    try:
        paths.ensure_private_dir(paths.cache_dir())
        folder = paths.ensure_private_dir(paths.style_dir())
    except DocNookError:
        uid = os.getuid() if hasattr(os, "getuid") else 0
        folder = Path(tempfile.gettempdir()) / f"docnook-style-{uid}"
        folder.mkdir(mode=0o700, exist_ok=True)
    folder = folder / ("dark" if t.dark else "light")
    folder.mkdir(exist_ok=True)
    for name, shape in (("down", "chevron-down"), ("up", "chevron-up")):
        target = folder / f"{name}.svg"
        text = svg_text(shape, t.muted)
        if not target.exists() or target.read_text() != text:
            target.write_text(text)
    return folder


def _channels(color: str) -> tuple[int, int, int]:
    c = QColor(color)
    return c.red(), c.green(), c.blue()


def _mix(top: str, bottom: str, amount: float) -> str:
    """`top` laid over `bottom` at `amount` opacity, as an opaque colour."""
    a, b = _channels(top), _channels(bottom)
    r, g, bl = (round(x * amount + y * (1 - amount)) for x, y in zip(a, b, strict=True))
    return f"#{r:02X}{g:02X}{bl:02X}"


def mix(top: str, bottom: str, amount: float) -> QColor:
    return QColor(_mix(top, bottom, amount))


def _rgba(color: str, alpha: float) -> str:
    r, g, b = _channels(color)
    return f"rgba({r}, {g}, {b}, {round(alpha * 255)})"


def apply(app: QApplication, dark: bool | None = None) -> Theme:
    """Give the app DocNook's look for the system scheme (or `dark` when forced)."""
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    if dark is None:
        dark = system_prefers_dark(app)
    theme = DARK if dark else LIGHT
    app.setProperty("docnookDark", dark)
    app.setPalette(palette_for(theme))
    app.setStyleSheet(style_sheet(theme))
    return theme


_GENERIC_FAMILIES = {"sans serif", "dejavu sans", "bitstream vera sans", "helvetica", "arial"}
_PREFERRED_FAMILIES = ("Inter", "Noto Sans", "Cantarell", "Ubuntu")


def ui_font(app: QApplication) -> QFont:
    """The system UI font. Where the desktop names none (a bare Linux falls back to a generic
    sans), a modern UI family that is installed takes its place."""
    from PySide6.QtGui import QFontDatabase, QFontInfo

    font = QFont(app.font())
    family = QFontInfo(font).family().casefold()
    if family in _GENERIC_FAMILIES:
        installed = set(QFontDatabase.families())
        chosen = next((f for f in _PREFERRED_FAMILIES if f in installed), None)
        if chosen:
            font.setFamily(chosen)
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
    return font
