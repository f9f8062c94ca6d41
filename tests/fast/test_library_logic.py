"""The library service's logic on real PDFs and a real SQLite file, with the fake embedder:
statuses, re-indexing, moves, cancel, whole documents, progress."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from docnook.errors import InputError
from docnook.index.store import Store
from docnook.ingest import pdf
from docnook.jobs import CancelToken
from docnook.library import IndexProgress, Library
from indexcheck import check_index
from pdfmaker import make_image_only_pdf, make_pdf

ANIMALS = [
    "The walrus lives along Arctic coasts and feeds on clams dug from the sea floor.",
    "Emperor penguins breed during the Antarctic winter, the males keeping the egg warm.",
    "The axolotl can regrow lost limbs, parts of its heart and even of its brain.",
]


def must_not_run(name: str):
    """A stand-in for a call that must not happen: it fails the test if it does."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"{name} was called")

    return refuse


def test_a_folder_gets_one_status_per_file(tmp_path: Path, library: Library) -> None:
    docs = tmp_path / "docs"
    make_pdf(docs / "animals.pdf", ANIMALS, title="Animal facts", author="R. Zoo")
    make_pdf(docs / "sub" / "lease.pdf", ["The tenant pays rent monthly."])
    make_pdf(docs / "locked.pdf", ["Secret minutes of the board."], user_password="hunter2")
    make_image_only_pdf(docs / "scan.pdf")
    (docs / "broken.pdf").write_bytes(b"%PDF-1.7\n this is not really a pdf")
    (docs / "empty.pdf").write_bytes(b"")
    (docs / "notes.txt").write_text("Plain text is read too: the walrus has tusks.")
    (docs / "photo.jpg").write_bytes(b"\xff\xd8\xff not a document DocNook reads")

    report = library.index([docs])
    actions = {os.path.basename(o.path): o.action for o in report.outcomes}
    assert actions == {
        "animals.pdf": "indexed",
        "lease.pdf": "indexed",
        "notes.txt": "indexed",
        "locked.pdf": "needs-password",
        "scan.pdf": "no-text",
        "broken.pdf": "failed",
        "empty.pdf": "failed",
    }
    assert (report.indexed, report.unchanged, report.failed) == (3, 0, 4)
    summary = report.summary()
    assert summary.startswith("3 indexed, 0 unchanged, 4 failed (") and summary.endswith(").")
    assert "locked.pdf" in summary and "password" in summary

    records = {os.path.basename(r.path): r for r in library.documents()}
    animals = records["animals.pdf"]
    assert (animals.title, animals.author, animals.pages) == ("Animal facts", "R. Zoo", 3)
    assert records["lease.pdf"].title == "lease"  # no metadata: the file name
    assert library.store.page_text(animals.id, 3).startswith("The axolotl")
    for name in ("locked.pdf", "scan.pdf", "broken.pdf", "empty.pdf"):
        assert records[name].error and records[name].error.endswith(".")
    state = check_index(library.store.path)
    assert state.problems == []
    assert state.indexed() == {str(docs / n) for n in ("animals.pdf", "sub/lease.pdf", "notes.txt")}


def test_an_unchanged_file_is_neither_read_nor_embedded(
    tmp_path: Path, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = make_pdf(tmp_path / "a.pdf", ANIMALS)
    first = library.index([a]).outcomes[0]
    assert first.action == "indexed" and first.chunks >= 1

    with monkeypatch.context() as patch:
        patch.setattr(pdf, "read_pdf", must_not_run("read_pdf"))
        patch.setattr(pdf, "page_count", must_not_run("page_count"))
        patch.setattr(library.embedder, "embed", must_not_run("embed"))
        patch.setattr(library.embedder, "embed_with_sentences", must_not_run("embed"))
        patch.setattr(library.embedder, "token_spans", must_not_run("token_spans"))
        again = library.index([a]).outcomes[0]
        assert (again.action, again.document_id, again.reason) == (
            "unchanged",
            first.document_id,
            None,
        )
    with monkeypatch.context() as patch:
        # A path the library has not seen has its pages counted for the progress bar; the
        # rest (reading, chunking, embedding) is skipped once its hash is found.
        patch.setattr(pdf, "read_pdf", must_not_run("read_pdf"))
        patch.setattr(library.embedder, "embed", must_not_run("embed"))
        patch.setattr(library.embedder, "embed_with_sentences", must_not_run("embed"))
        patch.setattr(library.embedder, "token_spans", must_not_run("token_spans"))
        copy = tmp_path / "copy.pdf"
        shutil.copy(a, copy)
        duplicate = library.index([copy]).outcomes[0]
        assert duplicate.action == "unchanged" and "same file as" in duplicate.reason
        # A moved file keeps its record (and so its analyses).
        copy.unlink()
        moved_to = tmp_path / "archive" / "b.pdf"
        moved_to.parent.mkdir()
        shutil.move(a, moved_to)
        moved = library.index([moved_to]).outcomes[0]
        assert moved.action == "moved" and moved.document_id == first.document_id
    assert [r.path for r in library.documents()] == [str(moved_to)]

    make_pdf(moved_to, ["A completely different text about volcanoes and magma."])
    changed = library.index([moved_to]).outcomes[0]
    assert changed.action == "updated" and changed.document_id == first.document_id
    assert library.search("volcano magma", k=1)[0].document_id == first.document_id
    assert not [h for h in library.search("walrus clams", k=5) if "walrus" in h.text]
    assert check_index(library.store.path).problems == []


def test_a_password_unlocks_what_needed_one(tmp_path: Path, library: Library) -> None:
    locked = make_pdf(tmp_path / "locked.pdf", ["Quarterly revenue rose."], user_password="pw")
    assert library.index([locked]).outcomes[0].action == "needs-password"
    wrong = library.index([locked], password="nope").outcomes[0]
    assert wrong.action == "needs-password" and "wrong" in wrong.reason
    assert library.index([locked], password="pw").outcomes[0].action == "updated"
    (record,) = library.documents()
    assert (record.status, record.error) == ("indexed", None)


def test_cancel_keeps_whole_documents_only(tmp_path: Path, library: Library) -> None:
    for n in range(4):
        make_pdf(tmp_path / f"doc{n}.pdf", [f"Document {n} page {p}. " * 40 for p in range(6)])
    cancel = CancelToken()
    seen: list[IndexProgress] = []

    def progress(p: IndexProgress) -> None:
        seen.append(p)
        if p.files_done >= 1:
            cancel.cancel()

    report = library.index([tmp_path], progress=progress, cancel=cancel)
    assert report.cancelled and report.indexed == 1
    assert report.summary().endswith("; cancelled before the rest.")
    state = check_index(library.store.path)
    assert state.problems == [] and len(state.documents) == 1
    rest = library.index([tmp_path])
    assert (rest.indexed, rest.unchanged, rest.cancelled) == (3, 1, False)


def test_a_failure_while_writing_leaves_no_half_document(
    tmp_path: Path, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = make_pdf(tmp_path / "a-first.pdf", ANIMALS)
    second = make_pdf(tmp_path / "b-second.pdf", ["Rent is due monthly. " * 30] * 3)
    real_bump = Store.bump_generation
    writes = []

    def fails_on_the_second_document(conn) -> None:
        # The last statement of a document's transaction: its pages, chunks and vectors
        # are written by then.
        writes.append(conn)
        if len(writes) == 2:
            raise OSError("the disk went away")
        real_bump(conn)

    monkeypatch.setattr(Store, "bump_generation", staticmethod(fails_on_the_second_document))
    with pytest.raises(OSError, match="went away"):
        library.index([first, second])
    state = check_index(library.store.path)
    assert state.problems == []
    assert state.indexed() == {str(first)}  # the second rolled back whole: no pages, no chunks
    monkeypatch.setattr(Store, "bump_generation", staticmethod(real_bump))
    assert library.index([first, second]).count("indexed", "unchanged") == 2


def test_progress_counts_files_and_pages_to_the_end(tmp_path: Path, library: Library) -> None:
    make_pdf(tmp_path / "one.pdf", ["Alpha page one. " * 20, "Alpha page two. " * 20])
    make_pdf(tmp_path / "two.pdf", ["Beta page one. " * 20, "Beta two.", "Beta three."])
    seen: list[IndexProgress] = []
    library.index([tmp_path], progress=seen.append)
    assert {p.pages_total for p in seen} == {5}
    assert (seen[-1].files_done, seen[-1].files_total, seen[-1].pages_done) == (2, 2, 5)
    done = [p.pages_done for p in seen]
    assert done == sorted(done), "progress never goes back"
    assert seen[-1].eta_seconds == 0.0
    # Nothing left to do: nothing to count either.
    again: list[IndexProgress] = []
    library.index([tmp_path], progress=again.append)
    assert {p.pages_total for p in again} == {0}


def test_remove_by_id_and_by_path(tmp_path: Path, library: Library) -> None:
    a = make_pdf(tmp_path / "a.pdf", ANIMALS)
    b = make_pdf(tmp_path / "b.pdf", ["Rent is due monthly."])
    library.index([a, b])
    library.remove(str(library.resolve(str(a)).id))
    library.remove(str(b))
    assert library.documents() == [] and library.store.chunk_count() == 0
    assert library.search("walrus", k=3) == []
    with pytest.raises(InputError, match="No document '99'"):
        library.remove("99")


def test_missing_paths_and_empty_folders_are_sentences(tmp_path: Path, library: Library) -> None:
    with pytest.raises(InputError, match=r"^No such file or folder: .*nope\.pdf\.$"):
        library.index([tmp_path / "nope.pdf"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"^No documents found in .*empty: DocNook reads PDF, "):
        library.index([tmp_path / "empty"])


def test_two_libraries_on_one_file_see_each_others_documents(
    tmp_path: Path, data_dir: Path, fake_embedder
) -> None:
    with Library(data_dir, fake_embedder) as writer, Library(data_dir, fake_embedder) as reader:
        assert reader.search("walrus", k=1) == []
        writer.index([make_pdf(tmp_path / "a.pdf", ANIMALS)])
        # The reader's cached vectors are stale; the generation counter makes it reload.
        assert reader.search("walrus clams", k=1, mode="vector")[0].page == 1
