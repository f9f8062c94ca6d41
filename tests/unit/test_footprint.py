"""What DocNook keeps and deleting it (`docnook.footprint`, `docnook privacy`), on folders made
here: every kind is listed with its size, deleting takes exactly DocNook's own names, follows no
link, leaves anything else alone, and refuses while another process has the library open."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from docnook import cli, footprint

MODEL_FILE = "gemma-3-270m-q4_k_m.gguf"


def _write(path: Path, size: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    return path


@pytest.fixture
def dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A data folder and a cache folder holding one of everything DocNook makes (the cache is
    a temporary one too: these tests must never touch the real embedding model)."""
    data, cache = tmp_path / "data", tmp_path / "cache"
    monkeypatch.setenv("DOCNOOK_DATA_DIR", str(data))
    monkeypatch.setenv("DOCNOOK_CACHE_DIR", str(cache))
    _write(data / "library.sqlite3", 4000)
    _write(data / "library.sqlite3-wal", 1000)
    _write(data / "library.sqlite3-shm", 500)
    _write(data / "models" / MODEL_FILE, 20_000)
    _write(data / "settings.json", 100)
    _write(data / "logs" / "docnook.log", 300)
    _write(data / "logs" / "docnook.log.1", 200)
    _write(data / "window.ini", 50)
    _write(cache / "models" / "minilm-onnx-0123456789abcdef" / "model.onnx", 9000)
    _write(cache / "models" / "minilm-onnx-0123456789abcdef" / "build.json", 10)
    _write(cache / "style" / "light" / "down.svg", 40)
    added = _write(tmp_path / "mine" / "my-model.gguf", 7000)
    catalog = {"models": [{"name": "my-model", "path": str(added)}]}
    (data / "models" / "catalog.json").write_text(json.dumps(catalog))
    return data, cache


def _by_key(found: footprint.Footprint) -> dict[str, footprint.Location]:
    return {loc.key: loc for loc in found.locations}


def test_every_kind_of_file_is_listed_with_its_size(dirs) -> None:
    data, cache = dirs
    found = footprint.footprint()
    assert (found.data_dir, found.cache_dir) == (data, cache)
    kinds = _by_key(found)
    assert kinds["index"].size == 5500 and kinds["index"].files == 3
    assert kinds["models"].files == 2  # the model copy and catalog.json
    assert kinds["settings"].size == 100
    assert kinds["logs"].size == 500 and kinds["logs"].files == 2
    assert kinds["window"].size == 50
    assert kinds["embedding-model"].size == 9010
    assert kinds["style"].size == 40
    assert all(kinds[k].deletable for k in ("index", "models", "logs", "embedding-model"))
    added = kinds["added-model"]
    assert not added.deletable and added.size == 7000 and "my-model" in added.title
    assert "other-data" not in kinds
    catalog_size = (data / "models" / "catalog.json").stat().st_size
    assert found.total_bytes == 5500 + 20_000 + catalog_size + 100 + 500 + 50 + 9010 + 40
    shown = json.loads(json.dumps(found.as_json()))
    assert shown["network"]["guard_installed"] is True
    assert {loc["key"] for loc in shown["locations"]} >= {"index", "models", "embedding-model"}


def test_nothing_is_created_by_looking(tmp_path: Path) -> None:
    found = footprint.footprint(tmp_path / "none", tmp_path / "nothing")
    assert found.total_bytes == 0 and not any(loc.exists for loc in found.locations)
    assert not (tmp_path / "none").exists() and not (tmp_path / "nothing").exists()


def test_delete_all_takes_docnooks_files_and_nothing_else(dirs, tmp_path: Path) -> None:
    data, cache = dirs
    outside = _write(tmp_path / "outside" / "precious.txt", 10)
    (tmp_path / "outside" / "library.sqlite3").write_text("not DocNook's")
    # Links where DocNook keeps files: removed themselves, what they point to is not touched.
    (data / "logs" / "docnook.log.2").symlink_to(outside)
    (cache / "style" / "dark").symlink_to(tmp_path / "outside", target_is_directory=True)
    # Not DocNook's: left alone (and listed).
    notes = _write(data / "notes.txt", 5)
    stray = _write(data / "models" / "someone-elses.gguf", 5)

    kinds = _by_key(footprint.footprint())
    assert {str(p) for p in kinds["other-data"].members} == {str(notes), str(stray)}
    report = footprint.delete_all()

    assert outside.read_text() == "x" * 10
    assert (tmp_path / "outside" / "library.sqlite3").exists()
    assert (tmp_path / "mine" / "my-model.gguf").exists()  # an added model is the person's
    assert notes.exists() and stray.exists()
    assert set(report.left) == {notes, stray}
    assert report.failed == ()
    remaining = sorted(str(p.relative_to(data)) for p in data.rglob("*"))
    assert remaining == ["models", "models/someone-elses.gguf", "notes.txt"]
    assert not cache.exists()  # nothing else was there, so the folder went too
    assert report.freed_bytes >= 5500 + 20_000 + 9010
    after = footprint.footprint()
    assert after.total_bytes == 0


def test_a_linked_folder_is_not_looked_into(dirs, tmp_path: Path) -> None:
    data, _cache = dirs
    elsewhere = tmp_path / "elsewhere"
    _write(elsewhere / "docnook.log", 10)
    for log in (data / "logs").iterdir():
        log.unlink()
    (data / "logs").rmdir()
    (data / "logs").symlink_to(elsewhere, target_is_directory=True)
    assert not _by_key(footprint.footprint())["logs"].exists
    footprint.delete_all()
    assert (elsewhere / "docnook.log").exists()


def test_delete_all_refuses_while_another_process_has_the_library_open(tmp_path: Path) -> None:
    data, cache = tmp_path / "data", tmp_path / "cache"
    data.mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                from pathlib import Path
                from docnook.index.store import Store
                store = Store(Path({str(data / "library.sqlite3")!r}))
                print("open", flush=True)
                sys.stdin.readline()
                store.close()
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        assert footprint.index_in_use_elsewhere(data)
        with pytest.raises(footprint.DataInUse, match="Nothing was deleted"):
            footprint.delete_all(data, cache)
        assert (data / "library.sqlite3").exists()
    finally:
        holder.communicate("\n", timeout=30)
    assert not footprint.index_in_use_elsewhere(data)
    footprint.delete_all(data, cache)
    assert not data.exists()


def test_sizes_read_like_a_file_manager() -> None:
    assert footprint.format_size(0) == "0 bytes"
    assert footprint.format_size(999) == "999 bytes"
    assert footprint.format_size(1234) == "1.2 kB"
    assert footprint.format_size(253_000_000) == "253 MB"
    assert footprint.format_size(4_200_000_000) == "4.2 GB"


# -- the command --------------------------------------------------------------------------


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_privacy_command_lists_and_counts(dirs, capsys) -> None:
    data, cache = dirs
    code, out, _ = run(capsys, "privacy")
    assert code == 0
    assert "Library index and chat history" in out and str(data / "library.sqlite3") in out
    assert "Embedding model (built here)" in out and str(cache / "models") in out
    assert "Added model my-model (yours, kept)" in out
    assert "DocNook makes no network connections;" in out and "blocked attempt" in out
    code, out, _ = run(capsys, "privacy", "--json")
    shown = json.loads(out)
    assert code == 0 and shown["data_dir"] == str(data)
    assert shown["total_bytes"] == footprint.footprint().total_bytes


def test_delete_all_needs_yes_without_a_terminal_then_deletes(dirs, capsys) -> None:
    data, cache = dirs
    code, _, err = run(capsys, "privacy", "--delete-all")
    assert code == 1 and "needs --yes" in err and "Nothing was deleted" in err
    assert (data / "library.sqlite3").exists()
    code, out, _ = run(capsys, "privacy", "--delete-all", "--yes", "--json")
    report = json.loads(out)
    assert code == 0 and report["deleted_files"] == 12 and report["failed"] == []
    assert not (data / "library.sqlite3").exists() and not cache.exists()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("answer", "deleted"), [("n\n", False), ("", False), ("yes\n", True)])
def test_delete_all_asks_on_a_terminal(dirs, capsys, monkeypatch, answer, deleted) -> None:
    data, _ = dirs
    monkeypatch.setattr(sys, "stdin", _Terminal(answer))
    code, out, _ = run(capsys, "privacy", "--delete-all")
    assert "Delete all of DocNook's data" in out and "[y/N]" in out
    assert (code == 0) is deleted
    assert (data / "library.sqlite3").exists() is not deleted
    assert ("Nothing was deleted." in out) is not deleted


def test_commands_run_with_a_private_umask_that_is_then_restored(
    data_dir: Path, capsys, monkeypatch, tmp_path: Path
) -> None:
    modes: list[int] = []

    def command(args) -> int:
        written = tmp_path / "written-by-a-command"
        written.write_text("whoever writes it, with whatever mode")
        modes.append(written.stat().st_mode & 0o777)
        return 0

    before = os.umask(0o022)
    try:
        code, _, _ = run(capsys, "docs")  # the real command: creates the library
        assert code == 0 and os.umask(0o022) == 0o022  # main() put the caller's mask back
        monkeypatch.setattr(cli, "cmd_docs", command)
        assert run(capsys, "docs")[0] == 0 and os.umask(0o022) == 0o022
    finally:
        os.umask(before)
    assert modes == [0o600]
    assert data_dir.stat().st_mode & 0o777 == 0o700
    for path in data_dir.rglob("*"):
        assert path.stat().st_mode & 0o777 == (0o700 if path.is_dir() else 0o600), path
