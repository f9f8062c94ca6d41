"""The left side of the window: the documents in the library, and the indexing in progress."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QFontMetrics
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
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from docnook.gui import icons
from docnook.gui.document_list import (
    DocumentDelegate,
    DocumentListModel,
    RecordRole,
    Row,
    _FilterModel,
)
from docnook.gui.folder_watch import FoldersView
from docnook.gui.theme import Theme

if TYPE_CHECKING:
    from docnook.index.store import DocumentRecord
    from docnook.library import IndexProgress

HEADER_HEIGHT = 45  # every pane's header is this tall, so their bottom lines meet


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
        if p.note:  # "Reading page 3 of 9 (scanned)": OCR is slow, say where it is
            detail = f"{p.note} · {detail}"
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
    ocr_requested = Signal(list)  # read again, every page by OCR
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
        if any(r.path.lower().endswith(".pdf") for r in records):
            menu.addAction(
                icons.icon("refresh", theme.text), "Read again with OCR"
            ).triggered.connect(lambda: self.ocr_requested.emit(ids))
        menu.addSeparator()
        remove = QAction(icons.icon("trash", theme.negative), "Remove from library", menu)
        remove.setShortcut("Del")
        remove.triggered.connect(lambda: self.remove_requested.emit(ids))
        menu.addAction(remove)
        menu.exec(self.list.viewport().mapToGlobal(pos))
