"""Summaries and sentiment with the fake engine: the map-reduce plumbing, progress, the cache
per document and model, cancel, and how page scores make a document's. The words and
numbers of the real model are the integration tests' business (tests/integration)."""

from __future__ import annotations

from pathlib import Path

import pytest

from docnook.assistant import Assistant, TaskProgress
from docnook.errors import Cancelled, InputError
from docnook.jobs import CancelToken
from docnook.library import Library
from docnook.llm import prompts
from fakes import FakeEmbedder, FakeEngine, FakeModel, use_tiny_model
from gguf_tools import tiny_gguf
from indexcheck import check_index
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


def assistant_with(data_dir: Path, model: FakeModel) -> tuple[Assistant, FakeEngine]:
    use_tiny_model(data_dir)
    engine = FakeEngine(model)
    return Assistant(data_dir, FakeEmbedder(), engine=engine), engine  # type: ignore[arg-type]


def refuse_the_engine(monkeypatch: pytest.MonkeyPatch, engine: FakeEngine) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the language model was used")

    monkeypatch.setattr(engine, "run", refuse)
    monkeypatch.setattr(engine, "load", refuse)


def part_replies(prompt: prompts.Prompt) -> str:
    """A partial summary names its first chapter; the final one says how many parts."""
    if "summaries of consecutive parts" in prompt.text:
        return f"The document covers {prompt.text.count('Part about')} parts.\n\nText:"
    chapter = prompt.text.split("Chapter ", 1)[1].split(".", 1)[0]
    return f"Part about chapter {chapter}."


# -- summaries ---------------------------------------------------------------------------------


def test_a_long_document_is_summarised_in_parts_then_cached(
    data_dir: Path, library_ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    model = FakeModel(n_ctx=512, reply=part_replies)
    assistant, engine = assistant_with(data_dir, model)
    steps: list[TaskProgress] = []
    pieces: list[str] = []
    assert assistant.cached_summary(library_ids["towns"]) is None
    summary = assistant.summarize(library_ids["towns"], pieces.append, steps.append)

    parts = [p for p in model.streamed if "summaries of consecutive parts" not in p.text]
    assert len(parts) >= 3, "the document did not fit one prompt: it is read in parts"
    for prompt in model.streamed:  # every prompt fits with room for its answer
        assert model.count(prompt.text) + prompt.max_tokens <= model.n_ctx
    final = model.streamed[-1]
    assert "summaries of consecutive parts" in final.text
    assert final.text.count("Part about chapter") == len(parts)
    # Only the final step streams, cut at its stop sequence.
    assert summary.summary == f"The document covers {len(parts)} parts."
    assert "".join(pieces).strip() == summary.summary and not summary.cached
    assert [s.done for s in steps] == list(range(len(parts) + 2))
    assert steps[-1].done == steps[-1].total == len(parts) + 1
    assert engine.loads and engine.loads[0].name == assistant.settings.model

    refuse_the_engine(monkeypatch, engine)
    again = assistant.summarize(library_ids["towns"])
    assert again.cached and again.summary == summary.summary
    assert assistant.cached_summary(library_ids["towns"]) == again
    assert check_index(data_dir / "library.sqlite3").analyses == 1


def test_a_short_document_is_one_prompt_and_an_empty_reply_keeps_its_opening(
    data_dir: Path, library_ids: dict[str, int]
) -> None:
    model = FakeModel(reply="")
    assistant, _ = assistant_with(data_dir, model)
    pieces: list[str] = []
    summary = assistant.summarize(library_ids["happy"], on_token=pieces.append)
    assert len(model.streamed) == 1
    assert summary.summary.startswith("What a wonderful, joyful festival!")
    assert "".join(pieces) == summary.summary


def test_a_reply_cut_by_the_token_limit_ends_at_a_sentence(
    data_dir: Path, library_ids: dict[str, int]
) -> None:
    long_reply = "One finished sentence here. " * 60 + "And one that never ends because"
    assistant, _ = assistant_with(data_dir, FakeModel(reply=long_reply))
    summary = assistant.summarize(library_ids["happy"]).summary
    assert summary.endswith("here.") and "never ends" not in summary


def test_a_cancelled_summary_leaves_nothing_in_the_cache(
    data_dir: Path, library_ids: dict[str, int]
) -> None:
    assistant, engine = assistant_with(data_dir, FakeModel(n_ctx=512, reply=part_replies))
    cancel = CancelToken()
    steps: list[TaskProgress] = []

    def progress(step: TaskProgress) -> None:
        steps.append(step)
        if step.done >= 1:
            cancel.cancel()

    with pytest.raises(Cancelled):
        assistant.summarize(library_ids["towns"], progress=progress, cancel=cancel)
    assert steps[-1].done < steps[-1].total
    assert assistant.cached_summary(library_ids["towns"]) is None
    assert check_index(data_dir / "library.sqlite3").analyses == 0
    assert engine.state == "ready"


def test_what_cannot_be_summarised_is_a_sentence(
    data_dir: Path, library_ids: dict[str, int]
) -> None:
    assistant, engine = assistant_with(data_dir, FakeModel())
    with pytest.raises(InputError, match=r"is not indexed \(no-text: No text"):
        assistant.summarize(library_ids["scan"])
    with pytest.raises(InputError, match="No document '999'"):
        assistant.summarize(999)
    assert engine.jobs == 0


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
    assert (happy.label, sad.label) == ("positive", "negative")
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
