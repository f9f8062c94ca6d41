"""The engine's own logic with a fake model behind its loader: the job queue, streaming on
the caller's thread, cancel, one job at a time, keeping the previous model, reloads, close.
No llama.cpp; tests/integration/test_engine.py runs the same engine on the real model."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import ClassVar

import pytest

from docnook.errors import Cancelled, ModelError
from docnook.jobs import CancelToken
from docnook.llm.engine import Engine, LoadSpec
from gguf_tools import tiny_gguf


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
    FakeModel.closed.clear()
    engine = Engine(loader=FakeModel)
    engine.load(spec(model_file))
    errors: list[BaseException] = []
    seen: list[str] = []
    streaming = threading.Event()

    def on_token(text: str) -> None:
        seen.append(text)
        streaming.set()

    def long_job() -> None:
        try:
            engine.run(lambda m, emit, c: m.stream("w " * 500, emit, c, 0.01), on_token)
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=long_job)
    worker.start()
    assert streaming.wait(timeout=60)
    engine.close()
    worker.join()
    # The job was stopped, not waited for: it raised Cancelled with most words unsaid.
    assert len(errors) == 1 and isinstance(errors[0], Cancelled)
    assert 1 <= len(seen) < 500
    assert engine.state == "idle" and engine.loaded is None
    assert FakeModel.closed == ["a"]  # the model was freed
    with pytest.raises(ModelError, match="closed"):
        engine.run(lambda m, emit, c: None)
    with pytest.raises(ModelError, match="closed"):
        engine.load(spec(model_file))
    engine.close()  # idempotent
