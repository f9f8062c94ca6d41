"""Sentiment with the fake engine: progress, the cache per document and model, cancel, and how
page scores make a document's (summaries: test_summary_logic.py). The words and numbers of the
real model are the integration tests' business (tests/integration)."""

from __future__ import annotations

from pathlib import Path

import pytest

from docnook.assistant import TaskProgress
from docnook.library import Library
from docnook.llm import prompts
from fakes import (
    FakeEmbedder,
    FakeModel,
    assistant_with,
    refuse_the_engine,
)
from gguf_tools import tiny_gguf
from pdfmaker import make_image_only_pdf, make_pdf

HAPPY = [
    "What a wonderful, joyful festival! Everyone loved the brilliant music and the food.",
    "The best holiday of my life: kind people, beautiful beaches and perfect weather.",
]
SAD = [
    "A terrible disaster. The project failed, the customers are furious and money was lost.",
    "The harbor has three piers of granite, built in 1871.",  # no opinion: neutral
]


def _towns() -> list[str]:
    """Twelve pages of about 200 words each: several contexts of the fake model's 512."""
    return [
        f"Chapter {i}. The town number {i} lies on a river and is known for its mills. " * 12
        for i in range(1, 13)
    ]


@pytest.fixture
def library_ids(tmp_path: Path, data_dir: Path) -> dict[str, int]:
    pdfs = tmp_path / "pdfs"
    make_pdf(pdfs / "happy.pdf", HAPPY, title="Festival letters")
    make_pdf(pdfs / "sad.pdf", SAD, title="Complaints")
    make_pdf(pdfs / "towns.pdf", _towns(), title="Twelve towns")
    make_image_only_pdf(pdfs / "scan.pdf")
    with Library(data_dir, FakeEmbedder()) as library:  # type: ignore[arg-type]
        library.index([pdfs])
        return {Path(r.path).stem: r.id for r in library.documents()}


# -- sentiment ---------------------------------------------------------------------------------


def test_sentiment_per_page_and_for_the_document(
    data_dir: Path, library_ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    model = FakeModel()
    assistant, engine = assistant_with(data_dir, model)
    steps: list[TaskProgress] = []
    happy = assistant.sentiment(library_ids["happy"], progress=steps.append)
    sad = assistant.sentiment(library_ids["sad"])

    assert [(p.page, p.label) for p in happy.pages] == [(1, "positive"), (2, "positive")]
    assert [(p.page, p.label) for p in sad.pages] == [(1, "negative"), (2, "neutral")]
    # The factual page has no opinion words, so the lexicon leaves it only neutral (certain);
    # at a third of the document's length it outweighs a complaint the model is unsure of.
    assert (happy.label, sad.label) == ("positive", "neutral")
    assert sad.pages[1].scores["neutral"] == pytest.approx(1.0)
    assert 0.5 < sad.pages[0].scores["negative"] < 1.0
    for result in (happy, sad):
        assert sum(result.scores.values()) == pytest.approx(1.0)
        for page in result.pages:
            assert sum(page.scores.values()) == pytest.approx(1.0)
    # The document's scores are its pages' weighted by their length in tokens.
    with Library(data_dir, FakeEmbedder()) as library:  # type: ignore[arg-type]
        texts = library.store.page_texts(library_ids["sad"])
    lengths = [model.count(text) for text in texts]
    expected = sum(p.scores["negative"] * n for p, n in zip(sad.pages, lengths, strict=True))
    assert sad.scores["negative"] == pytest.approx(expected / sum(lengths))
    assert [(s.done, s.total) for s in steps] == [(0, 2), (1, 2), (2, 2)]
    # The model's bias is measured once, on the content-free texts (more in
    # test_sentiment_logic.py).
    free = [p for p in model.scored if prompts.sentiment_prompt(model.style, "").text == p.text]
    assert len(free) == 1

    refuse_the_engine(monkeypatch, engine)
    again = assistant.sentiment(library_ids["happy"])
    assert again.cached and again.as_json() == happy.as_json()
    assert assistant.cached_sentiment(library_ids["sad"]).as_json() == sad.as_json()


def test_a_long_page_is_scored_in_pieces_that_fit(
    data_dir: Path, library_ids: dict[str, int]
) -> None:
    model = FakeModel(n_ctx=256)
    assistant, _ = assistant_with(data_dir, model)
    result = assistant.sentiment(library_ids["towns"])
    pages = [p for p in model.scored if "Chapter" in p.text]
    assert len(pages) > 12, "pages longer than the window are split"
    for prompt in pages:
        assert model.count(prompt.text) < model.n_ctx
    assert [p.page for p in result.pages] == list(range(1, 13))
    assert result.label == "neutral"


def test_sentiment_cache_belongs_to_the_model(
    data_dir: Path, library_ids: dict[str, int], tmp_path: Path
) -> None:
    assistant, _ = assistant_with(data_dir, FakeModel())
    assistant.sentiment(library_ids["happy"])
    added = assistant.add_model(tiny_gguf(tmp_path / "other.gguf", {"general.name": "Other"}))
    assistant.use_model(added.name)
    assert assistant.cached_sentiment(library_ids["happy"]) is None  # another model's opinion
    assert not assistant.sentiment(library_ids["happy"]).cached
