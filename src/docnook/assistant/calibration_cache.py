"""The calibration priors, kept in one small JSON file of the data directory.

A prior belongs to one model file (its sha256) and one sentiment prompt version: reading it
costs three short prompts, but a kept one is there before the model is even loaded, and a
result read today uses the very prior of yesterday's results. A file, not the `analyses` table:
a prior belongs to no document, and that table is keyed by one.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
from pathlib import Path

from docnook import paths

FILE_NAME = paths.calibration_path(Path()).name
_lock = threading.Lock()


class CalibrationCache:
    def __init__(self, data_dir: Path) -> None:
        self.path = paths.calibration_path(data_dir)

    @staticmethod
    def key(model_sha256: str, prompt_version: str) -> str:
        return f"{model_sha256}:{prompt_version}"

    def get(self, model_sha256: str, prompt_version: str) -> dict[str, float] | None:
        entry = self._read().get(self.key(model_sha256, prompt_version))
        if not isinstance(entry, dict):
            return None
        try:
            prior = {str(k): float(v) for k, v in entry.items()}
        except (TypeError, ValueError):
            return None  # a damaged entry is computed again
        return prior if prior and all(v > 0 for v in prior.values()) else None

    def put(self, model_sha256: str, prompt_version: str, prior: dict[str, float]) -> None:
        """Keep `prior`, written atomically; a failure to write only costs a recomputation."""
        with _lock:
            data = self._read()
            data[self.key(model_sha256, prompt_version)] = prior
            with contextlib.suppress(OSError):
                self._write(data)

    def _read(self) -> dict[str, object]:
        try:
            value = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return value if isinstance(value, dict) else {}

    def _write(self, data: dict[str, object]) -> None:
        paths.ensure_private_dir(self.path.parent)
        fd, temp_name = tempfile.mkstemp(prefix=".calibration-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=1, sort_keys=True)
            os.chmod(temp_name, 0o600)
            os.replace(temp_name, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)
            raise
