"""The main window: library on the left, the document in the middle, the assistant on the right.

The window owns the workers and the services; the panes only draw and ask for things through
signals. Everything slow (indexing, removing, the language model) runs on a worker; the GUI
thread reads the library list (a quick read, which WAL never blocks) and renders PDF pages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QMainWindow,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from docnook.errors import DocNookError
from docnook.gui import icons, theme, window_dialogs
from docnook.gui.assistant_panel import AssistantPanel
from docnook.gui.banner import MessageBanner
from docnook.gui.citation_opener import CitationOpener
from docnook.gui.drop import DropOverlay, WindowDrops, sort_dropped
from docnook.gui.folder_watch import FolderController, WatchedFolders
from docnook.gui.index_process import IndexProcess
from docnook.gui.library_panel import LibraryPanel
from docnook.gui.privacy_dialog import PrivacyDialog
from docnook.gui.reader import ReaderPane
from docnook.gui.status_bar import StatusBar
from docnook.gui.window_menus import build_menus
from docnook.gui.workers import IndexRequest, IndexWorker, RemoveWorker, WorkerPool
from docnook.ingest.suffixes import DOCUMENT_SUFFIXES

if TYPE_CHECKING:
    from docnook.folders import SyncReport
    from docnook.index.store import DocumentRecord
    from docnook.library import IndexProgress, IndexReport

log = logging.getLogger("docnook.gui")

DEFAULT_SIZE = (1440, 900)
DOCUMENT_FILTER = (
    f"Documents ({' '.join('*' + s for s in sorted(DOCUMENT_SUFFIXES))});;All files (*)"
)
DEFAULT_SPLIT = (300, 700, 440)
SHUTDOWN_GRACE_MS = 20_000


def window_settings(data_dir: Path) -> QSettings:
    """Window geometry and splitters, kept in the DocNook data folder (not Qt's default place),
    so one data folder is one complete DocNook."""
    return QSettings(str(data_dir / "window.ini"), QSettings.Format.IniFormat)


class MainWindow(WindowDrops, WatchedFolders, QMainWindow):
    library_changed = Signal()  # the list of documents was reloaded
    indexing_finished = Signal(object)  # IndexReport (None if it failed), once the job is gone
    data_deleted = Signal(object)  # DeleteReport, or None when nothing could be deleted

    def __init__(
        self,
        data_dir: Path,
        assistant_factory: Callable[[], Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        from docnook.library import Library

        self.data_dir = data_dir
        self.setWindowTitle("DocNook")
        self.setWindowIcon(icons.app_icon())
        self.pool = WorkerPool(self)
        self.index_process = IndexProcess()  # started on the first drop
        self.library = Library(data_dir)  # reads on the GUI thread; writes go to workers
        self.settings = window_settings(data_dir)
        self._index_worker: IndexWorker | None = None
        self._index_queue: list[IndexRequest] = []
        self._closing = False
        self._shutdown_done = False
        self._delete_data = False  # "Delete all DocNook data": quit, then delete
        self.privacy_dialog: PrivacyDialog | None = None
        self._files_shown = -1  # files of the running job already shown in the list
        self._report: IndexReport | None = None  # what indexing_finished reports

        self.banner = MessageBanner()
        self.library_panel = LibraryPanel()
        self.reader = ReaderPane()
        self.assistant_panel = AssistantPanel(data_dir, self.pool, assistant_factory)
        self.status = StatusBar()
        self.setStatusBar(self.status)
        self.citations = CitationOpener(self.library_panel, self.reader, self.show_error)
        self.reader.ocr_words = self.library.ocr_words  # marks passages on scanned pages

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("MainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.library_panel)
        self.splitter.addWidget(self.reader)
        self.splitter.addWidget(self.assistant_panel)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.overlay = DropOverlay(central)

        build_menus(self)
        self.folders = FolderController(self._read_folders, self.library_panel.folders, self)
        self._connect()
        self.refresh_icons()
        self._restore_layout()
        self.reload_documents()
        self.folders.refresh()
        if self.folders.folders:
            QTimer.singleShot(0, self.sync_folders)  # what changed while DocNook was closed
        self.setAcceptDrops(True)
        self.overlay.dropped.connect(self.handle_dropped)
        hints = QApplication.styleHints()
        hints.colorSchemeChanged.connect(self._scheme_changed)
        self.assistant_panel.start()

    # -- set-up -------------------------------------------------------------------------------

    def _connect(self) -> None:
        lib = self.library_panel
        lib.add_files_requested.connect(self.add_documents)
        lib.add_folder_requested.connect(self.add_folder)
        lib.document_activated.connect(self.open_document)
        lib.selection_changed.connect(self._selection_changed)
        lib.remove_requested.connect(self.remove)
        lib.reindex_requested.connect(self.reindex)
        lib.ocr_requested.connect(lambda ids: self.reindex(ids, kind="ocr"))
        lib.password_requested.connect(self.ask_password)
        lib.reveal_requested.connect(self.reveal)
        lib.indexing.cancel_requested.connect(self.cancel_indexing)
        self.reader.add_documents_requested.connect(self.add_documents)
        self.reader.add_folder_requested.connect(self.add_folder)
        self.reader.password_requested.connect(self.ask_password)
        panel = self.assistant_panel
        panel.citation_clicked.connect(self.citations.open_citation)
        panel.page_requested.connect(self.citations.open_page)
        panel.error.connect(self.show_error)
        panel.info.connect(self.banner.show_info)
        panel.engine_state.connect(self.status.set_state)
        panel.model_changed.connect(self.status.set_model)
        panel.settings_requested.connect(self.open_settings)
        self.pool.idle.connect(self._pool_idle)
        self.folders.sync_requested.connect(self.sync_folders)
        lib.folders.unwatch_requested.connect(self.unwatch_folder)
        lib.folders.reveal_requested.connect(
            lambda path: QDesktopServices.openUrl(QUrl.fromLocalFile(path))
        )

    def refresh_icons(self) -> None:
        self.library_panel.refresh_icons()
        self.reader.refresh_icons()
        self.assistant_panel.refresh_icons()
        self.status.refresh_icons()

    def _scheme_changed(self, _scheme: Any) -> None:
        theme.apply(QApplication.instance())
        self.refresh_icons()
        self.update()

    # -- layout memory ------------------------------------------------------------------------

    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(*DEFAULT_SIZE)
        state = self.settings.value("window/splitter")
        if not (isinstance(state, QByteArray) and self.splitter.restoreState(state)):
            self.splitter.setSizes(list(DEFAULT_SPLIT))
        self.assistant_panel.restore(self.settings)

    def save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.assistant_panel.save(self.settings)
        self.settings.sync()

    # -- the library --------------------------------------------------------------------------

    def reload_documents(self) -> None:
        try:
            records = self.library.documents()
        except DocNookError as exc:
            self.show_error(str(exc))
            return
        self.library_panel.set_records(records)
        self.assistant_panel.set_records(records)
        shown = self.reader.document_id
        if shown is None or not any(r.id == shown for r in records):
            self.reader.show_empty(library_empty=not records)
        self.library_changed.emit()

    def _selection_changed(self, ids: list[int]) -> None:
        self.assistant_panel.set_selection(ids)
        if len(ids) == 1:
            self.open_document(ids[0])

    def open_document(self, doc_id: int) -> DocumentRecord | None:
        record = self.library_panel.record(doc_id)
        if record is None:
            return None
        self.reader.show_document(record)
        self.assistant_panel.set_current_document(record)
        return record

    def focus_filter(self) -> None:
        self.library_panel.filter.setFocus()
        self.library_panel.filter.selectAll()

    # -- adding documents ---------------------------------------------------------------------

    def add_documents(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, "Add documents", str(Path.home()), DOCUMENT_FILTER
        )
        if files:
            self.index_paths(files)

    def add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a folder of PDFs", str(Path.home()))
        if folder:
            self.index_paths([folder], kind="watch")

    def handle_dropped(self, paths: list[str]) -> None:
        dropped = sort_dropped(paths)
        # A dropped folder is watched from then on; dropped files are indexed once.
        folders = [p for p in dropped.documents if Path(p).is_dir()]
        files = [p for p in dropped.documents if p not in folders]
        if folders:
            self.index_paths(folders, kind="watch")
        if files:
            self.index_paths(files)
        for model in dropped.models:
            self.assistant_panel.offer_model(model)
        if dropped.ignored and not (dropped.documents or dropped.models):
            names = ", ".join(Path(p).name for p in dropped.ignored[:3])
            self.show_error(
                "DocNook reads PDF files and folders, e-books (EPUB, MOBI, FB2), Word (.docx), "
                f"XPS, CBZ, text and Markdown files; {names} is not one."
            )

    def index_paths(
        self, paths: list[str], password: str | None = None, kind: str = "index"
    ) -> None:
        request = IndexRequest(tuple(paths), password, kind)
        if self._index_worker is not None:
            self._index_queue.append(request)
            return
        self._start_indexing(request)

    def _start_indexing(self, request: IndexRequest) -> None:
        worker = IndexWorker(self.index_process, self.data_dir, request)
        self._index_worker = worker
        if request.kind == "sync":
            self.folders.set_syncing(True)  # the card shows once there is something to index
        else:
            first = Path(request.targets[0]).name
            more = len(request.targets) - 1
            self.library_panel.indexing.begin(first + (f" and {more} more" if more else ""))
        worker.signals.progress.connect(self._index_progress)
        worker.signals.returned.connect(self._index_done)
        worker.signals.errored.connect(self.show_error)
        worker.signals.cancelled.connect(lambda: self.banner.show_info("Indexing cancelled."))
        worker.signals.finished.connect(self._index_finished)
        self.pool.start(worker)

    def _index_progress(self, p: IndexProgress) -> None:
        if self.library_panel.indexing.isHidden():
            self.library_panel.indexing.begin("Changes in the watched folders")
        self.library_panel.indexing.update_progress(p, len(self._index_queue))
        if p.current and p.files_done < p.files_total:
            # The file now in the works, with its share of the pages done.
            self.library_panel.set_indexing(p.current, self._file_fraction(p))
        # Files already written show up as they land.
        if p.files_done and p.files_done != self._files_shown:
            self._files_shown = p.files_done
            self.reload_documents()

    @staticmethod
    def _file_fraction(p: IndexProgress) -> float:
        if p.pages_total:
            return max(0.0, min(1.0, p.pages_done / p.pages_total))
        return 0.0

    def _index_done(self, report: IndexReport | SyncReport) -> None:
        from docnook.folders import SyncReport

        if isinstance(report, SyncReport):
            self.folders.sync_finished(report)
            if not report.changed_anything and not report.missing_folders:
                self._report = report
                return  # a pass that found nothing new says nothing
        text = report.summary()
        if report.failed:
            self.show_error(text)
        else:
            self.banner.show_info(text)
        for outcome in report.outcomes:
            if outcome.action == "needs-password" and outcome.document_id is not None:
                QTimer.singleShot(
                    0, lambda i=outcome.document_id, r=outcome.reason: self.ask_password(i, r)
                )
                break
        self._report = report

    def _index_finished(self) -> None:
        self._index_worker = None
        self._files_shown = -1
        self.library_panel.indexing.hide()
        self.library_panel.set_indexing(None, None)
        self.reload_documents()
        self.folders.set_syncing(False)
        self.folders.refresh()
        report, self._report = self._report, None
        if self._index_queue and not self._closing:
            self._start_indexing(self._index_queue.pop(0))
        self.indexing_finished.emit(report)  # last, once the job is gone

    def cancel_indexing(self) -> None:
        self._index_queue.clear()
        if self._index_worker is not None:
            self._index_worker.quit()
            self.library_panel.indexing.cancelling()

    @property
    def indexing(self) -> bool:
        return self._index_worker is not None

    def reindex(self, ids: list[int], kind: str = "index") -> None:
        records = [r for r in (self.library_panel.record(i) for i in ids) if r is not None]
        if records:
            self.index_paths([r.path for r in records], kind=kind)

    # -- passwords ----------------------------------------------------------------------------

    def password_selected(self) -> None:
        ids = self.library_panel.selected_ids()
        if ids:
            self.ask_password(ids[0])

    def ask_password(self, doc_id: int, reason: str | None = None) -> None:
        record = self.library_panel.record(doc_id)
        if record is None:
            return
        password = window_dialogs.ask_password(self, record.path, reason)
        if password is None:
            return
        self.reader.passwords[record.path] = password
        self.index_paths([record.path], password=password)
        if self.reader.document_id == doc_id:
            self.reader.document_id = None
            self.open_document(doc_id)

    # -- removing -----------------------------------------------------------------------------

    def remove(self, ids: list[int]) -> None:
        records = [r for r in (self.library_panel.record(i) for i in ids) if r is not None]
        if records and window_dialogs.confirm_remove(self, records):
            self.remove_now([r.id for r in records])

    def remove_now(self, ids: list[int]) -> RemoveWorker:
        worker = RemoveWorker(self.data_dir, ids)
        worker.signals.errored.connect(self.show_error)
        worker.signals.returned.connect(
            lambda removed: self.banner.show_info(
                f"Removed {len(removed)} document{'s' if len(removed) != 1 else ''} "
                "from the library."
            )
        )
        worker.signals.finished.connect(self.reload_documents)
        self.pool.start(worker)
        return worker

    def reveal(self, doc_id: int) -> None:
        record = self.library_panel.record(doc_id)
        if record is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(record.path).parent)))

    # -- messages -----------------------------------------------------------------------------

    def show_error(self, message: str) -> None:
        self.banner.show_error(message)

    def stop(self) -> None:
        """Esc: stop whatever the assistant is doing, else the indexing."""
        if self.overlay.isVisible():
            self.overlay.hide()
        elif self.assistant_panel.stop():
            return
        elif self.indexing:
            self.cancel_indexing()

    def open_settings(self) -> None:
        dialog = self.assistant_panel.open_settings(self)
        if dialog is not None and not dialog.property("privacyWired"):
            dialog.setProperty("privacyWired", True)
            dialog.privacy_requested.connect(self.show_privacy)

    # -- privacy ------------------------------------------------------------------------------

    def show_privacy(self) -> PrivacyDialog:
        if self.privacy_dialog is not None and self.privacy_dialog.isVisible():
            self.privacy_dialog.refresh()
            self.privacy_dialog.raise_()
            return self.privacy_dialog
        dialog = PrivacyDialog(self.data_dir, self)
        dialog.delete_requested.connect(self.delete_all_data)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result, d=dialog: self._privacy_closed(d))
        self.privacy_dialog = dialog
        dialog.open()
        return dialog

    def _privacy_closed(self, dialog: PrivacyDialog) -> None:
        if self.privacy_dialog is dialog:
            self.privacy_dialog = None

    def delete_all_data(self) -> None:
        """Quit the way closing does (jobs stopped, the index, model and indexing process
        closed), then delete every file DocNook keeps; the next start begins afresh."""
        self._delete_data = True
        self.close()

    def _delete_now(self) -> None:
        window_dialogs.delete_all_and_report(self, self.data_dir, self.data_deleted.emit)

    def show_about(self) -> None:
        window_dialogs.show_about(self, self.data_dir)

    def show_shortcuts(self) -> None:
        window_dialogs.show_shortcuts(self)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.overlay.isVisible():
            self.overlay.setGeometry(self.centralWidget().rect().adjusted(8, 8, -8, -8))

    # -- shutting down ------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._shutdown_done:
            event.accept()
            return
        if not self._closing:
            self._closing = True
            if not self._delete_data:
                self.save_layout()
            self._index_queue.clear()
        if self.pool.busy:
            # Cancel, then close for real once every worker has let go; the window stays
            # responsive meanwhile, and a job that will not stop is waited for at most a while.
            self.pool.cancel_all()
            self.status.showMessage("Finishing the current step before closing…")
            self.setEnabled(False)
            QTimer.singleShot(SHUTDOWN_GRACE_MS, self._force_close)
            event.ignore()
            return
        self._shutdown()
        event.accept()

    def _pool_idle(self) -> None:
        if self._closing and not self._shutdown_done:
            self.close()

    def _force_close(self) -> None:
        if not self._shutdown_done:
            names = ", ".join(sorted({w.action for w in self.pool.workers()}))
            log.warning("still running after %d ms, waiting: %s", SHUTDOWN_GRACE_MS, names)
            self.pool.wait_all()
            self.close()

    def _shutdown(self) -> None:
        self._shutdown_done = True
        self.assistant_panel.shutdown()
        self.reader.view.close_document()
        self.index_process.close()
        self.library.close()
        if self._delete_data:
            self._delete_now()
