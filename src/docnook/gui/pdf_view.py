"""The reading area: a PDF's pages in one continuous column, rendered with PyMuPDF.

Pages are laid out from their sizes alone; only the pages in view are rendered, one per turn of
the event loop (so a long jump or a zoom never holds the window up), and kept in a small cache.
Until a page is ready, the previous rendering (at another zoom) or a blank sheet stands in.
Highlights are rectangles in PDF coordinates, drawn over the page like a marker pen.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import pymupdf
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QKeyEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from docnook.errors import InputError
from docnook.gui.theme import Theme
from docnook.ingest import formats

POINTS_TO_PIXELS = 96 / 72  # 100 % zoom shows a page at its printed size on a 96 dpi screen
MIN_ZOOM, MAX_ZOOM = 0.25, 5.0
ZOOM_STEPS = (0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0, 5.0)
CACHE_PAGES = 24
MAX_PIXELS = 36_000_000  # one rendered page, beyond which the zoom is rendered coarser


class PdfView(QAbstractScrollArea):
    page_changed = Signal(int, int)  # current page (1-based), page count
    zoom_changed = Signal(float)  # the zoom factor (1.0 = 100 %)

    GAP = 16
    MARGIN = 24

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PdfView")
        self.setFrameShape(QAbstractScrollArea.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().setAutoFillBackground(False)
        self._doc: pymupdf.Document | None = None
        self._path: str | None = None
        self._sizes: list[tuple[float, float]] = []  # page sizes in points
        self._rects: list[QRectF] = []  # page rectangles in content pixels
        self._content = QSize(0, 0)
        self._zoom = 1.0
        self._fit_width = True
        self._cache: OrderedDict[tuple[int, int], QImage] = OrderedDict()
        self._queue: list[int] = []
        self._highlights: dict[int, list[tuple[QRectF, bool]]] = {}
        self._current = 0
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(0)
        self._render_timer.timeout.connect(self._render_next)
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.horizontalScrollBar().valueChanged.connect(lambda _: self.viewport().update())
        self.verticalScrollBar().setSingleStep(40)

    # -- the document -------------------------------------------------------------------------

    @property
    def path(self) -> str | None:
        return self._path

    @property
    def page_count(self) -> int:
        return len(self._sizes)

    @property
    def current_page(self) -> int:
        return self._current + 1 if self._sizes else 0

    @property
    def zoom(self) -> float:
        return self._zoom

    @property
    def fits_width(self) -> bool:
        return self._fit_width

    def open(self, path: str, password: str | None = None) -> None:
        """Show the document at `path`; raises InputError with a sentence if it cannot be."""
        try:
            # Through formats: an e-book or Word file is laid out as it was when indexed, so
            # a cited page is the page shown.
            doc = formats.open_document(path)
        except Exception as exc:
            raise InputError(
                f"{Path(path).name} cannot be opened: it is missing or damaged."
            ) from exc
        if doc.needs_pass and not (password and doc.authenticate(password)):
            doc.close()
            raise InputError(f"{Path(path).name} is protected by a password.")
        self.close_document()
        self._doc = doc
        self._path = path
        self._sizes = [(page.rect.width, page.rect.height) for page in doc]
        self._current = 0
        self._relayout()
        self.verticalScrollBar().setValue(0)
        self.page_changed.emit(self.current_page, self.page_count)

    def close_document(self) -> None:
        if self._doc is not None:
            self._doc.close()
        self._doc = None
        self._path = None
        self._sizes = []
        self._rects = []
        self._cache.clear()
        self._queue.clear()
        self._highlights.clear()
        self._current = 0
        self._relayout()
        self.page_changed.emit(0, 0)

    def page(self, number: int) -> pymupdf.Page | None:
        """The PyMuPDF page `number` (1-based) of the open document."""
        if self._doc is None or not 1 <= number <= len(self._sizes):
            return None
        return self._doc[number - 1]

    # -- navigation ---------------------------------------------------------------------------

    def go_to_page(self, number: int, y_points: float | None = None) -> None:
        """Scroll so page `number` (1-based) is at the top, or its point `y_points` in view."""
        if not self._rects:
            return
        index = max(0, min(len(self._rects) - 1, number - 1))
        rect = self._rects[index]
        top = rect.top() - self.GAP
        if y_points is not None:
            top = rect.top() + y_points * self._scale() - self.viewport().height() / 3
        self.verticalScrollBar().setValue(round(max(0.0, top)))
        self._set_current(index)
        self.viewport().update()

    def next_page(self) -> None:
        self.go_to_page(self.current_page + 1)

    def previous_page(self) -> None:
        self.go_to_page(self.current_page - 1)

    # -- highlights ---------------------------------------------------------------------------

    def set_highlights(
        self,
        rects_by_page: dict[int, list[pymupdf.Rect]],
        focus_by_page: dict[int, list[pymupdf.Rect]] | None = None,
    ) -> None:
        """Mark rectangles (PDF points) on pages (1-based), faintly, and `focus` ones strongly;
        replaces the previous marks."""
        marks: dict[int, list[tuple[QRectF, bool]]] = {}
        for strong, source in ((False, rects_by_page), (True, focus_by_page or {})):
            for number, rects in source.items():
                for r in rects:
                    marks.setdefault(number - 1, []).append(
                        (QRectF(r.x0, r.y0, r.width, r.height), strong)
                    )
        self._highlights = marks
        self.viewport().update()

    def clear_highlights(self) -> None:
        self._highlights = {}
        self.viewport().update()

    def highlights(self, strong_only: bool = False) -> dict[int, list[QRectF]]:
        """The current marks by page (1-based), in PDF points."""
        result = {
            index + 1: [rect for rect, strong in marks if strong or not strong_only]
            for index, marks in self._highlights.items()
        }
        return {page: rects for page, rects in result.items() if rects}

    # -- zoom ---------------------------------------------------------------------------------

    def set_zoom(self, zoom: float, anchor: QPointF | None = None) -> None:
        zoom = max(MIN_ZOOM, min(MAX_ZOOM, zoom))
        self._fit_width = False
        self._apply_zoom(zoom, anchor)

    def zoom_in(self) -> None:
        self.set_zoom(next((z for z in ZOOM_STEPS if z > self._zoom + 1e-3), MAX_ZOOM))

    def zoom_out(self) -> None:
        self.set_zoom(next((z for z in reversed(ZOOM_STEPS) if z < self._zoom - 1e-3), MIN_ZOOM))

    def fit_width(self) -> None:
        self._fit_width = True
        self._apply_zoom(self._fit_zoom())

    def _fit_zoom(self) -> float:
        if not self._sizes:
            return self._zoom
        widest = max(w for w, _ in self._sizes)
        room = max(100, self.viewport().width() - 2 * self.MARGIN)
        return max(MIN_ZOOM, min(MAX_ZOOM, room / (widest * POINTS_TO_PIXELS)))

    def _apply_zoom(self, zoom: float, anchor: QPointF | None = None) -> None:
        if abs(zoom - self._zoom) < 1e-4 and self._rects:
            return
        # Keep the point under the anchor (or the top of the view) where it is.
        anchor = anchor or QPointF(self.viewport().width() / 2, 0)
        bar = self.verticalScrollBar()
        index, offset = self._content_to_page(bar.value() + anchor.y())
        self._zoom = zoom
        self._relayout()
        if index is not None:
            y = self._rects[index].top() + offset * self._scale()
            bar.setValue(round(y - anchor.y()))
        self.zoom_changed.emit(self._zoom)

    def _scale(self) -> float:
        return self._zoom * POINTS_TO_PIXELS

    # -- layout -------------------------------------------------------------------------------

    def _relayout(self) -> None:
        scale = self._scale()
        widths = [w * scale for w, _ in self._sizes]
        content_width = (max(widths) if widths else 0) + 2 * self.MARGIN
        view_width = self.viewport().width()
        width = max(content_width, view_width)
        y = float(self.MARGIN)
        self._rects = []
        for w, h in self._sizes:
            pw, ph = w * scale, h * scale
            self._rects.append(QRectF((width - pw) / 2, y, pw, ph))
            y += ph + self.GAP
        height = y - self.GAP + self.MARGIN if self._sizes else 0
        self._content = QSize(round(content_width), round(height))
        vbar, hbar = self.verticalScrollBar(), self.horizontalScrollBar()
        vbar.setPageStep(self.viewport().height())
        vbar.setRange(0, max(0, self._content.height() - self.viewport().height()))
        hbar.setPageStep(view_width)
        hbar.setRange(0, max(0, self._content.width() - view_width))
        self._queue.clear()
        self.viewport().update()

    def _content_to_page(self, y: float) -> tuple[int | None, float]:
        """The page at content height `y`, and how far into it (in points)."""
        for index, rect in enumerate(self._rects):
            if y <= rect.bottom() + self.GAP:
                return index, max(0.0, (y - rect.top()) / self._scale())
        if self._rects:
            return len(self._rects) - 1, 0.0
        return None, 0.0

    def _visible(self) -> list[int]:
        top = self.verticalScrollBar().value()
        bottom = top + self.viewport().height()
        return [i for i, r in enumerate(self._rects) if r.bottom() >= top and r.top() <= bottom]

    def _scrolled(self, _value: int) -> None:
        visible = self._visible()
        if visible:
            middle = self.verticalScrollBar().value() + self.viewport().height() / 3
            index, _ = self._content_to_page(middle)
            self._set_current(index if index is not None else visible[0])
        self.viewport().update()

    def _set_current(self, index: int) -> None:
        if index != self._current:
            self._current = index
            self.page_changed.emit(self.current_page, self.page_count)

    # -- rendering ----------------------------------------------------------------------------

    def _cache_key(self, index: int) -> tuple[int, int]:
        return index, round(self._scale() * self.devicePixelRatioF() * 1000)

    def _render_next(self) -> None:
        while self._queue:
            index = self._queue.pop(0)
            key = self._cache_key(index)
            if key in self._cache or index not in self._visible():
                continue
            self._cache[key] = self._render(index)
            while len(self._cache) > CACHE_PAGES:
                self._cache.popitem(last=False)
            self.viewport().update()
            break
        if self._queue:
            self._render_timer.start()

    def _render(self, index: int) -> QImage:
        assert self._doc is not None
        ratio = self.devicePixelRatioF()
        scale = self._scale() * ratio
        w, h = self._sizes[index]
        if w * h * scale * scale > MAX_PIXELS:
            scale = (MAX_PIXELS / (w * h)) ** 0.5
        pix = self._doc[index].get_pixmap(matrix=pymupdf.Matrix(scale, scale), alpha=False)
        image = QImage(
            pix.samples, pix.width, pix.height, pix.stride, QImage.Format.Format_RGB888
        ).copy()
        image.setDevicePixelRatio(scale / self._scale())
        return image

    def _image_for(self, index: int) -> tuple[QImage | None, bool]:
        """The page's image at this zoom (True), or a stand-in at another zoom (False)."""
        key = self._cache_key(index)
        image = self._cache.get(key)
        if image is not None:
            self._cache.move_to_end(key)
            return image, True
        for (page, _), other in reversed(self._cache.items()):
            if page == index:
                return other, False
        return None, False

    def paintEvent(self, event: QPaintEvent) -> None:
        theme = Theme.current()
        painter = QPainter(self.viewport())
        painter.fillRect(event.rect(), QColor(theme.sunken))
        if not self._rects:
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        dx = self.horizontalScrollBar().value()
        dy = self.verticalScrollBar().value()
        missing = []
        for index in self._visible():
            rect = self._rects[index].translated(-dx, -dy)
            self._paint_shadow(painter, rect, theme)
            image, exact = self._image_for(index)
            if image is None:
                painter.fillRect(rect, QColor("#FFFFFF"))
            else:
                painter.drawImage(rect, image)
            if not exact:
                missing.append(index)
            self._paint_highlights(painter, index, rect, theme)
        for index in missing:
            if index not in self._queue:
                self._queue.append(index)
        if self._queue and not self._render_timer.isActive():
            self._render_timer.start()

    @staticmethod
    def _paint_shadow(painter: QPainter, rect: QRectF, theme: Theme) -> None:
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        base_alpha = 60 if theme.dark else 22
        for step in range(1, 4):
            shadow = QPainterPath()
            shadow.addRoundedRect(rect.adjusted(-step, -step + 1, step, step + 2), 3, 3)
            painter.setBrush(QColor(0, 0, 0, base_alpha // step))
            painter.drawPath(shadow)
        painter.restore()

    def _paint_highlights(self, painter: QPainter, index: int, rect: QRectF, theme: Theme) -> None:
        marks = self._highlights.get(index)
        if not marks:
            return
        scale = self._scale()
        painter.save()
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Multiply)
        painter.setPen(Qt.PenStyle.NoPen)
        faint, strong = QColor(theme.highlight), QColor(theme.highlight)
        faint.setAlpha(45)
        strong.setAlpha(190)
        for mark, is_strong in sorted(marks, key=lambda m: m[1]):
            painter.setBrush(strong if is_strong else faint)
            r = QRectF(
                rect.left() + mark.left() * scale,
                rect.top() + mark.top() * scale,
                mark.width() * scale,
                mark.height() * scale,
            ).adjusted(-2, -1, 2, 1)
            painter.drawRoundedRect(r, 2, 2)
        painter.restore()

    # -- input --------------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fit_width and self._sizes:
            self._apply_zoom(self._fit_zoom())
        self._relayout()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            if steps:
                self.set_zoom(self._zoom * (1.1**steps), event.position())
            event.accept()
            return
        super().wheelEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        bar = self.verticalScrollBar()
        if key == Qt.Key.Key_Home:
            bar.setValue(0)
        elif key == Qt.Key.Key_End:
            bar.setValue(bar.maximum())
        elif key in (Qt.Key.Key_Space, Qt.Key.Key_PageDown):
            bar.setValue(bar.value() + round(self.viewport().height() * 0.9))
        elif key == Qt.Key.Key_PageUp:
            bar.setValue(bar.value() - round(self.viewport().height() * 0.9))
        else:
            super().keyPressEvent(event)
