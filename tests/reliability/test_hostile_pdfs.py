"""Hostile and odd PDFs in one batch through the real `docnook index`: each ends with a clear
status and reason, the batch goes on past every one of them, the process's memory stays
bounded, and what is indexed can be found at the right page."""

from __future__ import annotations

from pathlib import Path

import pytest

import hostile
from indexcheck import check_index, page_texts
from pdfmaker import make_pdf
from processes import environment, run

pytestmark = pytest.mark.slow

HARBOUR = [
    "The harbour of Eldvik was dredged in 1902 to let the steamers in.",
    "Its lighthouse was kept by Marta Olsen for forty years.",
]
# What each file must end as: (status, a phrase its reason must hold, or None for no reason).
EXPECTED = {
    "zero-bytes.pdf": ("failed", "empty (0 bytes)"),
    "random-bytes.pdf": ("failed", "not a readable PDF"),
    "cut-at-the-head.pdf": ("failed", "not a readable PDF"),
    "cut-in-half.pdf": ("indexed", None),  # MuPDF repairs what is there
    "page-tree-cycle.pdf": ("failed", "none of its pages can be read"),
    "kids-cycle.pdf": ("failed", "damaged beyond repair"),
    "one-page-in-a-cycle.pdf": ("indexed", "Page 2 of 2 is damaged and could not be read"),
    "reference-cycle.pdf": ("indexed", None),
    "form-draws-itself.pdf": ("indexed", None),
    "broken-xref.pdf": ("indexed", None),
    "locked.pdf": ("needs-password", "protected by a password"),
    "owner-password-only.pdf": ("indexed", None),
    "scanned.pdf": ("no-text", "No text (scanned)"),
    "ledger-5000-pages.pdf": ("indexed", None),
    "one-huge-page.pdf": ("indexed", None),
    "non-latin.pdf": ("indexed", None),
    "zz-good-after-all-that.pdf": ("indexed", None),  # last: the batch went on to the end
}


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    docs = tmp_path_factory.mktemp("hostile")
    hostile.zero_bytes(docs / "zero-bytes.pdf")
    hostile.random_bytes(docs / "random-bytes.pdf")
    hostile.truncated(docs / "cut-at-the-head.pdf", HARBOUR, keep=0.01)
    hostile.truncated(docs / "cut-in-half.pdf", [h * 20 for h in HARBOUR], keep=0.5)
    hostile.page_tree_cycle(docs / "page-tree-cycle.pdf")
    hostile.kids_cycle(docs / "kids-cycle.pdf")
    hostile.second_page_is_a_cycle(docs / "one-page-in-a-cycle.pdf")
    hostile.reference_cycle(docs / "reference-cycle.pdf")
    hostile.self_drawing_form(docs / "form-draws-itself.pdf")
    hostile.broken_xref(docs / "broken-xref.pdf", HARBOUR)
    hostile.locked(docs / "locked.pdf", ["The vault code is written on page one."], "tide")
    hostile.owner_locked(docs / "owner-password-only.pdf", HARBOUR)
    hostile.image_only(docs / "scanned.pdf")
    hostile.many_pages(docs / "ledger-5000-pages.pdf", 5000)
    hostile.huge_single_page(docs / "one-huge-page.pdf", 300_000)
    hostile.non_latin(docs / "non-latin.pdf")
    make_pdf(docs / "zz-good-after-all-that.pdf", HARBOUR, title="Eldvik harbour")
    assert {p.name for p in docs.iterdir()} == set(EXPECTED)
    return docs


@pytest.fixture(scope="module")
def indexed(batch: Path, tmp_path_factory, embedder):
    """The batch indexed by one `docnook index` process, and a baseline process that indexed
    one ordinary PDF, for its memory."""
    data = tmp_path_factory.mktemp("data")
    baseline_dir = tmp_path_factory.mktemp("baseline")
    make_pdf(baseline_dir / "one.pdf", HARBOUR)
    baseline = run(["index", str(baseline_dir), "--json"], environment(baseline_dir / "data"))
    assert baseline.returncode == 0, baseline.stderr
    result = run(["index", str(batch), "--json"], environment(data))
    return data, result, baseline


def test_every_file_ends_with_a_clear_status_and_the_batch_goes_on(indexed, batch) -> None:
    data, result, _ = indexed
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    outcomes = {Path(f["path"]).name: f for f in result.json()["files"]}
    assert set(outcomes) == set(EXPECTED)
    for name, (status, phrase) in EXPECTED.items():
        outcome = outcomes[name]
        assert outcome["action"] == status, (name, outcome)
        if phrase is None:
            assert outcome["reason"] is None, (name, outcome)
        else:
            assert phrase in outcome["reason"], (name, outcome)
            assert outcome["reason"].endswith("."), "a sentence"

    state = check_index(data / "library.sqlite3")
    assert state.problems == []
    assert len(state.documents) == len(EXPECTED)
    statuses = {Path(p).name: s for p, s in state.documents.items()}
    assert statuses == {name: status for name, (status, _) in EXPECTED.items()}
    # The listing a person reads gives each problem in words, under its document.
    listing = run(["docs"], environment(data)).stdout
    assert "Page 2 of 2 is damaged and could not be read; the rest is indexed." in listing
    assert "The PDF is protected by a password; give it to index it." in listing


def test_memory_stays_bounded(indexed) -> None:
    """5,000 pages and a page of 300,000 characters cost what one small PDF costs, give or
    take the embedding batches: pages are read one document at a time and chunks embedded in
    batches, so nothing grows with the size of a file."""
    _, result, baseline = indexed
    print(
        f"peak RSS: {result.peak_rss_mb:.0f} MB for the hostile batch, "
        f"{baseline.peak_rss_mb:.0f} MB for one small PDF ({result.seconds:.1f} s, "
        f"{baseline.seconds:.1f} s)"
    )
    assert result.peak_rss_mb < baseline.peak_rss_mb + 400


def test_what_was_indexed_is_found_at_its_page(indexed, batch) -> None:
    data, _, _ = indexed
    env = environment(data)

    def search(query: str, doc: str, k: int = 3) -> list[dict]:
        found = run(["search", query, "--doc", str(batch / doc), "-k", str(k), "--json"], env)
        assert found.returncode == 0, found.stderr
        return found.json()

    hits = search("Ledger page 4321", "ledger-5000-pages.pdf")
    assert hits[0]["page_start"] <= 4321 <= hits[0]["page_end"]
    assert "Ledger page 4321:" in hits[0]["text"]

    hits = search("coastal erosion cliff survey", "one-huge-page.pdf")
    assert hits and all(h["page_start"] == h["page_end"] == 1 for h in hits)

    for n, (sentence, word) in enumerate(
        [(hostile.SCRIPTS["russian"][0], "Маяк"), (hostile.SCRIPTS["greek"][0], "φάρος")],
        start=1,
    ):
        (hit,) = search(word, "non-latin.pdf", k=1)
        assert hit["page"] == n and sentence in hit["text"]

    docs = run(["docs", "--json"], env).json()
    scripts = next(d for d in docs if d["path"].endswith("non-latin.pdf"))
    assert scripts["pages"] == len(hostile.SCRIPTS)
    # Every script's text is stored as written, on its own page (CJK included, whose words
    # FTS5 cannot split: it is found by the vectors and shown from the page text).
    stored = page_texts(data / "library.sqlite3", scripts["id"])
    assert stored == [sentence for sentence, _ in hostile.SCRIPTS.values()]

    hits = search("Who kept the lighthouse?", "broken-xref.pdf", k=1)
    assert "Marta Olsen" in hits[0]["text"]


def test_the_locked_pdf_opens_with_its_password(indexed, batch) -> None:
    data, _, _ = indexed
    env = environment(data)
    wrong = run(["index", str(batch / "locked.pdf"), "--password", "nope", "--json"], env)
    assert wrong.returncode == 0
    (outcome,) = wrong.json()["files"]
    assert (outcome["action"], outcome["reason"]) == (
        "needs-password",
        "The password given for this PDF is wrong.",
    )
    right = run(["index", str(batch / "locked.pdf"), "--password", "tide", "--json"], env)
    (outcome,) = right.json()["files"]
    assert outcome["action"] == "updated"
    hits = run(["search", "vault code", "-k", "1", "--json"], env).json()
    assert Path(hits[0]["path"]).name == "locked.pdf" and hits[0]["page_start"] == 1
    assert check_index(data / "library.sqlite3").problems == []
