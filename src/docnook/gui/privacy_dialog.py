"""Privacy and your data: what DocNook keeps, where, how big; open its folder; delete it all.

The list comes from `docnook.footprint`, the same as `docnook privacy`. Deleting needs the
window's own files closed first (the index, the model, the log), so the dialog only asks; the
window quits, deletes and says what it did (`MainWindow.delete_all_data`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from docnook import footprint


def network_sentence(blocked: int) -> str:
    if blocked == 0:
        attempts = "none has been attempted since it started"
    else:
        plural = "s" if blocked != 1 else ""
        attempts = (
            f"it has refused {blocked} attempt{plural} since it started, and none got through"
        )
    return (
        f"DocNook makes no network connections: {attempts}. "
        "Your documents, questions and answers never leave this computer."
    )


class PrivacyDialog(QDialog):
    delete_requested = Signal()  # the person confirmed: quit, delete everything

    COLUMNS = ("What", "Size", "Where")

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Privacy and your data")
        self.setObjectName("PrivacyDialog")
        self.data_dir = data_dir
        self.found: footprint.Footprint | None = None
        self.resize(860, 470)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(18, 18, 18, 14)
        outer.setSpacing(10)
        title = QLabel("Privacy and your data")
        title.setObjectName("Hero")
        outer.addWidget(title)
        self.network = QLabel("")
        self.network.setObjectName("InfoBanner")
        self.network.setWordWrap(True)
        self.network.setContentsMargins(10, 8, 10, 8)
        outer.addWidget(self.network)
        lead = QLabel(
            "These are all the files DocNook keeps, readable only by you. Your PDFs and the "
            "language models you added stay where they are: DocNook only reads them."
        )
        lead.setObjectName("Caption")
        lead.setWordWrap(True)
        outer.addWidget(lead)

        self.table = QTreeWidget()
        self.table.setObjectName("FootprintTable")
        self.table.setColumnCount(len(self.COLUMNS))
        self.table.setHeaderLabels(list(self.COLUMNS))
        self.table.setRootIsDecorated(False)
        self.table.setUniformRowHeights(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.setStyleSheet(
            "QTreeView::item { padding: 4px 6px; }"
            "QHeaderView::section { padding: 4px 6px 4px 9px; border: none;"
            " border-bottom: 1px solid palette(mid); background: palette(window); }"
        )
        self.table.headerItem().setTextAlignment(
            1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )
        header = self.table.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemDoubleClicked.connect(lambda *_: self.open_folder())
        outer.addWidget(self.table, 1)

        self.total = QLabel("")
        self.total.setWordWrap(True)
        outer.addWidget(self.total)

        footer = QHBoxLayout()
        footer.setSpacing(8)
        self.open_button = QPushButton("Open folder")
        self.open_button.setToolTip("Show the selected item's folder (or the data folder)")
        self.open_button.clicked.connect(self.open_folder)
        footer.addWidget(self.open_button)
        footer.addStretch(1)
        self.delete_button = QPushButton("Delete all DocNook data…")
        self.delete_button.setProperty("danger", True)
        self.delete_button.clicked.connect(self.confirm_delete)
        footer.addWidget(self.delete_button)
        self.close_button = QPushButton("Close")
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.accept)
        footer.addWidget(self.close_button)
        outer.addLayout(footer)
        self.refresh()

    def refresh(self) -> footprint.Footprint:
        found = footprint.footprint(self.data_dir)
        self.found = found
        self.network.setText(network_sentence(found.blocked_attempts))
        self.table.clear()
        for loc in found.locations:
            size = footprint.format_size(loc.size) if loc.exists else "none yet"
            item = QTreeWidgetItem([loc.title, size, str(loc.path)])
            item.setData(0, Qt.ItemDataRole.UserRole, loc)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            tip = loc.detail
            if len(loc.members) > 1:
                tip += "\n\n" + "\n".join(str(m) for m in loc.members[:12])
            for column in range(len(self.COLUMNS)):
                item.setToolTip(column, tip)
            if not loc.exists:
                muted = self.palette().color(self.palette().ColorRole.PlaceholderText)
                for column in range(len(self.COLUMNS)):
                    item.setForeground(column, muted)
            self.table.addTopLevelItem(item)
        self.total.setText(
            f"DocNook's own files take <b>{footprint.format_size(found.total_bytes)}</b>, in "
            f"<code>{found.data_dir}</code> and <code>{found.cache_dir}</code>."
        )
        self.delete_button.setEnabled(found.total_bytes > 0)
        return found

    def rows(self) -> list[tuple[str, str, str]]:
        """The table as text, row by row (for tests)."""
        return [
            tuple(self.table.topLevelItem(i).text(c) for c in range(len(self.COLUMNS)))  # type: ignore[misc]
            for i in range(self.table.topLevelItemCount())
        ]

    def selected_location(self) -> Any:
        items = self.table.selectedItems()
        return items[0].data(0, Qt.ItemDataRole.UserRole) if items else None

    def folder_to_open(self) -> Path:
        """The selected item's folder (the data folder when nothing is selected), or the
        nearest folder above it that exists."""
        loc = self.selected_location()
        path = Path(loc.path) if loc is not None else self.data_dir
        if loc is not None and not path.is_dir():
            path = path.parent
        while not path.is_dir() and path != path.parent:
            path = path.parent
        return path

    def open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder_to_open())))

    def confirm_delete(self) -> bool:
        found = self.refresh()
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Delete all DocNook data")
        box.setText(f"Delete all of DocNook's data ({footprint.format_size(found.total_bytes)})?")
        box.setInformativeText(
            "This deletes the library index with every chat, DocNook's copy of the language "
            "model, the settings, the log, the window layout and the embedding model it built. "
            "Your PDFs and the models you added stay where they are.\n\n"
            "DocNook will quit to do this. When you start it again, it begins afresh."
        )
        delete = box.addButton("Delete and quit", QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.exec()
        if box.clickedButton() is not delete:
            return False
        self.accept()
        self.delete_requested.emit()
        return True
