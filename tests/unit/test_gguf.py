"""The GGUF header reader: metadata, and plain errors for files that are not models."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docnook.errors import ModelError
from docnook.llm.gguf import read_gguf
from docnook.llm.models import format_parameters
from gguf_tools import tiny_gguf


def test_reads_what_the_models_list_shows(tmp_path: Path) -> None:
    path = tiny_gguf(
        tmp_path / "m.gguf",
        {
            "general.architecture": "qwen2",
            "general.name": "Qwen Tiny",
            "general.file_type": 15,
            "qwen2.context_length": 32768,
            "qwen2.block_count": 24,
            "tokenizer.chat_template": "{{ messages }}",
            "tokenizer.ggml.tokens": ["a", "b", "c"],
        },
        tensors=(("a", (4, 8)), ("b", (16,))),
    )
    info = read_gguf(path)
    assert (info.name, info.architecture, info.quantization) == ("Qwen Tiny", "qwen2", "Q4_K_M")
    assert (info.context_length, info.layers, info.parameters) == (32768, 24, 48)
    assert info.chat_template == "{{ messages }}"
    assert info.size_bytes == path.stat().st_size
    assert info.metadata["tokenizer.ggml.tokens"] == 3  # arrays are skipped, length kept


def test_quantization_from_tensor_types_without_file_type(tmp_path: Path) -> None:
    info = read_gguf(tiny_gguf(tmp_path / "m.gguf"))
    assert info.quantization == "F32"
    assert info.chat_template is None and info.context_length == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a GGUF"),
        (b"PK\x03\x04 a zip file", "not a GGUF"),
        (b"GGUF\x01\x00\x00\x00", "version 1"),
        (b"GGUF\x03\x00\x00\x00\x01", "incomplete"),
    ],
)
def test_files_that_are_not_models(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.gguf"
    path.write_bytes(content)
    with pytest.raises(ModelError, match=message):
        read_gguf(path)


def test_missing_directory_and_truncated(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="does not exist"):
        read_gguf(tmp_path / "nope.gguf")
    with pytest.raises(ModelError, match="not a file"):
        read_gguf(tmp_path)
    whole = tiny_gguf(tmp_path / "whole.gguf", tensors=(("a", (64, 64)), ("b", (64, 64))))
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(ModelError, match="incomplete"):
        read_gguf(cut)


def test_format_parameters() -> None:
    assert format_parameters(268_098_176) == "268M"
    assert format_parameters(7_241_732_096) == "7.2B"


@given(st.binary(max_size=300), st.integers(0, 400))
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_fuzz_damaged_headers_give_model_errors(tmp_path: Path, noise: bytes, cut: int) -> None:
    good = tiny_gguf(tmp_path / "good.gguf", {"llama.context_length": 128}).read_bytes()
    path = tmp_path / "fuzz.gguf"
    path.write_bytes(good[:cut] + noise)
    with contextlib.suppress(ModelError):  # anything else escaping is a bug
        read_gguf(path)
