"""Sentiment drawn with QPainter: the overall split as one bar, and one column per page."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPainterPath, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from docnook.gui.theme import Theme, mix

LABELS = ("positive", "neutral", "negative")


def label_colours(theme: Theme) -> dict[str, QColor]:
    return {
        "positive": QColor(theme.positive),
        "neutral": QColor(theme.neutral),
        "negative": QColor(theme.negative),
    }


class ScoreBar(QWidget):
    """The document's probabilities as one rounded, three-part bar with a legend below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scores: dict[str, float] = {}
        self.setMinimumHeight(46)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_scores(self, scores: dict[str, float]) -> None:
        self.scores = dict(scores)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(300, 46)

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.scores:
            return
        theme = Theme.current()
        colours = label_colours(theme)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        bar = QRectF(0, 2, self.width(), 12)
        clip = QPainterPath()
        clip.addRoundedRect(bar, 6, 6)
        painter.setClipPath(clip)
        x = bar.left()
        total = sum(self.scores.get(k, 0.0) for k in LABELS) or 1.0
        for label in LABELS:
            width = bar.width() * self.scores.get(label, 0.0) / total
            painter.fillRect(QRectF(x, bar.top(), width, bar.height()), colours[label])
            x += width
        painter.setClipping(False)
        font = QFont(self.font())
        font.setPointSizeF(max(7.5, font.pointSizeF() - 0.5))
        painter.setFont(font)
        x = 0.0
        for label in LABELS:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colours[label])
            painter.drawEllipse(QRectF(x, 26, 9, 9))
            painter.setPen(QColor(theme.text))
            text = f"{label.capitalize()} {self.scores.get(label, 0.0) * 100:.0f}%"
            painter.drawText(QPointF(x + 14, 35), text)
            x += painter.fontMetrics().horizontalAdvance(text) + 32


class PageChart(QWidget):
    """One stacked column per page (positive on top, negative at the bottom); hover for the
    numbers, click to open the page."""

    page_clicked = Signal(int)

    LEFT, RIGHT, TOP, BOTTOM = 34, 8, 10, 26

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pages: list[Any] = []  # PageSentiment(page, label, scores)
        self.setMouseTracking(True)
        self.setMinimumHeight(170)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._hover: int | None = None
        self.selected: int | None = None  # the page whose reasons are shown, outlined

    def set_pages(self, pages: list[Any]) -> None:
        self.pages = list(pages)
        self._hover = None
        self.selected = None
        self.update()

    def set_selected(self, page: int | None) -> None:
        self.selected = page
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(320, 200)

    def _plot(self) -> QRectF:
        return QRectF(
            self.LEFT,
            self.TOP,
            max(10, self.width() - self.LEFT - self.RIGHT),
            max(10, self.height() - self.TOP - self.BOTTOM),
        )

    MAX_STEP = 44.0  # a few pages do not make fat bars; they sit centred instead

    def _step(self) -> tuple[float, float]:
        """Column pitch and the left edge of the first column."""
        plot = self._plot()
        count = max(1, len(self.pages))
        step = min(self.MAX_STEP, plot.width() / count)
        return step, plot.left() + (plot.width() - step * count) / 2

    def _column(self, index: int) -> QRectF:
        plot = self._plot()
        step, left = self._step()
        gap = min(8.0, step * 0.25)
        return QRectF(left + index * step + gap / 2, plot.top(), step - gap, plot.height())

    def _index_at(self, x: float) -> int | None:
        step, left = self._step()
        if not self.pages or not left <= x <= left + step * len(self.pages):
            return None
        return min(int((x - left) / step), len(self.pages) - 1)

    def paintEvent(self, event: QPaintEvent) -> None:
        theme = Theme.current()
        colours = label_colours(theme)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        plot = self._plot()
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1.5))
        painter.setFont(font)
        grid = mix(theme.text, theme.base, 0.12)
        for fraction in (0.0, 0.5, 1.0):
            y = plot.bottom() - plot.height() * fraction
            painter.setPen(grid)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(QColor(theme.muted))
            painter.drawText(
                QRectF(0, y - 8, self.LEFT - 6, 16),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"{round(fraction * 100)}%",
            )
        if not self.pages:
            return
        for index, page in enumerate(self.pages):
            column = self._column(index)
            radius = min(3.0, column.width() / 3)
            clip = QPainterPath()
            clip.addRoundedRect(column, radius, radius)
            painter.save()
            painter.setClipPath(clip)
            y = column.top()
            scores = page.scores
            for label in LABELS:
                height = column.height() * float(scores.get(label, 0.0))
                colour = QColor(colours[label])
                if self._hover is not None and self._hover != index:
                    colour.setAlpha(120)
                painter.fillRect(QRectF(column.left(), y, column.width(), height), colour)
                y += height
            painter.restore()
            if page.page == self.selected:
                painter.setPen(QColor(theme.text))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(column.adjusted(-1, -1, 1, 1), radius, radius)
        # Page numbers along the bottom, as many as fit.
        painter.setPen(QColor(theme.muted))
        metrics = painter.fontMetrics()
        every = max(
            1, int(metrics.horizontalAdvance("0000") / max(1.0, self._column(0).width() + 1))
        )
        for index, page in enumerate(self.pages):
            if index % every and index != len(self.pages) - 1:
                continue
            column = self._column(index)
            painter.drawText(
                QRectF(column.center().x() - 20, plot.bottom() + 4, 40, 16),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                str(page.page),
            )

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        index = self._index_at(event.position().x())
        if index != self._hover:
            self._hover = index
            self.update()
        if index is None:
            QToolTip.hideText()
            return
        page = self.pages[index]
        lines = [f"Page {page.page}: {page.label}"] + [
            f"{label}: {float(page.scores.get(label, 0.0)) * 100:.0f}%" for label in LABELS
        ]
        QToolTip.showText(event.globalPosition().toPoint(), "\n".join(lines), self)

    def leaveEvent(self, event: Any) -> None:
        self._hover = None
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self._index_at(event.position().x())
        if index is not None and event.button() == Qt.MouseButton.LeftButton:
            self.page_clicked.emit(int(self.pages[index].page))
