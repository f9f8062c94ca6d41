"""The middle of the window: the selected document's pages, with page and zoom controls."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QIntValidator
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from docnook.errors import DocNookError
from docnook.gui import icons
from docnook.gui.library_panel import HEADER_HEIGHT
from docnook.gui.passage import passage_marks
from docnook.gui.pdf_view import PdfView
from docnook.gui.theme import Theme

if TYPE_CHECKING:
    from docnook.index.store import DocumentRecord


class EmptyState(QWidget):
    """A centred card: a title, a sentence and optional buttons."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(32, 32, 32, 32)
        outer.addStretch(1)
        self.card = QFrame()
        self.card.setObjectName("DropCard")
        self.card.setMaximumWidth(520)
        box = QVBoxLayout(self.card)
        box.setContentsMargins(36, 36, 36, 36)
        box.setSpacing(10)
        self.icon = QLabel()
        self.icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.addWidget(self.icon)
        self.title = QLabel(title)
        self.title.setObjectName("Hero")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)
        box.addWidget(self.title)
        self.text = QLabel(text)
        self.text.setObjectName("HeroText")
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setWordWrap(True)
        box.addWidget(self.text)
        self.buttons = QHBoxLayout()
        self.buttons.setSpacing(8)
        self.buttons.addStretch(1)
        box.addSpacing(8)
        box.addLayout(self.buttons)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.card, 10)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)

    def set_icon(self, name: str, size: int = 44) -> None:
        theme = Theme.current()
        self.icon.setPixmap(icons.icon(name, theme.accent).pixmap(size, size))

    def add_button(self, text: str, primary: bool = False) -> QPushButton:
        button = QPushButton(text)
        if primary:
            button.setProperty("primary", True)
        self.buttons.insertWidget(self.buttons.count(), button)
        return button

    def finish_buttons(self) -> None:
        self.buttons.addStretch(1)


class ReaderPane(QWidget):
    """Shows one document; `show_passage` opens a page and marks a cited passage on it."""

    add_documents_requested = Signal()
    add_folder_requested = Signal()
    password_requested = Signal(int)  # document id

    PAGE_EMPTY, PAGE_PICK, PAGE_VIEW, PAGE_PROBLEM = range(4)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ReaderPane")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.document_id: int | None = None
        self.passwords: dict[str, str] = {}  # path -> password given this session
        # (document id, page) -> the words OCR read on a scanned page, None for other pages
        self.ocr_words: Callable[[int, int], list | None] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.toolbar = self._build_toolbar()
        layout.addWidget(self.toolbar)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)

        self.empty = EmptyState(
            "Drop PDFs here",
            "Drag PDF files or whole folders anywhere onto this window. DocNook reads them on "
            "this computer, so you can ask about them, summarise them and see their tone.",
        )
        self.empty.set_icon("add-file", 52)
        self.empty.add_button("Add documents…", primary=True).clicked.connect(
            self.add_documents_requested
        )
        self.empty.add_button("Add a folder…").clicked.connect(self.add_folder_requested)
        self.empty.finish_buttons()
        self.stack.addWidget(self.empty)

        self.pick = EmptyState(
            "Choose a document", "Pick a document in the library on the left to read it here."
        )
        self.pick.set_icon("document", 44)
        self.pick.finish_buttons()
        self.stack.addWidget(self.pick)

        self.view = PdfView()
        self.stack.addWidget(self.view)

        self.problem = EmptyState("", "")
        self.problem.set_icon("warning", 44)
        self.password_button = self.problem.add_button("Enter password…", primary=True)
        self.password_button.clicked.connect(self._ask_password)
        self.problem.finish_buttons()
        self.stack.addWidget(self.problem)

        self.view.page_changed.connect(self._page_changed)
        self.view.zoom_changed.connect(self._zoom_changed)
        self.show_empty(library_empty=True)

    def _build_toolbar(self) -> QWidget:
        bar = QFrame()
        bar.setObjectName("PaneHeader")
        bar.setFixedHeight(HEADER_HEIGHT)
        row = QHBoxLayout(bar)
        row.setContentsMargins(10, 4, 10, 4)
        row.setSpacing(4)
        self.title = QLabel("")
        self.title.setObjectName("PaneTitle")
        self.title.setMinimumWidth(60)
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        row.addWidget(self.title, 1)

        self.controls = QWidget()
        controls = QHBoxLayout(self.controls)
        controls.setContentsMargins(0, 0, 0, 0)
        controls.setSpacing(4)
        self.prev_button = self._tool("prev", "Previous page (Ctrl+Page Up)")
        self.prev_button.clicked.connect(lambda: self.view.previous_page())
        controls.addWidget(self.prev_button)
        # A line edit, not a spin box: Qt squeezes a styled spin box without buttons to nothing.
        self.page_box = QLineEdit()
        self.page_box.setObjectName("PageBox")
        self.page_box.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page_box.setFixedWidth(48)
        self.page_box.setValidator(QIntValidator(1, 999_999, self.page_box))
        self.page_box.setToolTip("Go to page (Ctrl+G)")
        self.page_box.setAcceptDrops(False)
        self.page_box.editingFinished.connect(self._page_typed)
        controls.addWidget(self.page_box)
        self.page_total = QLabel("of 0")
        self.page_total.setObjectName("Caption")
        controls.addWidget(self.page_total)
        self.next_button = self._tool("next", "Next page (Ctrl+Page Down)")
        self.next_button.clicked.connect(lambda: self.view.next_page())
        controls.addWidget(self.next_button)
        controls.addSpacing(12)
        self.zoom_out_button = self._tool("zoom-out", "Zoom out (Ctrl+-)")
        self.zoom_out_button.clicked.connect(lambda: self.view.zoom_out())
        controls.addWidget(self.zoom_out_button)
        self.zoom_label = QLabel("100%")
        self.zoom_label.setObjectName("Caption")
        self.zoom_label.setFixedWidth(44)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        controls.addWidget(self.zoom_label)
        self.zoom_in_button = self._tool("zoom-in", "Zoom in (Ctrl++)")
        self.zoom_in_button.clicked.connect(lambda: self.view.zoom_in())
        controls.addWidget(self.zoom_in_button)
        self.fit_button = self._tool("fit-width", "Fit to width (Ctrl+0)")
        self.fit_button.setCheckable(True)
        self.fit_button.setChecked(True)
        self.fit_button.clicked.connect(lambda: self.view.fit_width())
        controls.addWidget(self.fit_button)
        controls.addSpacing(6)
        self.open_button = self._tool("export", "Open in your usual PDF viewer")
        self.open_button.clicked.connect(self.open_externally)
        controls.addWidget(self.open_button)
        row.addWidget(self.controls)
        return bar

    def _tool(self, icon_name: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setProperty("iconName", icon_name)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.setIconSize(icons.icon_size(18))
        return button

    def refresh_icons(self) -> None:
        theme = Theme.current()
        for button in self.toolbar.findChildren(QToolButton):
            name = button.property("iconName")
            if name:
                button.setIcon(icons.icon(name, theme.text, theme.muted))
        self.empty.set_icon("add-file", 52)
        self.pick.set_icon("document", 44)
        self.problem.set_icon("warning", 44)

    # -- what is shown ------------------------------------------------------------------------

    def show_empty(self, library_empty: bool) -> None:
        self.view.close_document()
        self.document_id = None
        self.title.setText("")
        self.stack.setCurrentIndex(self.PAGE_EMPTY if library_empty else self.PAGE_PICK)
        self._enable_controls(False)

    def show_document(self, record: DocumentRecord) -> bool:
        """Open a `DocumentRecord`; True when its pages are shown."""
        doc_id = record.id
        path = record.path
        if self.document_id == doc_id and self.view.path == path:
            return self.stack.currentIndex() == self.PAGE_VIEW
        self.document_id = doc_id
        self.title.setText(record.title)
        self.title.setToolTip(path)
        self.view.clear_highlights()
        status = record.status
        try:
            self.view.open(path, self.passwords.get(path))
        except DocNookError as exc:
            self._show_problem(str(exc), status)
            return False
        self.stack.setCurrentIndex(self.PAGE_VIEW)
        self._enable_controls(True)
        return True

    def _show_problem(self, message: str, status: str) -> None:
        self.view.close_document()
        locked = "password" in message.lower() or status == "needs-password"
        self.problem.title.setText("This PDF is locked" if locked else "This PDF cannot be shown")
        text = message
        if locked:
            text += " Enter it to read and index the document; it is kept only until you quit."
        self.problem.text.setText(text)
        self.password_button.setVisible(locked)
        self.stack.setCurrentIndex(self.PAGE_PROBLEM)
        self._enable_controls(False)

    def _ask_password(self) -> None:
        if self.document_id is not None:
            self.password_requested.emit(self.document_id)

    def show_passage(
        self, record: DocumentRecord, page: int, page_end: int, text: str, answer: str = ""
    ) -> int:
        """Open `record` at `page` and mark `text` on pages page..page_end (and, more strongly,
        its sentences that `answer` used); returns how many rectangles were marked (0 when the
        words were not found: the page still opens)."""
        if not self.show_document(record):
            return 0
        passage: dict[int, list] = {}
        focus: dict[int, list] = {}
        target = None
        for number in range(page, max(page, page_end) + 1):
            pdf_page = self.view.page(number)
            if pdf_page is None:
                continue
            # A page read by OCR has no text of its own: its words are the ones OCR found.
            words = self.ocr_words(record.id, number) if self.ocr_words else None
            marks = passage_marks(pdf_page, text, answer, words)
            if marks:
                passage[number], focus[number] = marks.passage, marks.focus
                first = (marks.focus or marks.passage)[0]
                if target is None or (marks.focus and not focus.get(target[0])):
                    target = (number, first.y0)
        self.view.set_highlights(passage, focus)
        if target is None:
            self.view.go_to_page(page)
        else:
            self.view.go_to_page(*target)
        return sum(len(r) for r in passage.values())

    def go_to_page(self, page: int) -> None:
        if self.stack.currentIndex() == self.PAGE_VIEW:
            self.view.go_to_page(page)

    def focus_page_box(self) -> None:
        if self.page_box.isEnabled():
            self.page_box.setFocus()
            self.page_box.selectAll()

    def open_externally(self) -> None:
        if self.view.path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.view.path))

    def _enable_controls(self, on: bool) -> None:
        self.controls.setVisible(on)
        for widget in (
            self.prev_button,
            self.next_button,
            self.page_box,
            self.zoom_in_button,
            self.zoom_out_button,
            self.fit_button,
            self.open_button,
        ):
            widget.setEnabled(on)
        if not on:
            self.page_total.setText("")
            self.page_box.clear()

    def _page_changed(self, page: int, count: int) -> None:
        if not self.page_box.hasFocus():
            self.page_box.setText(str(page) if count else "")
        self.page_total.setText(f"of {count}" if count else "")
        self.prev_button.setEnabled(page > 1)
        self.next_button.setEnabled(0 < page < count)

    def _page_typed(self) -> None:
        text = self.page_box.text().strip()
        if text.isdigit():
            self.view.go_to_page(int(text))
        self.page_box.setText(str(self.view.current_page) if self.view.page_count else "")

    def _zoom_changed(self, zoom: float) -> None:
        self.zoom_label.setText(f"{round(zoom * 100)}%")
        self.fit_button.setChecked(self.view.fits_width)

    def document_name(self) -> str:
        return Path(self.view.path).name if self.view.path else ""
