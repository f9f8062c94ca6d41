"""The main window's small dialogs: questions to confirm, and what DocNook says about itself.

Each is a function of its parent widget and plain values, so the window only decides when to
ask and what to do with the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from docnook import __version__
from docnook.errors import DocNookError

if TYPE_CHECKING:
    from docnook.footprint import DeleteReport
    from docnook.index.store import DocumentRecord

SHORTCUTS = [
    ("Ctrl+O", "Add documents"),
    ("Ctrl+Shift+O", "Add a folder"),
    ("Ctrl+F", "Filter the library"),
    ("F5 / Delete", "Re-index / remove the selected documents"),
    ("Ctrl+L", "Ask a question"),
    ("Enter / Shift+Enter", "Send the question / new line"),
    ("Esc", "Stop the answer, or the indexing"),
    ("Ctrl+N", "New chat"),
    ("Ctrl+Shift+S / Ctrl+Shift+T", "Summarize / read the tone of the document"),
    ("Ctrl+1 / 2 / 3", "Ask / Summary / Sentiment"),
    ("Ctrl+PgDown / Ctrl+PgUp", "Next / previous page"),
    ("Ctrl+G", "Go to page"),
    ("Ctrl++ / Ctrl+- / Ctrl+0", "Zoom in / out / fit to width"),
    ("Ctrl+S", "Export the summary or sentiment"),
    ("Ctrl+,", "Settings"),
]


def show_shortcuts(parent: QWidget) -> None:
    table = "".join(
        f"<tr><td style='padding:3px 16px 3px 0'><b>{k}</b></td><td>{v}</td></tr>"
        for k, v in SHORTCUTS
    )
    QMessageBox.information(parent, "Keyboard shortcuts", f"<table>{table}</table>")


def show_about(parent: QWidget, data_dir: Path) -> None:
    QMessageBox.about(
        parent,
        "About DocNook",
        f"<h3>DocNook {__version__}</h3><p>A private document assistant. Your PDFs are read, "
        "indexed and answered about on this computer by a small language model that runs "
        "here. Nothing is sent anywhere.</p>"
        f"<p>Data folder: <code>{data_dir}</code></p>",
    )


def ask_password(parent: QWidget, path: str, reason: str | None = None) -> str | None:
    """The password for the PDF at `path`, or None when the person cancels."""
    name = Path(path).name
    prompt = f"“{name}” is protected by a password.\nEnter it to read and index the document."
    if reason and "wrong" in reason.lower():
        prompt = f"That password did not open “{name}”. Try again:"
    dialog = QInputDialog(parent)
    dialog.setWindowTitle("Password needed")
    dialog.setLabelText(prompt)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
    dialog.setOkButtonText("Unlock")
    if dialog.exec() != QInputDialog.DialogCode.Accepted or not dialog.textValue():
        return None
    return dialog.textValue()


def confirm_remove(parent: QWidget, records: list[DocumentRecord]) -> bool:
    if len(records) == 1:
        question = f"Remove “{records[0].title}” from the library?"
    else:
        question = f"Remove {len(records)} documents from the library?"
    answer = QMessageBox.question(
        parent,
        "Remove from library",
        question + "\n\nThe files stay where they are on your disk; only DocNook forgets them.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes


def delete_all_and_report(
    parent: QWidget, data_dir: Path, deleted: Callable[[DeleteReport | None], None]
) -> None:
    """Delete every file DocNook keeps (the window has closed everything), hand the report
    (None when nothing could be deleted) to `deleted`, then say what was done."""
    from docnook import footprint

    try:
        report = footprint.delete_all(data_dir)
    except DocNookError as exc:
        deleted(None)
        QMessageBox.warning(parent, "DocNook's data was not deleted", str(exc))
        return
    deleted(report)
    text = (
        f"DocNook deleted its {report.deleted_files} files "
        f"({footprint.format_size(report.freed_bytes)}). Your PDFs and the models you "
        "added are untouched. The next start begins afresh."
    )
    if report.failed:
        text = (
            f"DocNook deleted {report.deleted_files} files, but could not delete these:\n"
            + "\n".join(report.failed[:10])
        )
        QMessageBox.warning(parent, "Some of DocNook's data was not deleted", text)
    else:
        QMessageBox.information(parent, "DocNook's data is deleted", text)


def ask_unwatch(parent: QWidget, path: str, documents: int) -> bool | None:
    """Stop watching a folder? True: keep its documents; False: remove them; None: cancel."""
    box = QMessageBox(parent)
    box.setWindowTitle("Stop watching")
    box.setText(f"Stop watching “{path}”?")
    box.setInformativeText(
        f"Its {documents} documents can leave the library or stay in it. "
        "The files stay where they are on your disk."
    )
    remove = box.addButton("Stop and remove its documents", QMessageBox.ButtonRole.YesRole)
    keep = box.addButton("Stop, keep its documents", QMessageBox.ButtonRole.NoRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    if box.clickedButton() is keep:
        return True
    return False if box.clickedButton() is remove else None
