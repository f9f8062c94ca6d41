"""Sentiment with the fake engine: calibration kept per model, the sentences that weighed most,
the library's sentiment (cache only, then a job that reads the rest) and its CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from docnook.assistant.calibration_cache import FILE_NAME
from docnook.errors import Cancelled, InputError
from docnook.jobs import CancelToken
from docnook.library import Library
from docnook.llm import calibration, prompts
from fakes import FakeEmbedder, FakeModel, assistant_with
from pdfmaker import make_image_only_pdf, make_pdf

NOTICE = (
    "The town hall is open from Monday to Friday. The registry office is on the first floor. "
    "Parking is available behind the library building."
)
MIXED = (
    "The harbor has three piers of granite, built in 1871. A terrible disaster struck the "
    "town: the bridge failed and angry people lost their homes. The ferry leaves at noon."
)
HAPPY = "What a wonderful, joyful festival! Everyone loved the brilliant music and the food."


@pytest.fixture
def ids(tmp_path: Path, data_dir: Path) -> dict[str, int]:
    pdfs = tmp_path / "pdfs"
    make_pdf(pdfs / "notice.pdf", [NOTICE], title="Notices")
    make_pdf(pdfs / "mixed.pdf", [HAPPY, MIXED], title="Mixed")
    make_image_only_pdf(pdfs / "scan.pdf")
    with Library(data_dir, FakeEmbedder()) as library:  # type: ignore[arg-type]
        library.index([pdfs])
        return {Path(r.path).stem: r.id for r in library.documents()}


def content_free_prompts(model: FakeModel) -> int:
    free = {prompts.sentiment_prompt(model.style, t).text for t in calibration.CONTENT_FREE}
    return sum(p.text in free for p in model.scored)


def test_the_prior_is_measured_once_per_model_and_kept(data_dir: Path, ids: dict[str, int]):
    model = FakeModel()
    assistant, _ = assistant_with(data_dir, model)
    assistant.sentiment(ids["notice"])
    assert content_free_prompts(model) == len(calibration.CONTENT_FREE)
    kept = json.loads((data_dir / FILE_NAME).read_text())
    model_sha = assistant.runtime.catalog.known_sha256(assistant.settings.model)
    (key,) = kept
    assert key == f"{model_sha}:{prompts.SENTIMENT_VERSION}"
    assert sum(kept[key].values()) == pytest.approx(1.0)
    # A new session (a fresh model object) reads the kept prior instead of measuring again.
    again_model = FakeModel()
    again, _ = assistant_with(data_dir, again_model)
    again.sentiment(ids["mixed"])
    assert content_free_prompts(again_model) == 0


def test_a_plain_notice_is_neutral(data_dir: Path, ids: dict[str, int]):
    model = FakeModel()
    assistant, _ = assistant_with(data_dir, model)
    result = assistant.sentiment(ids["notice"])
    assert result.label == "neutral" and [p.label for p in result.pages] == ["neutral"]
    assert not result.pages[0].reasons  # sentences are scored only when asked why


def test_explaining_a_page_scores_its_sentences_once(
    data_dir: Path, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
):
    model = FakeModel()
    assistant, engine = assistant_with(data_dir, model)
    with pytest.raises(InputError, match="Read the document's tone first"):
        assistant.explain_page(ids["mixed"], 2)
    result = assistant.sentiment(ids["mixed"])
    asked = len(model.scored)
    page = assistant.explain_page(ids["mixed"], 2)
    assert len(model.scored) == asked + 3  # one prompt per sentence, no prior again
    assert (page.page, page.label, page.scores) == (2, "negative", result.pages[1].scores)
    top = page.reasons[0]
    assert top.text.startswith("A terrible disaster") and top.scores["negative"] > 0.5
    weights = [r.weight for r in page.reasons]
    assert weights == sorted(weights, reverse=True) and len(weights) == 3
    # Each sentence is read like a page, lexicon included: the two factual ones have no
    # opinion words, so they are certainly neutral and weigh nothing for "negative".
    plain = [r for r in page.reasons if not r.text.startswith("A terrible disaster")]
    assert [r.scores["neutral"] for r in plain] == [1.0, 1.0]
    assert [r.weight for r in plain] == [0.0, 0.0]
    with Library(data_dir, FakeEmbedder()) as library:  # type: ignore[arg-type]
        text = library.store.page_texts(ids["mixed"])[1]
    for reason in page.reasons:
        assert " ".join(text[reason.start : reason.end].split()) == reason.text
    # Kept with the reading: the cache and a second request give them back, no model call.
    monkeypatch.setattr(engine, "run", _refuse)
    assert assistant.cached_sentiment(ids["mixed"]).pages[1].reasons == page.reasons
    assert assistant.explain_page(ids["mixed"], 2) == page
    assert assistant.cached_sentiment(ids["mixed"]).pages[0].reasons == ()
    with pytest.raises(InputError, match="Page 9"):
        assistant.explain_page(ids["mixed"], 9)


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("the model was used")


def test_the_library_view_reads_only_the_cache_then_a_job_reads_the_rest(
    data_dir: Path, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
):
    assistant, engine = assistant_with(data_dir, FakeModel())
    assistant.sentiment(ids["mixed"])

    monkeypatch.setattr(engine, "run", _refuse)
    tone = assistant.library_tone()
    monkeypatch.undo()
    by_id = {row.document_id: row for row in tone.rows}
    assert set(by_id) == set(ids.values())
    mixed = by_id[ids["mixed"]]
    assert mixed.label == "negative"
    assert (mixed.most_positive_page, mixed.most_negative_page) == (1, 2)
    assert [r.document_id for r in tone.not_analysed] == [ids["notice"]]  # the scan has no text
    data = tone.as_json()
    assert data["not_analysed"] == 1
    assert {d["id"]: d["analysed"] for d in data["documents"]} == {
        ids["mixed"]: True,
        ids["notice"]: False,
        ids["scan"]: False,
    }
    rows = list(csv.reader(io.StringIO(tone.csv_text())))
    assert rows[0][:4] == ["id", "title", "path", "label"] and len(rows) == 4

    steps = []
    done = assistant.analyse_library(progress=steps.append)
    assert not done.not_analysed and not done.failures
    assert [(s.done, s.total) for s in steps] == [(0, 1), (1, 1)]


def test_reading_the_library_can_be_cancelled(data_dir: Path, ids: dict[str, int]):
    assistant, _ = assistant_with(data_dir, FakeModel())
    cancel = CancelToken()
    cancel.cancel()
    with pytest.raises(Cancelled):
        assistant.analyse_library(cancel=cancel)
    assert len(assistant.library_tone().not_analysed) == 2
