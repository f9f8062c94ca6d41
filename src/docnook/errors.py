"""Errors sorted by who is at fault.

A `DocNookError` is something the person can understand and act on: its message is a plain
sentence meant for a dialog or a terminal. Anything else escaping a service is a bug.
"""

from __future__ import annotations


class DocNookError(Exception):
    """A known failure with a message written for the person using DocNook."""


class DataDirError(DocNookError):
    """The data directory cannot be created, read or written."""


class StorageError(DocNookError):
    """The index file is full, locked, read-only or damaged."""


class InputError(DocNookError):
    """A path or argument given by the person cannot be used."""


class ModelError(DocNookError):
    """A language or embedding model file is missing, broken or cannot be loaded."""


class Cancelled(DocNookError):
    """The person cancelled the job; whatever it finished is kept."""

    def __init__(self, message: str = "Cancelled.") -> None:
        super().__init__(message)
