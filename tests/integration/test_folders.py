"""Watched folders on real PDFs, the real index and the real embedding model: files added,
changed, renamed, moved and deleted between passes, through the service and the CLI."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from test_cli import docnook

from docnook.errors import InputError
from docnook.folders import FolderService
from docnook.index import analyses
from docnook.ingest.scan import SETTLE_SECONDS
from docnook.library import Library
from pdfmaker import make_pdf

pytestmark = pytest.mark.slow


def settled(*paths: Path) -> None:
    """Age files past the settle time, as if written a minute ago."""
    past = time.time() - 60
    for path in paths:
        os.utime(path, (past, past))


def write_pdf(path: Path, text: str) -> Path:
    make_pdf(path, [text], title=path.stem)
    settled(path)
    return path


@pytest.fixture
def library(data_dir, embedder):
    lib = Library(data_dir, embedder=embedder)
    yield lib
    lib.close()


def titles(library: Library) -> set[str]:
    return {Path(r.path).name for r in library.documents()}


def test_a_watched_folder_follows_adds_changes_moves_and_deletes(tmp_path, library, monkeypatch):
    docs = tmp_path / "docs"
    write_pdf(docs / "walrus.pdf", "The walrus feeds on clams dug from the Arctic sea floor.")
    write_pdf(docs / "sub" / "penguin.pdf", "Emperor penguins keep the egg warm all winter.")
    write_pdf(docs / "axolotl.pdf", "The axolotl regrows lost limbs and parts of its heart.")
    service = FolderService(library)

    first = service.add_and_sync([docs])
    assert sorted(Path(p).name for p in first.added) == ["axolotl.pdf", "penguin.pdf", "walrus.pdf"]
    (watched,) = service.folders()
    assert (watched.path, watched.state, watched.documents) == (str(docs), "watching", 3)
    axolotl = library.resolve(str(docs / "axolotl.pdf"))
    key = analyses.AnalysisKey("summary", axolotl.sha256, "model", "v1")
    analyses.put_analysis(library.store, key, {"summary": "Limbs regrow."})

    # Nothing changed: nothing is even hashed.
    monkeypatch.setattr(
        "docnook.library.sha256_file", lambda *_: pytest.fail("an unchanged file was hashed")
    )
    again = service.sync()
    assert (again.unchanged, again.changed_anything) == (3, False)
    monkeypatch.undo()

    walrus_id = library.resolve(str(docs / "walrus.pdf")).id
    (docs / "walrus.pdf").rename(docs / "sub" / "walrus-renamed.pdf")  # moved and renamed
    (docs / "axolotl.pdf").unlink()
    write_pdf(docs / "sub" / "penguin.pdf", "Penguins dive for krill under the pack ice.")
    write_pdf(docs / "new" / "lemur.pdf", "Ring-tailed lemurs live only on Madagascar.")
    embedded: list[int] = []
    real_embed = library.embedder.embed_with_sentences  # what indexing calls
    monkeypatch.setattr(
        library.embedder,
        "embed_with_sentences",
        lambda texts, *a, **k: embedded.append(len(texts)) or real_embed(texts, *a, **k),
    )

    report = service.sync()
    assert [Path(p).name for p in report.added] == ["lemur.pdf"]
    assert [Path(p).name for p in report.changed] == ["penguin.pdf"]
    assert report.moved == [(str(docs / "walrus.pdf"), str(docs / "sub" / "walrus-renamed.pdf"))]
    assert report.removed == [str(docs / "axolotl.pdf")]
    assert len(embedded) == 2  # the new and the changed file; the move cost no embedding
    assert titles(library) == {"walrus-renamed.pdf", "penguin.pdf", "lemur.pdf"}
    assert library.resolve(str(docs / "sub" / "walrus-renamed.pdf")).id == walrus_id
    assert library.store.query("SELECT count(*) FROM analyses")[0][0] == 0  # left with its file

    def found(query: str) -> set[str]:
        return {Path(h.path).name for h in library.search(query, k=3, mode="bm25")}

    assert "lemur.pdf" in found("lemurs Madagascar")
    assert "walrus-renamed.pdf" in found("walrus clams")
    assert found("axolotl limbs") == set()
    assert found("krill") == {"penguin.pdf"}
    assert found("egg warm winter") == set()  # the old version of the changed file is gone
    chunks = library.store.query("SELECT count(*), count(DISTINCT document_id) FROM chunks")[0]
    assert chunks[1] == 3  # each file indexed once


def test_files_still_being_written_wait_for_the_next_pass(tmp_path, library):
    docs = tmp_path / "docs"
    make_pdf(docs / "fresh.pdf", ["Written a moment ago."])
    service = FolderService(library)
    service.add(docs)
    report = service.sync(settle=True)
    assert (report.added, report.pending) == ([], [str(docs / "fresh.pdf")])
    later = service.sync(settle=True, now=time.time() + SETTLE_SECONDS + 1)
    assert later.added == [str(docs / "fresh.pdf")]


def test_a_folder_that_is_gone_keeps_its_documents(tmp_path, library):
    docs = tmp_path / "drive" / "docs"
    write_pdf(docs / "a.pdf", "Minutes of the allotment society.")
    service = FolderService(library)
    service.add_and_sync([docs])
    shutil.move(tmp_path / "drive", tmp_path / "unplugged")
    report = service.sync()
    assert (report.removed, report.missing_folders) == ([], [str(docs)])
    assert service.folders()[0].state == "missing"
    assert len(library.documents()) == 1


def test_removing_a_folder_removes_its_documents_unless_kept(tmp_path, library):
    one, two = tmp_path / "one", tmp_path / "two"
    write_pdf(one / "a.pdf", "Alpha document about ferns.")
    write_pdf(two / "b.pdf", "Beta document about mosses.")
    service = FolderService(library)
    service.add_and_sync([one, two])
    assert service.remove(one)[1] == 1
    assert titles(library) == {"b.pdf"}
    assert service.remove(two, keep_documents=True)[1] == 0
    assert titles(library) == {"b.pdf"}
    assert service.folders() == []
    with pytest.raises(InputError, match="not a watched folder"):
        service.remove(two)
    with pytest.raises(InputError, match="No such folder"):
        service.add(tmp_path / "nowhere")


def test_the_cli_follows_a_folder_while_docnook_is_not_running(tmp_path, data_dir):
    docs = tmp_path / "docs"
    write_pdf(docs / "walrus.pdf", "The walrus feeds on clams dug from the Arctic sea floor.")
    write_pdf(docs / "axolotl.pdf", "The axolotl regrows lost limbs and parts of its heart.")
    added = json.loads(docnook("folders", "add", str(docs), "--json", data_dir=data_dir).stdout)
    assert len(added["added"]) == 2
    listed = json.loads(docnook("folders", "--json", data_dir=data_dir).stdout)
    assert [(f["path"], f["state"], f["documents"]) for f in listed] == [(str(docs), "watching", 2)]

    (docs / "walrus.pdf").rename(docs / "walrus-2.pdf")
    (docs / "axolotl.pdf").unlink()
    write_pdf(docs / "lemur.pdf", "Ring-tailed lemurs live only on Madagascar.")
    text = docnook("sync", data_dir=data_dir).stdout
    assert "1 added, 0 changed, 1 moved, 1 removed" in text
    assert f"moved    {docs / 'walrus.pdf'} -> {docs / 'walrus-2.pdf'}" in text
    listed = json.loads(docnook("docs", "--json", data_dir=data_dir).stdout)
    assert sorted(Path(d["path"]).name for d in listed) == ["lemur.pdf", "walrus-2.pdf"]
    hits = json.loads(
        docnook("search", "Madagascar lemurs", "-k", "1", "--json", data_dir=data_dir).stdout
    )
    assert Path(hits[0]["path"]).name == "lemur.pdf"

    quiet = json.loads(docnook("sync", "--json", data_dir=data_dir).stdout)
    assert (quiet["added"], quiet["removed"], quiet["unchanged"]) == ([], [], 2)
    gone = docnook("folders", "remove", str(docs), data_dir=data_dir).stdout
    assert "2 documents left the library" in gone
    assert json.loads(docnook("docs", "--json", data_dir=data_dir).stdout) == []
    bad = docnook("folders", "add", str(tmp_path / "nowhere"), data_dir=data_dir, check=False)
    assert bad.returncode == 1 and bad.stderr.startswith("docnook: No such folder")
