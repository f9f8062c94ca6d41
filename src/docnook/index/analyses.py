"""The cache of analyses (summaries, sentiment) in the `analyses` table.

A result is written once, whole, in one transaction, after the job that made it finished: a
cancelled or failed job leaves nothing behind, so the cache never holds half a result.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from docnook.index.store import Store

KINDS = ("summary", "sentiment")


@dataclass(frozen=True)
class AnalysisKey:
    kind: str
    document_sha256: str
    model_sha256: str
    prompt_version: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")

    def params(self) -> tuple[str, str, str, str]:
        return (self.kind, self.document_sha256, self.model_sha256, self.prompt_version)


def get_analysis(store: Store, key: AnalysisKey) -> dict[str, Any] | None:
    rows = store.query(
        "SELECT result FROM analyses WHERE kind = ? AND document_sha256 = ? "
        "AND model_sha256 = ? AND prompt_version = ?",
        key.params(),
    )
    if not rows:
        return None
    try:
        value = json.loads(rows[0][0])
    except ValueError:
        return None  # unreadable: treated as absent, and replaced by the next result
    return value if isinstance(value, dict) else None


def put_analysis(store: Store, key: AnalysisKey, result: dict[str, Any]) -> None:
    payload = json.dumps(result, ensure_ascii=False, separators=(",", ":"))
    with store.transaction() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO analyses (kind, document_sha256, model_sha256, "
            "prompt_version, result) VALUES (?, ?, ?, ?, ?)",
            (*key.params(), payload),
        )


def forget_analyses(store: Store, document_sha256: str) -> int:
    """Drop every cached analysis of one document's bytes."""
    with store.transaction() as conn:
        return conn.execute(
            "DELETE FROM analyses WHERE document_sha256 = ?", (document_sha256,)
        ).rowcount
