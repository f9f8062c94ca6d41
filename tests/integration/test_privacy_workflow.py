"""DocNook makes no network connection, proven on the whole workflow with the real models.

- In-process: index, search, ask, summarize and sentiment through `docnook.cli.main`, with the
  network guard counting every attempt; then the guard itself is shown to refuse and record.
- In a network namespace with no network at all (`unshare -n`): the CLI as separate processes,
  so native code that the guard cannot see has nothing to reach either.
- As separate processes with a clean environment: the guard is in before any model library is
  imported, ONNX Runtime keeps no telemetry queue, and nothing lands in the home folder.
- The files a real run leaves are readable only by the user.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import socket
import stat
import subprocess
import sys
import textwrap
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from docnook import cli, paths, privacy
from docnook.config import Settings, save_settings
from docnook.index import onnx_model
from docnook.index.embedder import bundled_model_path
from importwatch import clean_env, import_watch_env, imports_seen
from pdfmaker import make_pdf

pytestmark = pytest.mark.slow

PAGES = [
    "The island ferry. The first ferry to Sandvik leaves the harbour at half past six in the "
    "morning and the last one returns at ten at night. Bicycles travel free of charge.",
    "Tickets and prices. A return ticket costs nine crowns for adults; children under ten "
    "travel free. Tickets are sold on board and at the harbour kiosk.",
]
QUESTION = "When does the first ferry leave?"


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(argv))
    return code, out.getvalue(), err.getvalue()


def _json(*argv: str) -> Any:
    code, out, err = _cli(*argv, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture(scope="module")
def workflow(tmp_path_factory: pytest.TempPathFactory, embedder) -> dict[str, Any]:
    """The whole command-line workflow, once, in this process, on a fresh data folder."""
    root = tmp_path_factory.mktemp("privacy")
    pdf = make_pdf(root / "ferry.pdf", PAGES, title="Ferry guide")
    data = root / "data"
    save_settings(data, Settings(n_ctx=512, n_threads=1))
    before = len(privacy.blocked_attempts())
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(paths.DATA_DIR_ENV, str(data))
        results = {
            "index": _json("index", str(pdf)),
            "search": _json("search", "first ferry harbour", "-k", "2"),
            "ask": _json("ask", QUESTION),
            "summarize": _json("summarize", str(pdf)),
            "sentiment": _json("sentiment", str(pdf)),
            "privacy": _json("privacy"),
        }
    results["attempts"] = privacy.blocked_attempts()[before:]
    results["data"] = data
    return results


def test_the_whole_workflow_works_and_attempts_no_connection(workflow) -> None:
    assert workflow["index"]["indexed"] == 1
    assert workflow["search"][0]["title"] == "Ferry guide"
    answer = workflow["ask"]
    assert answer["found"] is True and answer["citations"][0]["page"] == 1
    assert workflow["summarize"]["summary"].strip()
    assert [p["page"] for p in workflow["sentiment"]["pages"]] == [1, 2]
    assert workflow["attempts"] == []
    shown = workflow["privacy"]
    assert shown["network"]["guard_installed"] is True
    index = next(loc for loc in shown["locations"] if loc["key"] == "index")
    assert index["exists"] and index["size_bytes"] > 0


def test_the_guard_refuses_and_records_every_kind_of_attempt() -> None:
    """The zero above means something: the same process refuses real attempts and counts them
    (these are the only ones this test run makes, and they are accounted for here)."""
    assert privacy.guard_installed()
    before = len(privacy.blocked_attempts())
    for family, target in (
        (socket.AF_INET, ("127.0.0.1", 9)),
        (socket.AF_INET, ("93.184.216.34", 80)),
        (socket.AF_INET6, ("::1", 9)),
    ):
        with (
            socket.socket(family, socket.SOCK_STREAM) as sock,
            pytest.raises(privacy.NetworkBlocked, match="does not use the network"),
        ):
            sock.connect(target)
    with (
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock,
        pytest.raises(privacy.NetworkBlocked),
    ):
        sock.sendto(b"x", ("8.8.8.8", 53))
    with pytest.raises(privacy.NetworkBlocked):
        socket.getaddrinfo("huggingface.co", 443)
    with pytest.raises(urllib.error.URLError) as caught:
        urllib.request.urlopen("https://huggingface.co/api/models", timeout=2)
    assert isinstance(caught.value.reason, privacy.NetworkBlocked)

    made = privacy.blocked_attempts()[before:]
    assert [a.event for a in made] == [
        "socket.connect",
        "socket.connect",
        "socket.connect",
        "socket.sendto",
        "socket.getaddrinfo",
        "socket.getaddrinfo",
    ]
    assert "93.184.216.34" in made[1].target and "huggingface.co" in made[4].target
    # Local IPC is not network: a Unix socket pair still works.
    left, right = socket.socketpair()
    with left, right:
        left.sendall(b"ok")
        assert right.recv(2) == b"ok"
    shown = _json("privacy")
    assert shown["network"]["blocked_attempts"] == len(privacy.blocked_attempts())


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_what_a_real_run_leaves_is_readable_only_by_the_user(workflow) -> None:
    data: Path = workflow["data"]
    assert _mode(data) == 0o700
    files = [p for p in data.rglob("*") if p.is_file()]
    names = {str(p.relative_to(data)) for p in files}
    assert {"library.sqlite3", "settings.json", "models/catalog.json"} <= names
    assert any(n.startswith("models/") and n.endswith(".gguf") for n in names), names
    for path in data.rglob("*"):
        assert _mode(path) == (0o700 if path.is_dir() else 0o600), path
    # The embedding model built from the bundled one, in the cache folder.
    built = onnx_model.model_dir(bundled_model_path())
    for folder in (paths.cache_dir(), built.parent, built):
        assert _mode(folder) == 0o700, folder
    for path in built.iterdir():
        assert _mode(path) == 0o600, path


# -- separate processes -------------------------------------------------------------------


def _network_namespace() -> list[str] | None:
    """The command prefix that runs a program with no network at all, where there is one."""
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return None
    for prefix in (["unshare", "--net"], ["unshare", "--map-root-user", "--net"]):
        probe = subprocess.run([*prefix, "true"], capture_output=True, timeout=30)
        if probe.returncode == 0:
            return prefix
    return None


def test_the_cli_workflow_works_with_no_network_at_all(tmp_path: Path) -> None:
    prefix = _network_namespace()
    if prefix is None:
        pytest.skip("unshare cannot make a network namespace here (not Linux, or not allowed)")
    pdf = make_pdf(tmp_path / "ferry.pdf", PAGES, title="Ferry guide")
    data = tmp_path / "data"
    save_settings(data, Settings(n_ctx=512, n_threads=1))
    env = clean_env(**{paths.DATA_DIR_ENV: str(data)})

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [*prefix, sys.executable, *argv], env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stderr
        return done

    probe = textwrap.dedent(
        """
        import socket
        sock = socket.socket()
        sock.settimeout(3)
        try:
            sock.connect(("1.1.1.1", 53))
        except OSError as exc:
            print("unreachable", exc.errno)
        else:
            print("connected")
        """
    )
    assert run("-c", probe).stdout.startswith("unreachable")  # the namespace is really bare
    assert json.loads(run("-m", "docnook", "index", str(pdf), "--json").stdout)["indexed"] == 1
    hits = json.loads(run("-m", "docnook", "search", "ferry", "--json").stdout)
    assert hits and hits[0]["title"] == "Ferry guide"
    answer = json.loads(run("-m", "docnook", "ask", QUESTION, "--json").stdout)
    assert answer["found"] is True
    assert answer["citations"] and answer["citations"][0]["page"] == 1


def test_model_libraries_are_imported_only_after_the_guard(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "ferry.pdf", PAGES[:1], title="Ferry guide")
    env, log = import_watch_env(tmp_path, **{paths.DATA_DIR_ENV: str(tmp_path / "data")})
    for argv in (["index", str(pdf)], ["settings"]):
        done = subprocess.run(
            [sys.executable, "-m", "docnook", *argv],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
    seen: dict[str, bool] = {}
    for process in imports_seen(log):
        seen.update(process["seen"])
    assert {"onnxruntime", "tokenizers", "llama_cpp"} <= set(seen), seen
    assert all(seen.values()), f"imported before the guard: {seen}"
    # ONNX Runtime's telemetry keeps a device id and an event queue in the home folder unless
    # it is switched off; nothing at all is written there.
    home = tmp_path / "home"
    assert not (home / ".cache" / "Microsoft").exists()
    assert sorted(str(p.relative_to(home)) for p in home.rglob("*")) == []
