"""The assistant's CLI commands, in-process (`cli.main`) and, for Ctrl-C, as a real process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from docnook import cli
from docnook.config import Settings, save_settings
from docnook.library import Library
from docnook.llm.gpu import gpu_info
from pdfmaker import make_pdf

pytestmark = pytest.mark.slow

PAGES = [
    "The lighthouse of Eldvik was kept by Marta Olsen, who lit its lamp every night for forty "
    "years. Her logbooks record every passing ship and every storm. " * 3,
    "The harbor was built in 1871 by the merchant guild and has three granite piers. In 1923 "
    "a storm destroyed the northern pier, which was rebuilt in stone. " * 3,
]


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, embedder) -> tuple[Path, int]:
    root = tmp_path_factory.mktemp("cli")
    pdf = make_pdf(root / "eldvik.pdf", PAGES, title="Eldvik guide")
    data = root / "data"
    with Library(data, embedder) as lib:
        lib.index([pdf])
        (doc,) = lib.documents()
    save_settings(data, Settings(n_ctx=512, n_threads=1))
    return data, doc.id


def run(capsys, monkeypatch, data: Path, *argv: str) -> tuple[int, str, str]:
    monkeypatch.setenv("DOCNOOK_DATA_DIR", str(data))
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ask_json_and_text_and_chats(library, capsys, monkeypatch) -> None:
    data, doc_id = library
    code, out, _ = run(capsys, monkeypatch, data, "ask", "Who kept the lighthouse?", "--json")
    assert code == 0
    answer = json.loads(out)
    assert answer["found"] is True and answer["supported"] is True
    cited = answer["citations"][0]
    assert (cited["n"], cited["title"], cited["page"]) == (1, "Eldvik guide", 1)
    assert "Marta Olsen" in cited["quote"]
    chat_id = answer["chat_id"]
    # Read from llama.cpp's load: without a GPU (Auto, the default) nothing is offloaded.
    assert isinstance(answer["offloaded_layers"], int)
    if not gpu_info().available:
        assert answer["offloaded_layers"] == 0
    code, out, _ = run(
        capsys, monkeypatch, data, "ask", "Who kept the lighthouse?", "--doc", str(doc_id)
    )
    assert code == 0
    assert out.startswith("“") and "Marta Olsen" in out.split("\n")[0]  # the quote first
    assert "Sources:\n[1] Eldvik guide, p. 1" in out
    code, out, _ = run(
        capsys, monkeypatch, data, "ask", "How long did she do it?", "--chat", str(chat_id)
    )
    assert code == 0 and "forty years" in out
    code, out, _ = run(capsys, monkeypatch, data, "chats", "--json")
    mine = next(c for c in json.loads(out) if c["id"] == chat_id)
    assert mine["messages"] == 4 and mine["title"] == "Who kept the lighthouse?"
    code, out, _ = run(capsys, monkeypatch, data, "chats", str(chat_id))
    assert code == 0 and out.startswith("You: Who kept the lighthouse?")
    code, out, _ = run(capsys, monkeypatch, data, "ask", "What is the capital of Peru?")
    assert code == 0 and "don't say" in out and "Sources" not in out
    code, _, err = run(capsys, monkeypatch, data, "ask", "x?", "--doc", "999")
    assert code == 1 and "No document" in err
    code, _, err = run(capsys, monkeypatch, data, "ask", "x?", "--chat", "999")
    assert code == 1 and "No chat 999" in err


def test_sentiment_and_summarize_json(library, capsys, monkeypatch) -> None:
    data, doc_id = library
    code, out, _ = run(capsys, monkeypatch, data, "sentiment", str(doc_id), "--json")
    assert code == 0
    result = json.loads(out)
    assert set(result) == {"label", "scores", "pages"}
    assert set(result["scores"]) == {"positive", "neutral", "negative"}
    assert [p["page"] for p in result["pages"]] == [1, 2]
    code, out, _ = run(capsys, monkeypatch, data, "sentiment", str(doc_id))
    assert code == 0 and out.splitlines()[1].strip().startswith("p. 1")
    code, out, _ = run(capsys, monkeypatch, data, "summarize", str(doc_id), "--json")
    assert code == 0
    first = json.loads(out)
    assert set(first) == {"summary", "cached", "overview", "points", "length", "pages"}
    assert first["summary"] and first["points"] and first["length"] == "brief"
    assert all(set(p) == {"text", "pages"} and p["pages"] for p in first["points"])
    assert all(p["text"] in first["summary"] for p in first["points"])
    code, out, _ = run(capsys, monkeypatch, data, "summarize", str(doc_id), "--json")
    assert json.loads(out) == {**first, "cached": True}
    code, out, _ = run(
        capsys, monkeypatch, data, "summarize", str(doc_id), "--pages", "2", "--json"
    )
    part = json.loads(out)
    assert part["pages"] == [2, 2] and all(p["pages"] == [2] for p in part["points"])
    code, out, _ = run(capsys, monkeypatch, data, "summarize", str(doc_id), "--length", "detailed")
    assert code == 0 and out.startswith("Key points:\n- ") and "(p. 1)" in out
    code, _, err = run(capsys, monkeypatch, data, "summarize", str(doc_id), "--pages", "2-9")
    assert code == 1 and "Pages 2-9 are not in Eldvik guide, which has 2 pages" in err
    code, _, err = run(capsys, monkeypatch, data, "summarize", str(doc_id), "--pages", "x")
    assert code == 1 and "is not a page range" in err
    code, _, err = run(capsys, monkeypatch, data, "summarize", str(doc_id), "--section", "3")
    assert code == 1 and "has no section “3”. Its sections: none: it numbers no sections" in err


def test_models_and_settings(library, capsys, monkeypatch, tmp_path: Path) -> None:
    data, _ = library
    code, out, _ = run(capsys, monkeypatch, data, "models", "--json")
    assert code == 0
    (default,) = json.loads(out)
    assert default["name"] == "default" and default["in_use"] is True
    assert default["architecture"] == "gemma3" and default["has_chat_template"] is False
    code, out, _ = run(capsys, monkeypatch, data, "models")
    assert "* default" in out and "Q4_K_M" in out

    not_a_model = tmp_path / "notes.gguf"
    not_a_model.write_text("hello")
    code, _, err = run(capsys, monkeypatch, data, "models", "add", str(not_a_model))
    assert code == 1 and "not a GGUF" in err
    code, _, err = run(capsys, monkeypatch, data, "models", "use", "nope")
    assert code == 1 and "no model called 'nope'" in err

    code, out, _ = run(capsys, monkeypatch, data, "settings", "--json")
    shown = json.loads(out)
    assert shown["settings"]["n_ctx"] == 512 and "supports_offload" in shown["gpu"]
    assert shown["gpu"]["available"] is gpu_info().available
    assert all({"name", "memory_mb"} <= set(d) for d in shown["gpu"]["devices"])
    code, out, _ = run(capsys, monkeypatch, data, "settings", "set", "n_batch", "256")
    assert code == 0 and "n_batch       256" in out and gpu_info().describe() in out
    code, _, err = run(capsys, monkeypatch, data, "settings", "set", "n_ctx", "lots")
    assert code == 1 and "whole number" in err
    code, _, err = run(capsys, monkeypatch, data, "settings", "set", "colour", "red")
    assert code == 1 and "no setting" in err


def test_ctrl_c_cancels_a_summary(library, tmp_path: Path, embedder) -> None:
    data, _ = library
    pdf = make_pdf(tmp_path / "long.pdf", [p * 3 for p in PAGES] * 4, title="Long guide")
    with Library(data, embedder) as lib:
        lib.index([pdf])
    env = {**os.environ, "DOCNOOK_DATA_DIR": str(data)}
    process = subprocess.Popen(
        [sys.executable, "-m", "docnook", "summarize", str(pdf)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    # Wait until the key points are chosen (the model is loaded), then press Ctrl-C.
    deadline = time.monotonic() + 240
    seen = ""
    while "key point" not in seen and time.monotonic() < deadline:
        char = process.stderr.read(1)
        if not char:
            break
        seen += char
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, seen + err
    assert "cancelled" in err
