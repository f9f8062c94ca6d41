"""The assistant service: ask the library, summarise a document, read its sentiment.

Plain Python with callbacks (tokens, progress) and cancel tokens; the CLI prints what it gets,
the window wraps each call in a worker thread. `Assistant` is a facade over one `Runtime`
(settings, models, the engine) and the jobs that use it, each in its own module: `asking`,
`summaries`, `sentiment`. Long jobs are split into engine jobs, so cancel and progress come
between them and a question asked meanwhile does not wait for a whole book.
"""

from __future__ import annotations

from docnook.assistant.asking import Answer, Citation
from docnook.assistant.results import (
    PageSentiment,
    Sentiment,
    Summary,
    SummaryPoint,
    TaskProgress,
)
from docnook.assistant.service import Assistant
from docnook.llm.engine import GpuInfo
from docnook.llm.models import ModelInfo

__all__ = [
    "Answer",
    "Assistant",
    "Citation",
    "GpuInfo",
    "ModelInfo",
    "PageSentiment",
    "Sentiment",
    "Summary",
    "SummaryPoint",
    "TaskProgress",
]
