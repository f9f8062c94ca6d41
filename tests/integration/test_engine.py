"""The engine with the real bundled Gemma 3 270M: streaming, cancel, the KV cache, label
probabilities, bad model files, a model with a chat template."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from docnook.errors import Cancelled, ModelError
from docnook.jobs import CancelToken
from docnook.llm import prompts, summary_prompts
from docnook.llm.engine import Engine, LoadSpec, gpu_info
from docnook.llm.models import ModelCatalog
from gguf_tools import tiny_gguf, with_metadata

pytestmark = pytest.mark.slow

N_CTX = 1024
# Gemma's own template, as instruct GGUFs of the family carry it.
GEMMA_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}<start_of_turn>"
    "{{ 'model' if message['role'] == 'assistant' else message['role'] }}\n"
    "{{ message['content'] | trim }}<end_of_turn>\n{% endfor %}"
    "{% if add_generation_prompt %}<start_of_turn>model\n{% endif %}"
)
SKY = prompts.Prompt(
    "Context: The sky over the harbor is blue.\nQuestion: What colour is the sky?\nAnswer:",
    stop=("\n",),
    max_tokens=16,
)
RAMBLE = prompts.Prompt("The history of the old harbor town begins", max_tokens=40)


@pytest.fixture(scope="module")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ModelCatalog(tmp_path_factory.mktemp("data")).ensure_default()


@pytest.fixture(scope="module")
def engine(model_path: Path):
    engine = Engine()
    engine.load(spec(model_path))
    yield engine
    engine.close()


def spec(path: Path, name: str = "default", **kw: object) -> LoadSpec:
    options: dict[str, object] = {"n_ctx": N_CTX, **kw}
    return LoadSpec(name, path, "sha", **options)  # type: ignore[arg-type]


def generate(engine: Engine, prompt: prompts.Prompt, on_token=None, cancel=None):
    return engine.run(lambda m, emit, c: m.stream(prompt, emit, c), on_token, cancel)


def test_streams_tokens_and_stops_at_the_stop_sequence(engine: Engine) -> None:
    pieces: list[str] = []
    result = generate(engine, SKY, pieces.append)
    assert len(pieces) >= 2
    assert "".join(pieces) == result.text
    assert "blue" in result.text.lower()
    assert "\n" not in result.text
    assert result.finish in ("stop", "eos")
    assert engine.state == "ready"


def test_cancel_stops_between_tokens_and_leaves_the_engine_ready(engine: Engine) -> None:
    expected = generate(engine, RAMBLE).text
    cancel = CancelToken()
    pieces: list[str] = []

    def on_token(text: str) -> None:
        pieces.append(text)
        if len(pieces) == 3:
            cancel.cancel()

    with pytest.raises(Cancelled):
        generate(engine, RAMBLE, on_token, cancel)
    assert 3 <= len(pieces) < 8
    assert engine.state == "ready"
    # The KV cache holds the cancelled job's tokens; the next job must not be confused by them.
    assert generate(engine, RAMBLE).text == expected


def test_cancelled_before_start_never_runs(engine: Engine) -> None:
    cancel = CancelToken()
    cancel.cancel()
    with pytest.raises(Cancelled):
        generate(engine, RAMBLE, cancel=cancel)


def test_repeated_prefix_is_read_from_the_kv_cache(engine: Engine) -> None:
    first = generate(engine, RAMBLE)
    again = generate(engine, RAMBLE)
    assert again.cached_tokens == again.prompt_tokens - 1  # all but the token re-read for logits
    assert again.text == first.text
    longer = prompts.Prompt(RAMBLE.text + " with a storm", max_tokens=4)
    follow = generate(engine, longer)
    assert follow.cached_tokens >= first.prompt_tokens - 1


def test_max_tokens_and_the_context_limit(engine: Engine) -> None:
    result = generate(engine, prompts.Prompt(RAMBLE.text, max_tokens=5))
    assert result.tokens == 5 and result.finish == "length"
    too_long = prompts.Prompt("word " * (N_CTX + 50), max_tokens=4)
    with pytest.raises(ModelError, match="does not fit"):
        generate(engine, too_long)
    assert generate(engine, SKY).text


def test_label_probabilities_come_from_the_model(engine: Engine) -> None:
    def scores(text: str) -> dict[str, float]:
        def job(m, emit, c):
            style = m.style
            prompt = prompts.sentiment_prompt(style, text)
            return prompts.normalise(m.label_logprobs(prompt, prompts.label_variants(style), c))

        return engine.run(job)

    happy = scores("What a wonderful day! I loved every minute and everyone was delighted.")
    sad = scores("A horrible failure. Everything broke, people were furious and miserable.")
    assert sum(happy.values()) == pytest.approx(1.0)
    assert happy["positive"] > 0.5 > happy["negative"]
    assert sad["negative"] > 0.5 > sad["positive"]
    # Multi-token variants are scored too, and rewind the cache after themselves.
    multi = engine.run(
        lambda m, emit, c: m.label_logprobs(
            prompts.Prompt("The answer is"), {"a": (" absolutely positively",), "b": (" no",)}, c
        )
    )
    assert multi["a"] < 0 and multi["b"] < 0
    assert generate(engine, SKY).text


@pytest.mark.parametrize("damage", ["missing", "truncated", "not-gguf", "refused"])
def test_bad_model_files_keep_the_previous_model(
    engine: Engine, model_path: Path, tmp_path: Path, damage: str
) -> None:
    bad = tmp_path / "bad.gguf"
    if damage == "truncated":
        bad.write_bytes(model_path.read_bytes()[: model_path.stat().st_size // 3])
    elif damage == "not-gguf":
        bad.write_text("These are my notes, not a model.\n")
    elif damage == "refused":  # a valid header llama.cpp cannot make a model of
        tiny_gguf(bad)
    with pytest.raises(ModelError) as info:
        engine.load(spec(bad, "bad"))
    message = str(info.value)
    expected = {
        "missing": "does not exist",
        "truncated": "incomplete",
        "not-gguf": "not a GGUF",
        "refused": "llama.cpp could not load",
    }[damage]
    assert expected in message
    assert "previous model (default) is still in use" in message
    assert engine.state == "ready"
    assert engine.loaded is not None and engine.loaded.name == "default"
    assert "blue" in generate(engine, SKY).text.lower()


def test_threads_change_without_reload_and_other_settings_reload(
    engine: Engine, model_path: Path
) -> None:
    before = engine.run(lambda m, emit, c: id(m))
    engine.load(spec(model_path, n_threads=1))
    assert engine.run(lambda m, emit, c: id(m)) == before
    engine.load(spec(model_path, n_ctx=512))
    assert engine.run(lambda m, emit, c: (id(m), m.n_ctx))[1] == 512
    engine.load(spec(model_path))
    assert engine.run(lambda m, emit, c: m.n_ctx) == N_CTX


def test_a_model_with_a_chat_template_is_prompted_through_it(
    model_path: Path, tmp_path: Path
) -> None:
    chat_path = with_metadata(
        model_path, tmp_path / "gemma-chat.gguf", {"tokenizer.chat_template": GEMMA_TEMPLATE}
    )
    engine = Engine()
    try:
        engine.load(spec(chat_path, "chat"))

        def job(m, emit, c):
            style = m.style
            prompt = summary_prompts.shorten_prompt(style, "The harbor has three piers.")
            tokens = m.tokenize(prompt.text, special=prompt.special)
            bos = m.llama.token_bos()
            small = prompts.Prompt(prompt.text, max_tokens=4, special=True)
            return style.chat, prompt.text, tokens, bos, m.stream(small, emit, c)

        is_chat, text, tokens, bos, result = engine.run(job)
        assert is_chat
        assert text.startswith("<bos><start_of_turn>user\n") and text.endswith("model\n")
        assert tokens[0] == bos and tokens.count(bos) == 1  # the template's BOS, not two
        assert len(tokens) < len(text) // 3  # <start_of_turn> became one special token
        assert result.tokens <= 4
    finally:
        engine.close()


def test_gpu_report_matches_the_build() -> None:
    import llama_cpp

    info = gpu_info()
    assert info.supports_offload is bool(llama_cpp.llama_supports_gpu_offload())
    if not info.supports_offload:
        # No GPU backend in this build: no device to name.
        assert info.devices == []
    assert info.as_json()["supports_offload"] is info.supports_offload
    assert info.as_json()["available"] is (info.supports_offload and bool(info.devices))


def test_closing_frees_the_model(model_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.gguf"
    shutil.copyfile(model_path, copy)
    engine = Engine()
    engine.load(spec(copy, "copy"))
    engine.close()
    assert engine.state == "idle"
    with pytest.raises(ModelError, match="closed"):
        engine.load(spec(copy, "copy"))
