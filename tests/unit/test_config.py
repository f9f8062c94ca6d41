"""Settings as data: declarations, validation and the file. (The engine that applies them
is tested in tests/unit/test_engine_queue.py and tests/integration/test_engine.py.)"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from docnook import paths
from docnook.config import OPTIONS, Settings, load_settings, option, save_settings
from docnook.errors import InputError

# -- declarations ---------------------------------------------------------------------------


def test_settings_fields_mirror_the_declared_options() -> None:
    fields = {f.name: f.default for f in dataclasses.fields(Settings)}
    assert list(fields) == [o.name for o in OPTIONS]
    for opt in OPTIONS:
        assert fields[opt.name] == opt.default
        # Each default is one a person could type: it passes its own option's parsing, bounds
        # included (a default of True for an int option, or out of range, fails here); a
        # keyword default ("auto") parses to itself.
        typed = str(opt.default).lower() if opt.type is bool else str(opt.default)
        assert opt.parse(typed) == opt.default
        assert type(opt.parse(typed)) is opt.type or opt.default in opt.keywords
        assert opt.description.endswith(".") and opt.label


def test_required_options_and_defaults() -> None:
    s = Settings()
    assert (s.model, s.n_gpu_layers, s.n_ctx, s.n_threads, s.n_batch) == (
        "default",
        "auto",  # as many layers as fit in the GPU's memory; none without a GPU
        4096,
        0,
        512,
    )
    assert (s.flash_attn, s.use_mmap, s.use_mlock) == (False, True, False)
    assert option("n_gpu_layers").minimum == -1  # -1 = offload every layer


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("n_ctx", "2048", 2048),
        ("n_gpu_layers", "-1", -1),
        ("flash_attn", "yes", True),
        ("use_mmap", "off", False),
        ("model", "  qwen  ", "qwen"),
    ],
)
def test_parse_typed_values(name: str, text: str, expected: object) -> None:
    assert option(name).parse(text) == expected


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("n_ctx", "abc"),
        ("n_ctx", "12"),
        ("n_gpu_layers", "-2"),
        ("flash_attn", "maybe"),
        ("model", " "),
    ],
)
def test_parse_rejects_bad_values_with_a_sentence(name: str, text: str) -> None:
    with pytest.raises(InputError, match=name):
        option(name).parse(text)


def test_unknown_option_and_invalid_settings_are_refused() -> None:
    with pytest.raises(InputError, match="no setting"):
        option("temperature")
    with pytest.raises(InputError):
        Settings().replace(temperature=1)
    with pytest.raises(InputError):
        Settings(n_ctx=10)
    with pytest.raises(InputError):
        Settings(use_mmap=1)  # type: ignore[arg-type]
    assert Settings().replace(n_ctx=1024).changed(Settings()) == ["n_ctx"]


# -- the file -------------------------------------------------------------------------------


def test_missing_or_broken_file_gives_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path) == Settings()
    paths.settings_path(tmp_path).write_text("{not json")
    assert load_settings(tmp_path) == Settings()
    paths.settings_path(tmp_path).write_text("[1, 2]")
    assert load_settings(tmp_path) == Settings()


def test_each_bad_value_falls_back_alone(tmp_path: Path) -> None:
    paths.settings_path(tmp_path).write_text(
        json.dumps(
            {"n_ctx": 2048, "n_batch": "big", "n_threads": 10**9, "flash_attn": 1, "extra": 3}
        )
    )
    s = load_settings(tmp_path)
    assert s.n_ctx == 2048
    assert (s.n_batch, s.n_threads, s.flash_attn) == (512, 0, False)


def test_save_is_private_atomic_and_keeps_other_keys(tmp_path: Path) -> None:
    target = paths.settings_path(tmp_path)
    target.write_text(json.dumps({"gui": {"theme": "dark"}, "n_ctx": 1024}))
    wanted = Settings(n_ctx=8192, n_threads=2, flash_attn=True)
    save_settings(tmp_path, wanted)
    assert load_settings(tmp_path) == wanted
    data = json.loads(target.read_text())
    assert data["gui"] == {"theme": "dark"}
    assert (target.stat().st_mode & 0o777) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]  # no temp file left


def test_save_failure_is_a_sentence(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(Exception) as info:
        save_settings(blocker / "sub", Settings())
    assert "DocNook" in str(info.value)
