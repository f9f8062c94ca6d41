"""The left side of the window: the documents in the library, and the indexing in progress."""

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
    Signal,
)
from PySide6.QtGui import QAction, QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QProgressBar,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from docnook.gui import icons
from docnook.gui.folder_watch import FoldersView
from docnook.gui.theme import Theme, mix
from docnook.text import format_size

if TYPE_CHECKING:
    from docnook.index.store import DocumentRecord
    from docnook.library import IndexProgress

RecordRole = Qt.ItemDataRole.UserRole + 1
ProgressRole = Qt.ItemDataRole.UserRole + 2

HEADER_HEIGHT = 45  # every pane's header is this tall, so their bottom lines meet

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


class IndexingCard(QFrame):
    """Progress of the indexing job, with its Cancel button; hidden when nothing runs."""

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 12)
        layout.setSpacing(6)
        top = QHBoxLayout()
        self.heading = QLabel("Indexing")
        self.heading.setObjectName("PaneTitle")
        top.addWidget(self.heading, 1)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop indexing after the current step (Esc)")
        self.cancel_button.clicked.connect(self.cancel_requested)
        top.addWidget(self.cancel_button)
        layout.addLayout(top)
        self.current = QLabel("")
        self.current.setObjectName("Caption")
        layout.addWidget(self.current)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        layout.addWidget(self.bar)
        self.detail = QLabel("")
        self.detail.setObjectName("Caption")
        layout.addWidget(self.detail)
        self.hide()

    def begin(self, what: str) -> None:
        self.heading.setText("Indexing")
        self.current.setText(what)
        self.detail.setText("Looking for PDFs…")
        self.bar.setRange(0, 0)  # busy until the first progress report
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Cancel")
        self.show()

    def update_progress(self, p: IndexProgress, queued: int = 0) -> None:
        files = f"{min(p.files_done + 1, p.files_total)} of {p.files_total} files"
        self.heading.setText("Indexing · " + files if p.files_total > 1 else "Indexing")
        name = Path(p.current).name if p.current else ""
        metrics = QFontMetrics(self.current.font())
        self.current.setText(
            metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, max(80, self.width() - 30))
        )
        if p.pages_total:
            self.bar.setRange(0, 1000)
            self.bar.setValue(round(1000 * min(1.0, p.pages_done / p.pages_total)))
            detail = f"{int(p.pages_done)} of {p.pages_total} pages"
            eta = p.eta_seconds
            if eta is not None and p.pages_done < p.pages_total and p.elapsed > 1.5:
                detail += " · " + eta_text(eta)
        else:
            self.bar.setRange(0, max(1, p.files_total))
            self.bar.setValue(p.files_done)
            detail = "Checking files…"
        if queued:
            detail += f" · {queued} more waiting"
        self.detail.setText(detail)

    def cancelling(self) -> None:
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Stopping…")
        self.detail.setText("Stopping after the current step…")


def eta_text(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 5:
        return "almost done"
    if seconds < 60:
        return f"about {seconds} s left"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"about {minutes} min left"
    return f"about {minutes // 60} h {minutes % 60:02d} min left"


class LibraryPanel(QWidget):
    """Lists the documents; asks the window (through signals) to open, add or remove them."""

    selection_changed = Signal(list)  # of document ids
    document_activated = Signal(int)
    add_files_requested = Signal()
    add_folder_requested = Signal()
    remove_requested = Signal(list)
    reindex_requested = Signal(list)
    password_requested = Signal(int)
    reveal_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Pane")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setMinimumWidth(220)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        header_box = QFrame()
        header_box.setObjectName("PaneHeader")
        header_box.setFixedHeight(HEADER_HEIGHT)
        header = QHBoxLayout(header_box)
        header.setContentsMargins(14, 0, 8, 0)
        header.setSpacing(2)
        self.heading = QLabel("Library")
        self.heading.setObjectName("PaneTitle")
        header.addWidget(self.heading)
        self.count = QLabel("")
        self.count.setObjectName("Caption")
        header.addWidget(self.count)
        header.addStretch(1)
        self.add_button = QToolButton()
        self.add_button.setProperty("iconName", "add-file")
        self.add_button.setToolTip("Add documents (Ctrl+O)")
        self.add_button.clicked.connect(self.add_files_requested)
        header.addWidget(self.add_button)
        self.folder_button = QToolButton()
        self.folder_button.setProperty("iconName", "add-folder")
        self.folder_button.setToolTip("Add a folder (Ctrl+Shift+O)")
        self.folder_button.clicked.connect(self.add_folder_requested)
        header.addWidget(self.folder_button)
        outer.addWidget(header_box)
        layout = QVBoxLayout()
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(8)
        outer.addLayout(layout, 1)

        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter documents")
        self.filter.setClearButtonEnabled(True)
        self.filter.setAcceptDrops(False)  # files dropped here go to the window
        self.filter_action = self.filter.addAction(
            icons.icon("search", Theme.current().muted), QLineEdit.ActionPosition.LeadingPosition
        )
        layout.addWidget(self.filter)
        self.folders = FoldersView()  # the watched folders, above their documents
        layout.addWidget(self.folders)

        self.model = DocumentListModel(self)
        self.proxy = _FilterModel(self)
        self.proxy.setSourceModel(self.model)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.list = QListView()
        self.list.setObjectName("DocumentList")
        self.list.setModel(self.proxy)
        self.list.setItemDelegate(DocumentDelegate(self.list))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setMouseTracking(True)
        self.list.setUniformItemSizes(True)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.list.selectionModel().selectionChanged.connect(self._selection_changed)
        self.list.activated.connect(self._activated)
        self.list.clicked.connect(self._activated)
        layout.addWidget(self.list, 1)

        self.empty_hint = QLabel("No documents yet.\nDrop PDFs on the window to add them.")
        self.empty_hint.setObjectName("Caption")
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint.setWordWrap(True)
        layout.addWidget(self.empty_hint)
        layout.addStretch(0)

        self.indexing = IndexingCard()
        layout.addWidget(self.indexing)
        self._update_count()

    def refresh_icons(self) -> None:
        theme = Theme.current()
        for button in (self.add_button, self.folder_button):
            button.setIcon(icons.icon(button.property("iconName"), theme.text, theme.muted))
        self.filter_action.setIcon(icons.icon("search", theme.muted))
        self.folders.refresh_icons()

    # -- contents -----------------------------------------------------------------------------

    def set_records(self, records: list[DocumentRecord]) -> None:
        selected = set(self.selected_ids())
        self.model.set_records(records)
        selection = self.list.selectionModel()
        for doc_id in selected:
            row = self.model.row_for_id(doc_id)
            if row is not None:
                index = self.proxy.mapFromSource(self.model.index(row))
                selection.select(index, selection.SelectionFlag.Select)
        self._update_count()
        self._selection_changed()

    def _update_count(self) -> None:
        n = self.model.record_count()
        self.count.setText(f"  {n}" if n else "")
        self.empty_hint.setVisible(n == 0 and self.model.rowCount() == 0)
        self.list.setVisible(self.model.rowCount() > 0)

    def set_indexing(self, path: str | None, fraction: float | None) -> None:
        self.model.set_indexing(path, fraction)
        self._update_count()

    def records(self) -> list[DocumentRecord]:
        return [
            row.record
            for row in (self.model.index(i).data(RecordRole) for i in range(self.model.rowCount()))
            if row.record is not None
        ]

    def record(self, doc_id: int) -> DocumentRecord | None:
        row = self.model.row_for_id(doc_id)
        return self.model.index(row).data(RecordRole).record if row is not None else None

    # -- selection ----------------------------------------------------------------------------

    def selected_records(self) -> list[DocumentRecord]:
        rows = sorted(self.list.selectionModel().selectedRows(), key=lambda i: i.row())
        records = [index.data(RecordRole).record for index in rows]
        return [r for r in records if r is not None]

    def selected_ids(self) -> list[int]:
        return [r.id for r in self.selected_records()]

    def select(self, doc_id: int) -> None:
        row = self.model.row_for_id(doc_id)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row))
        if not index.isValid():
            self.filter.clear()
            index = self.proxy.mapFromSource(self.model.index(row))
        self.list.setCurrentIndex(index)
        self.list.scrollTo(index)

    def _selection_changed(self, *_: Any) -> None:
        self.selection_changed.emit(self.selected_ids())

    def _activated(self, index: QModelIndex) -> None:
        row: Row = index.data(RecordRole)
        if row is not None and row.record is not None:
            self.document_activated.emit(row.record.id)

    def _context_menu(self, pos: Any) -> None:
        records = self.selected_records()
        if not records:
            return
        ids = [r.id for r in records]
        menu = QMenu(self)
        theme = Theme.current()
        if len(records) == 1:
            menu.addAction("Open").triggered.connect(lambda: self.document_activated.emit(ids[0]))
            if records[0].status == "needs-password":
                menu.addAction(icons.icon("key", theme.text), "Enter password…").triggered.connect(
                    lambda: self.password_requested.emit(ids[0])
                )
            menu.addAction(icons.icon("folder", theme.text), "Show in folder").triggered.connect(
                lambda: self.reveal_requested.emit(ids[0])
            )
        reindex = QAction(icons.icon("refresh", theme.text), "Re-index", menu)
        reindex.setShortcut("F5")
        reindex.triggered.connect(lambda: self.reindex_requested.emit(ids))
        menu.addAction(reindex)
        menu.addSeparator()
        remove = QAction(icons.icon("trash", theme.negative), "Remove from library", menu)
        remove.setShortcut("Del")
        remove.triggered.connect(lambda: self.remove_requested.emit(ids))
        menu.addAction(remove)
        menu.exec(self.list.viewport().mapToGlobal(pos))
