"""Model faults with the real bundled model loaded: a missing, truncated or foreign file, a model
far too large for this computer's memory, and a question too large for the context. Each is a
sentence for the person, and the model in use goes on answering."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from docnook.assistant import Assistant
from docnook.config import Settings
from docnook.errors import InputError, ModelError
from docnook.library import Library
from docnook.llm import memory
from docnook.llm.gguf import read_gguf
from gguf_tools import sparse_gguf
from pdfmaker import make_pdf
from processes import environment, run

pytestmark = pytest.mark.slow

GUIDE = [
    "The lighthouse of Eldvik was kept by Marta Olsen, who lit its lamp every night for forty "
    "years. Her logbooks record every passing ship and every storm. " * 3,
    "The harbour of Eldvik has three granite piers; a storm destroyed the northern one in "
    "1923 and the merchant guild rebuilt it the following summer. " * 3,
]
QUESTION = "Who kept the lighthouse of Eldvik?"
# The shape of a 70B-parameter model: 80 layers, grouped-query attention.
LARGE_MODEL = {
    "llama.block_count": 80,
    "llama.context_length": 8192,
    "llama.embedding_length": 8192,
    "llama.attention.head_count": 64,
    "llama.attention.head_count_kv": 8,
}


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, embedder):
    root = tmp_path_factory.mktemp("faults")
    make_pdf(root / "guide.pdf", GUIDE, title="Eldvik guide")
    data = root / "data"
    with Library(data, embedder) as library:
        assert library.index([root / "guide.pdf"]).indexed == 1
    assistant = Assistant(data, embedder)
    assistant.apply_settings(Settings(n_ctx=1024, n_threads=1))
    yield assistant
    assistant.close()


def assert_still_answers(assistant: Assistant) -> None:
    answer = assistant.ask(QUESTION)
    assert answer.found and "Marta" in answer.answer
    assert answer.citations[0].page == 1
    assert assistant.engine_state() == "ready"


def test_a_model_too_large_for_memory_is_refused_before_loading(assistant, tmp_path) -> None:
    total = memory.physical_memory()
    assert total, "this system reports its memory"
    huge = sparse_gguf(tmp_path / "llama-70b.gguf", 2 * total, LARGE_MODEL)
    assert huge.stat().st_blocks * 512 < 1 << 20  # claims the size, takes no disk
    assert_still_answers(assistant)

    added = assistant.add_model(huge)  # the header is read; nothing is loaded
    assert added.layers == 80
    with pytest.raises(ModelError) as info:
        assistant.use_model(added.name)
    message = str(info.value)
    assert "needs about" in message and "more than this computer has" in message
    assert "previous model (default) is still in use" in message
    assert assistant.settings.model == "default"
    assert_still_answers(assistant)


def test_the_estimate_counts_what_stays_in_system_memory(tmp_path) -> None:
    info = read_gguf(sparse_gguf(tmp_path / "big.gguf", 40 * 1024**3, LARGE_MODEL))
    cpu = memory.estimate(info, 4096, n_gpu_layers=0, gpu_offload=True)
    # 80 layers x 4,096 tokens x 8 heads x (128 + 128) values x 2 bytes
    assert cpu.kv_cache == 80 * 4096 * 8 * 256 * 2
    assert cpu.weights == info.size_bytes
    half = memory.estimate(info, 4096, n_gpu_layers=40, gpu_offload=True)
    assert half.weights == cpu.weights // 2 and half.kv_cache == cpu.kv_cache // 2
    assert memory.estimate(info, 4096, n_gpu_layers=-1, gpu_offload=True).weights == 0
    # Without a GPU in this build, the layers asked to go there stay in RAM.
    assert memory.estimate(info, 4096, n_gpu_layers=-1, gpu_offload=False) == cpu
    # The context is capped at what the model was trained for.
    assert memory.estimate(info, 100_000, 0, False).context == 8192
    with pytest.raises(ModelError, match="offload more layers to the GPU"):
        memory.check_fits(info, 4096, 0, gpu_offload=True, memory=16 * 1024**3)
    memory.check_fits(info, 4096, -1, gpu_offload=True, memory=16 * 1024**3)


@pytest.mark.parametrize("fault", ["truncated", "not-gguf", "deleted-after-adding"])
def test_broken_model_files_are_sentences_and_the_model_in_use_stays(
    assistant, tmp_path, fault
) -> None:
    default = Path(next(m for m in assistant.models() if m.is_default).path)
    bad = tmp_path / f"{fault}.gguf"
    if fault == "truncated":
        bad.write_bytes(default.read_bytes()[: default.stat().st_size // 2])
    elif fault == "not-gguf":
        bad.write_text("Quarterly figures, not a model.\n")
    else:
        shutil.copyfile(default, bad)
        added = assistant.add_model(bad)
        bad.unlink()  # an external drive unplugged, a file cleaned away
        with pytest.raises(ModelError, match=r"is missing\. Add it again"):
            assistant.use_model(added.name)
        assert_still_answers(assistant)
        return
    with pytest.raises(ModelError) as info:
        assistant.add_model(bad)
    assert {"truncated": "incomplete", "not-gguf": "not a GGUF"}[fault] in str(info.value)
    assert_still_answers(assistant)


def test_a_question_too_large_for_the_context_is_refused_and_the_next_works(assistant) -> None:
    huge = "Please consider every one of these words carefully before answering. " * 4000
    with pytest.raises(InputError, match="question is too long"):
        assistant.ask(huge + QUESTION)
    assert_still_answers(assistant)


def test_the_command_line_says_the_same_in_one_line(assistant, tmp_path) -> None:
    env = environment(assistant.data_dir)
    missing = run(["models", "add", str(tmp_path / "nowhere.gguf")], env)
    assert missing.returncode == 1
    assert missing.stderr.startswith("docnook: ") and "Traceback" not in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    (tmp_path / "notes.gguf").write_text("not a model")
    foreign = run(["models", "add", str(tmp_path / "notes.gguf")], env)
    assert foreign.returncode == 1 and "not a GGUF" in foreign.stderr
    long_question = run(["ask", "word " * 20000, "--json"], env)
    assert long_question.returncode == 1, long_question.stdout
    assert "question is too long" in long_question.stderr
    answer = run(["ask", QUESTION, "--json"], env)
    assert answer.returncode == 0, answer.stderr
    assert answer.json()["found"] and answer.json()["citations"][0]["page"] == 1
