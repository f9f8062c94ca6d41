"""Where DocNook keeps its files: a data directory and a cache directory, private to the user.

`docnook.footprint` lists (and deletes) everything kept in them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from docnook.errors import DataDirError

APP_NAME = "DocNook"
DATA_DIR_ENV = "DOCNOOK_DATA_DIR"
CACHE_DIR_ENV = "DOCNOOK_CACHE_DIR"
BUNDLED_MODELS_ENV = "DOCNOOK_BUNDLED_MODELS"


def data_dir() -> Path:
    """The data directory: `DOCNOOK_DATA_DIR` when set, else the platform's user data dir."""
    configured = os.environ.get(DATA_DIR_ENV)
    if configured:
        return Path(configured).expanduser().resolve()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Files DocNook derives and can make again (the ONNX embedding model, the window's style
    images): `DOCNOOK_CACHE_DIR` when set, else the platform's user cache dir."""
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured:
        return Path(configured).expanduser().resolve()
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def bundled_models_dir() -> Path | None:
    """The models an installer ships inside the app, used in place and read-only:
    `DOCNOOK_BUNDLED_MODELS` when set, else `models/` inside a frozen bundle (PyInstaller's
    `sys._MEIPASS`); None when DocNook runs from its Python packages."""
    configured = os.environ.get(BUNDLED_MODELS_ENV)
    if configured:
        return Path(configured).expanduser().resolve()
    frozen_root = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and frozen_root:
        return Path(frozen_root) / "models"
    return None


def ensure_private_dir(path: Path) -> Path:
    """Create `path` readable only by the user; fail with a sentence when that cannot be done."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        if os.name == "posix" and (path.stat().st_mode & 0o077):
            path.chmod(0o700)
    except OSError as exc:
        raise DataDirError(
            f"DocNook cannot create its data folder {path}: {exc.strerror or exc}."
        ) from exc
    if not os.access(path, os.W_OK | os.X_OK):
        raise DataDirError(
            f"DocNook's data folder {path} is not writable. Choose another one with "
            f"{DATA_DIR_ENV} or fix its permissions."
        )
    return path


def index_path(base: Path | None = None) -> Path:
    return (base or data_dir()) / "library.sqlite3"


def models_dir(base: Path | None = None) -> Path:
    return (base or data_dir()) / "models"


def settings_path(base: Path | None = None) -> Path:
    return (base or data_dir()) / "settings.json"


def calibration_path(base: Path | None = None) -> Path:
    """The sentiment calibration priors, one per model and prompt version."""
    return (base or data_dir()) / "sentiment-calibration.json"


def style_dir(base: Path | None = None) -> Path:
    """The window's style sheet images (style sheets take images from files only)."""
    return (base or cache_dir()) / "style"
