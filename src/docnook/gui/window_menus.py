"""The main window's menu bar: every action, with its shortcut, in one place.

The actions are kept as attributes of the window (`window.add_action`, `window.stop_action`,
...), so the window and its tests reach them by name; what each one does stays with the pane
that does it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence

from docnook.gui.library_sentiment import open_library_sentiment

if TYPE_CHECKING:
    from docnook.gui.main_window import MainWindow


def add_action(
    window: MainWindow, menu: Any, text: str, shortcut: Any, slot: Callable[[], Any]
) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(shortcut if not isinstance(shortcut, str) else QKeySequence(shortcut))
    action.triggered.connect(lambda _checked=False: slot())
    menu.addAction(action)
    return action


def build_menus(window: MainWindow) -> None:
    """File, Documents, View, Assistant and Help, on `window`'s menu bar."""
    bar = window.menuBar()
    panel = window.assistant_panel
    reader = window.reader
    key = QKeySequence.StandardKey

    def act(menu: Any, text: str, shortcut: Any, slot: Callable[[], Any]) -> QAction:
        return add_action(window, menu, text, shortcut, slot)

    file_menu = bar.addMenu("&File")
    window.add_action = act(file_menu, "&Add documents…", key.Open, window.add_documents)
    window.add_folder_action = act(file_menu, "Add a &folder…", "Ctrl+Shift+O", window.add_folder)
    window.add_model_action = act(file_menu, "Add a language &model…", None, panel.browse_model)
    file_menu.addSeparator()
    window.export_action = act(file_menu, "&Export result…", key.Save, panel.export_current)
    file_menu.addSeparator()
    window.settings_action = act(file_menu, "&Settings…", key.Preferences, window.open_settings)
    if window.settings_action.shortcut().isEmpty():
        window.settings_action.setShortcut("Ctrl+,")
    file_menu.addSeparator()
    window.quit_action = act(file_menu, "&Quit", key.Quit, window.close)
    if window.quit_action.shortcut().isEmpty():
        window.quit_action.setShortcut("Ctrl+Q")

    docs = bar.addMenu("&Documents")
    selected = window.library_panel.selected_ids
    window.reindex_action = act(
        docs, "&Re-index selected", "F5", lambda: window.reindex(selected())
    )
    window.remove_action = act(
        docs, "Re&move selected from library", key.Delete, lambda: window.remove(selected())
    )
    window.remove_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    window.library_panel.list.addAction(window.remove_action)
    window.password_action = act(docs, "Enter &password…", None, window.password_selected)
    docs.addSeparator()
    window.filter_action = act(docs, "&Filter the library", key.Find, window.focus_filter)
    window.cancel_index_action = act(docs, "&Cancel indexing", None, window.cancel_indexing)

    view = bar.addMenu("&View")
    act(view, "&Next page", "Ctrl+PgDown", lambda: reader.view.next_page())
    act(view, "&Previous page", "Ctrl+PgUp", lambda: reader.view.previous_page())
    act(view, "&Go to page…", "Ctrl+G", reader.focus_page_box)
    view.addSeparator()
    act(view, "Zoom &in", key.ZoomIn, reader.view.zoom_in)
    window.zoom_in_alias = QAction(window)
    window.zoom_in_alias.setShortcut("Ctrl+=")
    window.zoom_in_alias.triggered.connect(reader.view.zoom_in)
    window.addAction(window.zoom_in_alias)
    act(view, "Zoom &out", key.ZoomOut, reader.view.zoom_out)
    act(view, "&Fit to width", "Ctrl+0", reader.view.fit_width)

    assistant = bar.addMenu("&Assistant")
    act(assistant, "&Ask a question", "Ctrl+L", panel.focus_question)
    act(assistant, "&New chat", "Ctrl+N", panel.new_chat)
    act(assistant, "&Summarize the document", "Ctrl+Shift+S", panel.summarize)
    act(assistant, "Read its &tone (sentiment)", "Ctrl+Shift+T", panel.sentiment)
    window.library_sentiment_action = act(
        assistant, "Sentiment of the &library…", None, lambda: open_library_sentiment(window)
    )
    window.stop_action = act(assistant, "&Stop", "Esc", window.stop)
    assistant.addSeparator()
    for n, name in enumerate(("Ask", "Summary", "Sentiment"), start=1):
        act(assistant, f"Show {name}", f"Ctrl+{n}", lambda i=n - 1: panel.show_tab(i))

    help_menu = bar.addMenu("&Help")
    act(help_menu, "&Keyboard shortcuts", key.HelpContents, window.show_shortcuts)
    act(
        help_menu,
        "Open the &data folder",
        None,
        lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(window.data_dir))),
    )
    act(help_menu, "&Privacy and your data…", None, window.show_privacy)
    act(help_menu, "&About DocNook", None, window.show_about)
