"""Settings as data: declarations, validation, the file, and the engine behind them (with a
fake model: the engine's queue, cancel and reload logic, without llama.cpp)."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from pathlib import Path
from typing import ClassVar

import pytest

from docnook import paths
from docnook.config import OPTIONS, Settings, load_settings, option, save_settings
from docnook.errors import Cancelled, InputError, ModelError
from docnook.jobs import CancelToken
from docnook.llm.engine import Engine, LoadSpec
from gguf_tools import tiny_gguf

# -- declarations ---------------------------------------------------------------------------


def test_settings_fields_mirror_the_declared_options() -> None:
    fields = {f.name: f.default for f in dataclasses.fields(Settings)}
    assert list(fields) == [o.name for o in OPTIONS]
    for opt in OPTIONS:
        assert fields[opt.name] == opt.default
        assert isinstance(opt.default, opt.type) or opt.default in opt.keywords
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


# -- the engine, with a fake model ------------------------------------------------------------


class FakeModel:
    """Stands in for `LoadedModel`: 'generates' the words of a prompt one by one."""

    closed: ClassVar[list[str]] = []
    n_ctx = 512

    def __init__(self, spec: LoadSpec, info: object) -> None:
        if spec.name == "refused":
            raise ModelError("llama.cpp could not load the model: refused.")
        self.spec = spec

    def stream(self, text: str, emit, cancel: CancelToken, delay: float = 0.0) -> str:
        out = []
        for word in text.split():
            cancel.raise_if_cancelled()
            time.sleep(delay)
            out.append(word)
            emit(word)
        return " ".join(out)

    def set_threads(self, n: int) -> None:
        self.threads = n

    def close(self) -> None:
        FakeModel.closed.append(self.spec.name)


@pytest.fixture
def model_file(tmp_path: Path) -> Path:
    return tiny_gguf(tmp_path / "tiny.gguf")


@pytest.fixture
def engine():
    engine = Engine(loader=FakeModel)
    yield engine
    engine.close()


def spec(path: Path, name: str = "a", **kw: object) -> LoadSpec:
    return LoadSpec(name, path, "sha-" + name, **kw)  # type: ignore[arg-type]


def test_jobs_need_a_model_and_stream_on_the_calling_thread(engine, model_file: Path) -> None:
    assert engine.state == "idle"
    with pytest.raises(ModelError):
        engine.run(lambda m, emit, c: None)
    engine.load(spec(model_file))
    assert engine.state == "ready"
    seen: list[tuple[str, str]] = []
    result = engine.run(
        lambda m, emit, c: m.stream("one two three", emit, c),
        on_token=lambda t: seen.append((t, threading.current_thread().name)),
    )
    assert result == "one two three"
    assert [t for t, _ in seen] == ["one", "two", "three"]
    assert {name for _, name in seen} == {threading.current_thread().name}


def test_cancel_stops_between_tokens_and_the_engine_stays_ready(engine, model_file: Path) -> None:
    engine.load(spec(model_file))
    cancel = CancelToken()
    seen: list[str] = []

    def on_token(text: str) -> None:
        seen.append(text)
        if len(seen) == 2:
            cancel.cancel()

    with pytest.raises(Cancelled):
        engine.run(lambda m, emit, c: m.stream("a b c d e f g h", emit, c, 0.01), on_token, cancel)
    assert 2 <= len(seen) < 8
    assert engine.state == "ready"
    assert engine.run(lambda m, emit, c: m.stream("again", emit, c)) == "again"


def test_a_failing_callback_cancels_the_job(engine, model_file: Path) -> None:
    engine.load(spec(model_file))

    def on_token(text: str) -> None:
        raise RuntimeError("the window went away")

    with pytest.raises(RuntimeError, match="window"):
        engine.run(lambda m, emit, c: m.stream("a b c d", emit, c, 0.01), on_token)
    assert engine.run(lambda m, emit, c: "still fine") == "still fine"


def test_jobs_from_many_threads_run_one_at_a_time(engine, model_file: Path) -> None:
    engine.load(spec(model_file))
    running = []
    overlaps = []
    lock = threading.Lock()

    def job(m, emit, c):
        with lock:
            running.append(1)
            overlaps.append(len(running))
        time.sleep(0.01)
        with lock:
            running.pop()
        return True

    threads = [threading.Thread(target=engine.run, args=(job,)) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert overlaps == [1] * 6


def test_bad_model_keeps_the_previous_one(engine, model_file: Path, tmp_path: Path) -> None:
    engine.load(spec(model_file, "good"))
    not_gguf = tmp_path / "notes.gguf"
    not_gguf.write_text("hello")
    for bad in (tmp_path / "missing.gguf", not_gguf):
        with pytest.raises(ModelError) as info:
            engine.load(spec(bad, "bad"))
        assert "previous model (good) is still in use" in str(info.value)
        assert engine.state == "ready"
        assert engine.loaded.name == "good"
    # A file that passes the header check but that llama.cpp refuses: the previous model is
    # loaded again.
    with pytest.raises(ModelError, match="refused"):
        engine.load(spec(model_file, "refused"))
    assert engine.loaded.name == "good"
    assert engine.run(lambda m, emit, c: m.spec.name) == "good"


def test_first_load_failing_is_an_error_state(engine, tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="does not exist"):
        engine.load(spec(tmp_path / "missing.gguf"))
    assert engine.state == "error"
    with pytest.raises(ModelError, match="does not exist"):
        engine.run(lambda m, emit, c: None)


def test_settings_change_reloads_but_threads_alone_do_not(engine, model_file: Path) -> None:
    FakeModel.closed.clear()
    engine.load(spec(model_file, n_threads=1))
    engine.load(spec(model_file, n_threads=2))
    assert FakeModel.closed == []
    assert engine.loaded.n_threads == 2
    engine.load(spec(model_file, n_ctx=1024))
    assert FakeModel.closed == ["a"]


def test_close_cancels_and_refuses_new_work(model_file: Path) -> None:
    engine = Engine(loader=FakeModel)
    engine.load(spec(model_file))
    errors: list[BaseException] = []

    def long_job() -> None:
        try:
            engine.run(lambda m, emit, c: m.stream("w " * 500, emit, c, 0.01))
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=long_job)
    worker.start()
    time.sleep(0.05)
    started = time.monotonic()
    engine.close()
    worker.join()
    assert time.monotonic() - started < 2
    assert errors and isinstance(errors[0], Cancelled)
    with pytest.raises(ModelError, match="closed"):
        engine.run(lambda m, emit, c: None)
    engine.close()  # idempotent
