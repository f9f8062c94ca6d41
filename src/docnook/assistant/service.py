"""`Assistant`: one object for the CLI and the window, delegating to the jobs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from docnook.assistant.asking import Answer, Asking, Citation
from docnook.assistant.chats import Chats
from docnook.assistant.results import PageSentiment, Sentiment, Summary, SummaryPoint, TaskProgress
from docnook.assistant.runtime import Runtime
from docnook.assistant.sentiment import SentimentReader
from docnook.assistant.sentiment_library import LibraryTone
from docnook.assistant.summaries import Summaries
from docnook.config import Settings
from docnook.history import Chat, ChatMessage
from docnook.index.embedder import Embedder
from docnook.jobs import CancelToken
from docnook.llm.engine import Engine, Generation, GpuInfo, gpu_info
from docnook.llm.models import ModelInfo

TokenCallback = Callable[[str], None]
ProgressCallback = Callable[[TaskProgress], None]


class Assistant:
    """The language-model side of DocNook for one data directory."""

    def __init__(
        self,
        data_dir: Path | None = None,
        embedder: Embedder | None = None,
        engine: Engine | None = None,
    ) -> None:
        self.runtime = Runtime(data_dir, embedder, engine)
        self.data_dir = self.runtime.data_dir
        self.chats = Chats(self.data_dir)
        self.asking = Asking(self.runtime, self.chats)
        self.summaries = Summaries(self.runtime)
        self.sentiments = SentimentReader(self.runtime)

    # -- settings and models -------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        return self.runtime.settings

    def apply_settings(self, settings: Settings) -> None:
        self.runtime.apply_settings(settings)

    def models(self) -> list[ModelInfo]:
        return self.runtime.catalog.infos(in_use=self.settings.model)

    def add_model(self, path: Path) -> ModelInfo:
        return self.runtime.catalog.add(Path(path), in_use=self.settings.model)

    def use_model(self, name: str) -> None:
        self.apply_settings(self.settings.replace(model=name))

    def gpu_info(self) -> GpuInfo:
        return gpu_info()

    def engine_state(self) -> str:
        return self.runtime.engine.state

    @property
    def last_generation(self) -> Generation | None:
        return self.asking.last_generation

    def close(self) -> None:
        self.runtime.close()

    def __enter__(self) -> Assistant:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- jobs ------------------------------------------------------------------------------

    def ask(
        self,
        question: str,
        document_ids: list[int] | None = None,
        on_token: TokenCallback | None = None,
        cancel: CancelToken | None = None,
        on_quote: Callable[[Citation], None] | None = None,
        chat_id: int | None = None,
        keep: bool = True,
    ) -> Answer:
        return self.asking.ask(question, document_ids, on_token, cancel, on_quote, chat_id, keep)

    def new_chat(self, title: str = "") -> int:
        return self.chats.create(title)

    def chat_list(self) -> list[Chat]:
        return self.chats.chats()

    def chat_messages(self, chat_id: int) -> list[ChatMessage]:
        return self.chats.messages(chat_id)

    def delete_chat(self, chat_id: int) -> None:
        self.chats.delete(chat_id)

    def cached_summary(
        self, document_id: int, length: str = "brief", page_range: tuple[int, int] | None = None
    ) -> Summary | None:
        return self.summaries.cached_summary(document_id, length, page_range)

    def summarize(
        self,
        document_id: int,
        on_token: TokenCallback | None = None,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
        length: str = "brief",
        page_range: tuple[int, int] | None = None,
        on_point: Callable[[SummaryPoint], None] | None = None,
    ) -> Summary:
        return self.summaries.summarize(
            document_id, on_token, progress, cancel, length, page_range, on_point
        )

    def section_pages(self, document_id: int, section: str) -> tuple[int, int]:
        return self.summaries.section_pages(document_id, section)

    def scope_pages(self, document_id: int, text: str) -> tuple[int, int] | None:
        return self.summaries.scope_pages(document_id, text)

    def cached_sentiment(self, document_id: int) -> Sentiment | None:
        return self.sentiments.cached_sentiment(document_id)

    def sentiment(
        self,
        document_id: int,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> Sentiment:
        return self.sentiments.sentiment(document_id, progress, cancel)

    def explain_page(
        self, document_id: int, page: int, cancel: CancelToken | None = None
    ) -> PageSentiment:
        return self.sentiments.explain_page(document_id, page, cancel)

    def library_tone(self) -> LibraryTone:
        return self.sentiments.library_tone()

    def analyse_library(
        self,
        document_ids: list[int] | None = None,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> LibraryTone:
        return self.sentiments.analyse_library(document_ids, progress, cancel)
