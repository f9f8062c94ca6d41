"""The library service on real PDFs, the real SQLite file and the real embedding model."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from docnook.errors import DataDirError, InputError, StorageError
from docnook.index import store as store_module
from docnook.ingest import pdf as pdf_reader
from docnook.jobs import CancelToken
from docnook.library import Library
from pdfmaker import make_image_only_pdf, make_pdf

pytestmark = pytest.mark.slow

ANIMALS = [
    "The walrus lives along Arctic coasts and feeds on clams dug from the sea floor.",
    "Emperor penguins breed during the Antarctic winter, the males keeping the egg warm.",
    "The axolotl can regrow lost limbs, parts of its heart and even of its brain.",
]


@pytest.fixture
def library(data_dir, embedder):
    lib = Library(data_dir, embedder=embedder)
    yield lib
    lib.close()


def test_index_folder_records_every_file_with_a_clear_status(tmp_path, library):
    docs = tmp_path / "docs"
    make_pdf(docs / "animals.pdf", ANIMALS, title="Animal facts", author="R. Zoo")
    make_pdf(docs / "sub" / "lease.pdf", ["The tenant pays rent monthly."])
    make_pdf(docs / "locked.pdf", ["Secret minutes of the board."], user_password="hunter2")
    make_image_only_pdf(docs / "scan.pdf")
    (docs / "broken.pdf").write_bytes(b"%PDF-1.7\n this is not really a pdf")
    (docs / "empty.pdf").write_bytes(b"")
    (docs / "photo.png").write_bytes(b"not picked up: not a document")

    report = library.index([docs])
    by_name = {os.path.basename(o.path): o for o in report.outcomes}
    assert set(by_name) == {
        "animals.pdf",
        "lease.pdf",
        "locked.pdf",
        "scan.pdf",
        "broken.pdf",
        "empty.pdf",
    }
    assert by_name["animals.pdf"].action == "indexed"
    assert by_name["lease.pdf"].action == "indexed"
    assert by_name["locked.pdf"].action == "needs-password"
    assert by_name["scan.pdf"].action == "no-text"
    assert by_name["broken.pdf"].action == "failed"
    assert by_name["empty.pdf"].action == "failed"
    assert "empty" in by_name["empty.pdf"].reason
    assert (report.indexed, report.failed) == (2, 4)
    assert "password" in report.summary()

    records = {os.path.basename(r.path): r for r in library.documents()}
    animals = records["animals.pdf"]
    assert (animals.title, animals.author, animals.pages) == ("Animal facts", "R. Zoo", 3)
    assert records["lease.pdf"].title == "lease"  # no metadata: the file name
    assert records["scan.pdf"].status == "no-text"
    assert records["scan.pdf"].error.startswith("No text (scanned)")
    assert all(r.path == os.path.abspath(r.path) for r in records.values())
    assert library.store.page_text(animals.id, 3).startswith("The axolotl")


def test_password_unlocks_an_encrypted_pdf(tmp_path, library):
    locked = make_pdf(
        tmp_path / "locked.pdf",
        ["Quarterly revenue rose by nine percent."],
        user_password="hunter2",
    )
    assert library.index([locked]).outcomes[0].action == "needs-password"
    wrong = library.index([locked], password="nope").outcomes[0]
    assert wrong.action == "needs-password" and "wrong" in wrong.reason
    assert library.index([locked], password="hunter2").outcomes[0].action == "updated"
    (record,) = library.documents()
    assert record.status == "indexed"
    assert library.search("revenue growth", k=1)[0].page_start == 1


def test_owner_password_only_pdf_is_indexed_without_asking(tmp_path, library):
    pdf = make_pdf(
        tmp_path / "owner.pdf", ["Printing is allowed but editing is not."], owner_password="boss"
    )
    assert library.index([pdf]).outcomes[0].action == "indexed"


def _must_not_run(name):
    def refuse(*args, **kwargs):
        raise AssertionError(f"{name} was called")

    return refuse


def test_reindex_unchanged_changed_and_moved(tmp_path, library, monkeypatch):
    pdf = make_pdf(tmp_path / "a.pdf", ANIMALS)
    first = library.index([pdf]).outcomes[0]
    assert first.action == "indexed" and first.chunks >= 1

    with monkeypatch.context() as patch:  # an unchanged file is neither read nor embedded
        patch.setattr(pdf_reader, "read_pdf", _must_not_run("read_pdf"))
        patch.setattr(pdf_reader, "page_count", _must_not_run("page_count"))
        patch.setattr(library.embedder, "embed", _must_not_run("embed"))
        patch.setattr(library.embedder, "embed_with_sentences", _must_not_run("embed"))
        patch.setattr(library.embedder, "token_spans", _must_not_run("token_spans"))
        again = library.index([pdf]).outcomes[0]
    assert again.action == "unchanged" and again.document_id == first.document_id

    make_pdf(pdf, ["A completely different text about volcanoes and magma."])
    changed = library.index([pdf]).outcomes[0]
    assert changed.action == "updated" and changed.document_id == first.document_id
    assert library.search("volcano", k=1)[0].document_id == first.document_id
    assert not [h for h in library.search("walrus clams", k=5) if "walrus" in h.text]

    moved_to = tmp_path / "archive" / "b.pdf"
    moved_to.parent.mkdir()
    shutil.move(pdf, moved_to)
    moved = library.index([moved_to]).outcomes[0]
    assert moved.action == "moved" and moved.document_id == first.document_id
    (record,) = library.documents()
    assert record.path == str(moved_to)

    copy = tmp_path / "copy.pdf"
    shutil.copy(moved_to, copy)
    duplicate = library.index([copy]).outcomes[0]
    assert duplicate.action == "unchanged" and "same file" in duplicate.reason
    assert len(library.documents()) == 1


def test_search_filters_by_document_and_reports_pages(tmp_path, library):
    a = make_pdf(tmp_path / "animals.pdf", ANIMALS, title="Animals")
    b = make_pdf(
        tmp_path / "more.pdf", ["Walruses also haul out on ice floes to rest."], title="More"
    )
    library.index([a, b])
    hits = library.search("walrus", k=5)
    assert {h.title for h in hits} == {"Animals", "More"}
    more = library.resolve(str(b))
    only = library.search("walrus", k=5, document_ids=[more.id])
    assert only and all(h.document_id == more.id for h in only)
    axolotl = library.search("which amphibian regenerates its limbs", k=1)[0]
    # Three one-line pages share a chunk; the hit still points at the page that answers.
    assert (axolotl.title, axolotl.page_start, axolotl.page_end) == ("Animals", 1, 3)
    assert axolotl.page == 3
    emperor = library.search("birds that nest in the polar winter", k=1)[0]
    assert emperor.page == 2


def test_remove_by_id_and_path(tmp_path, library):
    a = make_pdf(tmp_path / "a.pdf", ANIMALS)
    b = make_pdf(tmp_path / "b.pdf", ["Rent is due monthly."])
    library.index([a, b])
    library.remove(str(library.resolve(str(a)).id))
    library.remove(str(b))
    assert library.documents() == []
    assert library.store.chunk_count() == 0
    assert library.search("walrus", k=3) == []
    with pytest.raises(InputError):
        library.remove("99")


def test_missing_path_and_empty_folder_are_clear_errors(tmp_path, library):
    with pytest.raises(InputError, match="No such file"):
        library.index([tmp_path / "nope.pdf"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="No documents found"):
        library.index([tmp_path / "empty"])


def test_data_dir_that_cannot_be_created_is_a_clear_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way")
    with pytest.raises(DataDirError, match="cannot create"):
        Library(blocker / "data")


def _as_an_ordinary_user(monkeypatch, read_only: Path) -> None:
    """Root may write anywhere, so where the tests run as root, what the kernel answers an
    ordinary user inside `read_only` is simulated: EACCES from mkdir, and no write permission
    from access()."""
    if os.geteuid() != 0:
        return  # the real permissions apply
    real_mkdir, real_access = os.mkdir, os.access

    def inside(path) -> bool:
        return Path(path).resolve().is_relative_to(read_only)

    def mkdir(path, *args, **kwargs):
        if inside(path):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_mkdir(path, *args, **kwargs)

    def access(path, mode, *args, **kwargs):
        if inside(path) and mode & os.W_OK:
            return False
        return real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", mkdir)
    monkeypatch.setattr(os, "access", access)


def test_read_only_data_dir_is_a_clear_error(tmp_path, monkeypatch):
    ro = tmp_path / "ro"
    ro.mkdir(mode=0o500)
    _as_an_ordinary_user(monkeypatch, ro.resolve())
    with pytest.raises(DataDirError) as info:
        Library(ro / "data")
    assert str(info.value) == (
        f"DocNook cannot create its data folder {ro / 'data'}: Permission denied."
    )
    assert not (ro / "data").exists()


def test_existing_read_only_data_dir_is_a_clear_error(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    data.chmod(0o500)
    _as_an_ordinary_user(monkeypatch, data.resolve())
    with pytest.raises(DataDirError) as info:
        Library(data)
    message = str(info.value)
    assert message.startswith(f"DocNook's data folder {data} is not writable.")
    assert "DOCNOOK_DATA_DIR" in message and "\n" not in message


def test_read_only_index_file_is_a_clear_error(tmp_path, monkeypatch):
    data = tmp_path / "data"
    with Library(data):
        pass
    index = data / "library.sqlite3"
    index.chmod(0o400)
    if os.geteuid() == 0:
        # Root may write a read-only file: SQLite's answer to an ordinary user is simulated.
        def connect(*args, **kwargs):
            raise store_module.sqlite_module.OperationalError(
                "attempt to write a readonly database"
            )

        monkeypatch.setattr(store_module.sqlite_module, "connect", connect)
    with pytest.raises(StorageError) as info:
        Library(data)
    assert str(info.value) == f"The index {index} is read-only. Check the folder's permissions."


def test_cancel_keeps_whole_documents_only(tmp_path, library):
    for n in range(4):
        make_pdf(tmp_path / f"doc{n}.pdf", [f"Document {n} page {p}. " * 40 for p in range(6)])
    cancel = CancelToken()
    seen = []

    def progress(p):
        seen.append(p)
        if p.files_done >= 1:
            cancel.cancel()

    report = library.index([tmp_path], progress=progress, cancel=cancel)
    assert report.cancelled
    assert 1 <= report.indexed < 4
    assert len(library.documents()) == report.indexed
    for record in library.documents():
        assert library.store.chunk_count(record.id) > 0
        assert len(library.store.page_texts(record.id)) == record.pages
    rest = library.index([tmp_path])
    assert rest.indexed == 4 - report.indexed and not rest.cancelled
    assert seen[-1].pages_total > 0


def test_index_file_is_private_and_in_wal_mode(tmp_path, data_dir, library):
    library.index([make_pdf(tmp_path / "a.pdf", ANIMALS)])
    assert (data_dir.stat().st_mode & 0o777) == 0o700
    index_file = data_dir / "library.sqlite3"
    assert (index_file.stat().st_mode & 0o777) == 0o600
    conn = sqlite3.connect(index_file)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
