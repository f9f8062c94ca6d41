"""The library's list of documents: its model (documents, and files being indexed now), the
filter by name, and the delegate that draws each row with its status."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

from docnook.gui import icons
from docnook.gui.theme import Theme, mix
from docnook.text import format_size

if TYPE_CHECKING:
    from docnook.index.store import DocumentRecord

RecordRole = Qt.ItemDataRole.UserRole + 1
ProgressRole = Qt.ItemDataRole.UserRole + 2

READ_BY_OCR = "Read by OCR"  # an indexed document with scanned pages OCR read
STATUS_TEXT = {
    "indexed": "",
    "needs-password": "Needs a password",
    "failed": "Could not be read",
    "no-text": "No text (a scan?)",
}


@dataclass
class Row:
    """A document in the list, or (record None) a file being indexed right now."""

    path: str
    title: str
    record: DocumentRecord | None = None
    progress: float | None = None  # 0..1 while indexing

    @property
    def status(self) -> str:
        return self.record.status if self.record else "indexing"


def human_size(size: int) -> str:
    return format_size(size)


class DocumentListModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []
        self._pending: Row | None = None

    def set_records(self, records: list[DocumentRecord]) -> None:
        self.beginResetModel()
        self._rows = [Row(r.path, r.title or Path(r.path).stem, r) for r in records]
        if self._pending and any(row.path == self._pending.path for row in self._rows):
            self._pending = None
        self.endResetModel()

    def set_indexing(self, path: str | None, fraction: float | None) -> None:
        """Show `path` as being indexed (fraction done), or no file when `path` is None."""
        known = next((i for i, row in enumerate(self._rows) if row.path == path), None)
        for i, row in enumerate(self._rows):
            if row.progress is not None and i != known:
                row.progress = None
                self._changed(i)
        if known is not None:
            self._rows[known].progress = fraction
            self._changed(known)
            path = None  # already in the list: no extra row
        if path is None:
            if self._pending is not None:
                end = len(self._rows)
                self.beginRemoveRows(QModelIndex(), end, end)
                self._pending = None
                self.endRemoveRows()
            return
        if self._pending is None:
            end = len(self._rows)
            self.beginInsertRows(QModelIndex(), end, end)
            self._pending = Row(path, Path(path).stem, None, fraction)
            self.endInsertRows()
        else:
            self._pending.path, self._pending.title = path, Path(path).stem
            self._pending.progress = fraction
            self._changed(len(self._rows))

    def _changed(self, row: int) -> None:
        index = self.index(row)
        self.dataChanged.emit(index, index)

    def _all(self) -> list[Row]:
        return self._rows + ([self._pending] if self._pending else [])

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._all())

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or index.row() >= len(self._all()):
            return None
        row = self._all()[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.title
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = row.path
            if row.record and row.record.error:
                tip += "\n" + row.record.error
            return tip
        if role == RecordRole:
            return row
        if role == ProgressRole:
            return row.progress
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        row = self._all()[index.row()] if index.isValid() else None
        if row is not None and row.record is None:
            return base & ~Qt.ItemFlag.ItemIsSelectable
        return base

    def record_count(self) -> int:
        return len(self._rows)

    def row_for_id(self, doc_id: int) -> int | None:
        return next(
            (i for i, row in enumerate(self._rows) if row.record and row.record.id == doc_id), None
        )


class _FilterModel(QSortFilterProxyModel):
    def filterAcceptsRow(self, source_row: int, source_parent: Any) -> bool:
        text = self.filterRegularExpression().pattern().casefold()
        if not text:
            return True
        row: Row = self.sourceModel().index(source_row, 0, source_parent).data(RecordRole)
        return text in row.title.casefold() or text in Path(row.path).name.casefold()


class DocumentDelegate(QStyledItemDelegate):
    HEIGHT = 58

    def sizeHint(self, option: QStyleOptionViewItem, index: Any) -> QSize:
        return QSize(200, self.HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Any) -> None:
        row: Row = index.data(RecordRole)
        theme = Theme.current()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(option.rect).adjusted(6, 2, -6, -2)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        if selected or hovered:
            path = QPainterPath()
            path.addRoundedRect(rect, 9, 9)
            fill = theme.accent_soft if selected else mix(theme.text, theme.surface, 0.05).name()
            painter.fillPath(path, QColor(fill))

        colour = {
            "indexed": theme.accent,
            "indexing": theme.accent,
            "needs-password": theme.warning,
            "failed": theme.negative,
            "no-text": theme.muted,
        }.get(row.status, theme.muted)
        tile = QRectF(rect.left() + 8, rect.center().y() - 17, 34, 34)
        tile_path = QPainterPath()
        tile_path.addRoundedRect(tile, 8, 8)
        painter.fillPath(tile_path, mix(colour, theme.base, 0.16))
        icon_name = {"needs-password": "lock", "failed": "warning", "no-text": "warning"}.get(
            row.status, "document"
        )
        icons.icon(icon_name, colour).paint(painter, tile.adjusted(8, 8, -8, -8).toRect())

        text_left = tile.right() + 11
        text_width = rect.right() - text_left - 8
        title_font = QFont(option.font)
        title_font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(title_font)
        painter.setPen(QColor(theme.text))
        title = QFontMetrics(title_font).elidedText(
            row.title, Qt.TextElideMode.ElideRight, int(text_width)
        )
        painter.drawText(
            QRectF(text_left, rect.top() + 9, text_width, 20),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            title,
        )

        small = QFont(option.font)
        small.setPointSizeF(max(7.5, option.font.pointSizeF() - 1))
        painter.setFont(small)
        sub_rect = QRectF(text_left, rect.top() + 30, text_width, 18)
        if row.record is None or row.progress is not None:
            # The card below the list has the numbers; the row only says which file it is.
            painter.setPen(QColor(theme.accent))
            painter.drawText(
                sub_rect,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                "Indexing now…",
            )
        else:
            record = row.record
            note = STATUS_TEXT.get(record.status, record.status)
            note_colour = colour
            if record.status == "indexed" and record.error:  # indexed without damaged pages
                note, note_colour = "Some pages unreadable", theme.warning
            elif record.status == "indexed" and record.ocr_pages:
                note = READ_BY_OCR
            parts = []
            if record.pages:
                parts.append(f"{record.pages} page" + ("s" if record.pages != 1 else ""))
            parts.append(human_size(record.size))
            details = " · ".join(parts)
            metrics = QFontMetrics(small)
            x = text_left
            if note:
                painter.setPen(QPen(QColor(note_colour)))
                painter.drawText(sub_rect, Qt.AlignmentFlag.AlignVCenter, note)
                x += metrics.horizontalAdvance(note + "  ·  ")
                details = details if record.pages else ""
                if details:
                    painter.setPen(QColor(theme.muted))
                    painter.drawText(
                        QRectF(x - metrics.horizontalAdvance("·  "), sub_rect.top(), 20, 18),
                        Qt.AlignmentFlag.AlignVCenter,
                        "·",
                    )
            painter.setPen(QColor(theme.muted))
            room = rect.right() - 8 - x
            if details and room > 10:
                painter.drawText(
                    QRectF(x, sub_rect.top(), room, 18),
                    Qt.AlignmentFlag.AlignVCenter,
                    metrics.elidedText(details, Qt.TextElideMode.ElideRight, int(room)),
                )
        painter.restore()
