"""The `docnook` command as a script would use it: real processes, JSON out, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from pdfmaker import make_pdf

pytestmark = pytest.mark.slow


def docnook(*args: str, data_dir, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "DOCNOOK_DATA_DIR": str(data_dir)}
    result = subprocess.run(
        [sys.executable, "-m", "docnook", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert "Traceback" not in result.stderr, result.stderr
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_index_docs_search_remove_json_contract(tmp_path, data_dir):
    docs = tmp_path / "docs"
    make_pdf(
        docs / "lease.pdf",
        [
            "Parties and premises.",
            "The tenant pays rent of 900 euros on the first day of each month.",
            "Termination requires three months notice.",
        ],
        title="Lease agreement",
    )
    make_pdf(docs / "locked.pdf", ["Board minutes."], user_password="pw")

    report = json.loads(docnook("index", str(docs), "--json", data_dir=data_dir).stdout)
    assert (report["indexed"], report["failed"]) == (1, 1)

    listed = json.loads(docnook("docs", "--json", data_dir=data_dir).stdout)
    assert {d["status"] for d in listed} == {"indexed", "needs-password"}
    for doc in listed:
        assert {"id", "path", "title", "pages", "status", "error"} <= set(doc)
        assert os.path.isabs(doc["path"])
    lease = next(d for d in listed if d["status"] == "indexed")
    assert (lease["title"], lease["pages"], lease["error"]) == ("Lease agreement", 3, None)
    locked = next(d for d in listed if d["status"] == "needs-password")
    assert "password" in locked["error"]

    hits = json.loads(
        docnook(
            "search", "how much is the monthly rent", "-k", "2", "--json", data_dir=data_dir
        ).stdout
    )
    assert hits and {"path", "title", "page_start", "page_end", "score", "text"} <= set(hits[0])
    assert hits[0]["title"] == "Lease agreement" and hits[0]["page"] == 2
    assert hits[0]["score"] >= hits[-1]["score"]

    scoped = json.loads(
        docnook("search", "rent", "--doc", str(lease["id"]), "--json", data_dir=data_dir).stdout
    )
    assert all(h["path"] == lease["path"] for h in scoped)

    text = docnook("search", "notice period", data_dir=data_dir).stdout
    assert "Lease agreement, p." in text

    again = docnook("index", str(docs), data_dir=data_dir).stdout
    assert again.startswith("0 indexed, 2 unchanged, 0 failed")

    unlocked = json.loads(
        docnook(
            "index", str(docs / "locked.pdf"), "--password", "pw", "--json", data_dir=data_dir
        ).stdout
    )
    assert unlocked["indexed"] == 1

    removed = json.loads(docnook("remove", str(lease["id"]), "--json", data_dir=data_dir).stdout)
    assert removed[0]["id"] == lease["id"]
    assert len(json.loads(docnook("docs", "--json", data_dir=data_dir).stdout)) == 1


def test_bad_arguments_give_a_message_and_a_non_zero_exit(tmp_path, data_dir):
    missing = docnook("index", str(tmp_path / "nowhere"), data_dir=data_dir, check=False)
    assert missing.returncode == 1 and "No such file or folder" in missing.stderr

    (tmp_path / "empty").mkdir()
    empty = docnook("index", str(tmp_path / "empty"), data_dir=data_dir, check=False)
    assert empty.returncode == 1 and "No documents found" in empty.stderr

    blocker = tmp_path / "file"
    blocker.write_text("")
    bad_dir = docnook("docs", data_dir=blocker / "data", check=False)
    assert bad_dir.returncode == 1 and "cannot create its data folder" in bad_dir.stderr

    unknown = docnook("remove", "42", data_dir=data_dir, check=False)
    assert unknown.returncode == 1 and "No document" in unknown.stderr
