"""DocNook's desktop window (PySide6). The only package that imports Qt.

It drives the services (`docnook.library`, and `docnook.assistant`, which keeps the chats) from
QThread workers and adds no logic of its own that the command line lacks.
"""
