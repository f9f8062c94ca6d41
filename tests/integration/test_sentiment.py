"""Sentiment with the real bundled model: a page of plain notices comes out neutral once
calibrated, the reasons are sentences of the page, and `docnook sentiment --all` (JSON, and
`--analyse` for the documents not read yet) and `--why PAGE`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docnook import cli
from docnook.assistant import Assistant
from docnook.config import Settings, save_settings
from docnook.library import Library
from pdfmaker import make_pdf

pytestmark = pytest.mark.slow

# Written for this test; not in the benchmark set. Facts and rules, no opinion.
NOTICE = (
    "Notice to residents. The recycling centre on Quarry Road is closed on 1 and 2 January. "
    "From 3 January it opens from 8:00 to 16:00, Monday to Saturday. Garden waste is collected "
    "every second Tuesday; bins must be at the kerb by 7:00. Bulky items can be booked by "
    "phone on 0800 123 456, quoting your address."
)
REVIEW = (
    "We had a fantastic stay. The staff were wonderful, the room was spotless and the "
    "breakfast was delicious. We loved every minute and will certainly come back."
)


@pytest.fixture(scope="module")
def shelf(tmp_path_factory: pytest.TempPathFactory, embedder) -> tuple[Path, dict[str, int], Path]:
    root = tmp_path_factory.mktemp("sentiment")
    make_pdf(root / "pdfs" / "notice.pdf", [NOTICE], title="Residents' notice")
    make_pdf(root / "pdfs" / "stay.pdf", [REVIEW], title="Our stay")
    data = root / "data"
    with Library(data, embedder) as library:
        library.index([root / "pdfs"])
        ids = {Path(r.path).stem: r.id for r in library.documents()}
    save_settings(data, Settings(n_ctx=1024, n_threads=2))
    return data, ids, root / "pdfs"


def test_a_neutral_notice_page_is_neutral_after_calibration(shelf, embedder) -> None:
    data, ids, _ = shelf
    with Assistant(data, embedder) as assistant:
        result = assistant.sentiment(ids["notice"])
        (page,) = result.pages
        assert page.label == "neutral", page.scores
        assert result.label == "neutral"
        with Library(data, embedder) as library:
            text = library.store.page_texts(ids["notice"])[0]
        for reason in page.reasons:  # every reason is a sentence of the page, where it says
            assert " ".join(text[reason.start : reason.end].split()) == reason.text
        assert sum(r.weight for r in page.reasons) <= page.scores["neutral"] + 1e-9
        stay = assistant.sentiment(ids["stay"])
        assert stay.label == "positive"


def run(capsys, monkeypatch, data: Path, *argv: str) -> tuple[int, str, str]:
    monkeypatch.setenv("DOCNOOK_DATA_DIR", str(data))
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_sentiment_all_json_then_analyse(shelf, embedder, capsys, monkeypatch, tmp_path) -> None:
    _, _, pdfs = shelf
    fresh = tmp_path / "fresh"  # a library of its own: nothing read yet
    with Library(fresh, embedder) as library:
        library.index([pdfs])
    save_settings(fresh, Settings(n_ctx=1024, n_threads=2))
    code, out, _ = run(capsys, monkeypatch, fresh, "sentiment", "--all", "--json")
    assert code == 0
    listed = json.loads(out)
    assert set(listed) == {"documents", "not_analysed", "failures"}
    assert listed["not_analysed"] == 2 and listed["failures"] == []
    for doc in listed["documents"]:
        assert set(doc) == {
            *("id", "title", "path", "analysed", "label", "scores"),
            *("most_negative_page", "most_positive_page"),
        }
        assert doc["analysed"] is False and doc["label"] is None
    code, out, _ = run(capsys, monkeypatch, fresh, "sentiment", "--all")
    assert code == 0 and "2 document(s) not analysed yet" in out
    code, out, _ = run(capsys, monkeypatch, fresh, "sentiment", "--all", "--analyse", "--json")
    assert code == 0
    done = json.loads(out)
    assert done["not_analysed"] == 0
    by_title = {d["title"]: d for d in done["documents"]}
    stay = by_title["Our stay"]
    assert stay["analysed"] and stay["label"] == "positive"
    assert set(stay["scores"]) == {"positive", "neutral", "negative"}
    assert stay["most_positive_page"] == 1 and stay["most_negative_page"] == 1
    code, out, _ = run(capsys, monkeypatch, fresh, "sentiment", str(stay["id"]), "--why", "1")
    assert code == 0 and out.startswith("p. 1: positive")
    code, out, _ = run(
        capsys, monkeypatch, fresh, "sentiment", str(stay["id"]), "--why", "1", "--json"
    )
    why = json.loads(out)
    assert why["page"] == 1 and why["label"] == "positive" and why["reasons"]
    for reason in why["reasons"]:
        assert reason["text"] in REVIEW and set(reason) >= {"text", "weight", "scores"}
    code, _, err = run(capsys, monkeypatch, fresh, "sentiment")
    assert code == 1 and "--all" in err
