"""Choosing GPU layers from a model's header and the GPUs' memory, reading what llama.cpp
placed from its load log, and the sentences for requests that cannot be met. The devices are
made up here; tests/integration/test_gpu_offload.py loads the real model on a real Vulkan
device."""

from __future__ import annotations

from pathlib import Path

import pytest

from docnook.config import AUTO, Settings, option
from docnook.errors import InputError, ModelError
from docnook.llm import gpu, memory
from docnook.llm.gguf import read_gguf
from docnook.llm.gpu import GpuDevice, GpuInfo
from gguf_tools import sparse_gguf

GB = 1024**3
# An 8B-class model: 32 layers, 8 KV heads of 128 values each way.
MODEL_8B = {
    "llama.block_count": 32,
    "llama.context_length": 8192,
    "llama.embedding_length": 4096,
    "llama.attention.head_count": 32,
    "llama.attention.head_count_kv": 8,
}


def card(gb: float, name: str = "Radeon RX 7600") -> GpuDevice:
    mb = int(gb * 1024)
    return GpuDevice("Vulkan0", name, mb, mb)


@pytest.fixture
def info(tmp_path: Path):
    return read_gguf(sparse_gguf(tmp_path / "model-8b.gguf", int(4.5 * GB), MODEL_8B))


def test_the_whole_model_goes_to_a_gpu_with_room_for_it(info) -> None:
    assert gpu.suggested_layers(info, 4096, GpuInfo(True, [card(24)])) == -1


def test_a_small_gpu_gets_the_layers_that_fit(info) -> None:
    layers = gpu.suggested_layers(info, 4096, GpuInfo(True, [card(3)]))
    assert 0 < layers < 32
    need = memory.estimate(info, 4096, 0, gpu_offload=False)
    per_layer = (need.weights + need.kv_cache) / 32
    budget = 3 * GB * memory.GPU_MARGIN - memory.GPU_RESERVE_BYTES
    assert layers * per_layer <= budget < (layers + 1) * per_layer
    # A longer context takes KV cache room from the layers.
    assert gpu.suggested_layers(info, 8192, GpuInfo(True, [card(3)])) < layers


def test_without_a_gpu_auto_offloads_nothing(info) -> None:
    assert gpu.suggested_layers(info, 4096, GpuInfo(True, [])) == 0
    assert gpu.suggested_layers(info, 4096, GpuInfo(False, [])) == 0
    assert gpu.resolve_layers(AUTO, info, 4096, GpuInfo(True, [])) == 0
    assert gpu.resolve_layers(12, info, 4096, GpuInfo(True, [])) == 12  # llama.cpp: CPU


def test_a_request_larger_than_the_gpu_is_one_sentence(info) -> None:
    small = GpuInfo(True, [card(2, "Intel Arc A310")])
    with pytest.raises(ModelError) as refused:
        gpu.check_request(-1, info, 4096, small)
    message = str(refused.value)
    assert "32 layers" in message and "Intel Arc A310" in message and "Auto" in message
    assert message.endswith(".") and ". " not in message and "\n" not in message  # one sentence
    fit = memory.gpu_layers_that_fit(info, 4096, small.total_bytes)
    gpu.check_request(fit, info, 4096, small)  # what fits is accepted
    gpu.check_request(AUTO, info, 4096, small)
    gpu.check_request(40, info, 4096, GpuInfo(True, []))  # no GPU: a note, not a refusal


def test_notes_say_why_a_request_runs_on_the_cpu() -> None:
    assert gpu.offload_note(AUTO, GpuInfo(True, [])) is None
    assert gpu.offload_note(0, GpuInfo(True, [])) is None
    assert gpu.offload_note(20, GpuInfo(True, [card(8)])) is None
    assert "Vulkan driver" in (gpu.offload_note(-1, GpuInfo(True, [])) or "")
    assert "Vulkan driver" in (gpu.offload_note(5, GpuInfo(False, [])) or "")


def test_software_vulkan_drivers_are_not_gpus() -> None:
    assert gpu.is_software("llvmpipe (LLVM 15.0.6, 256 bits)")
    assert gpu.is_software("SwiftShader Device (Subzero)")
    assert not gpu.is_software("NVIDIA H200")
    assert not gpu.is_software("AMD Radeon RX 7900 XTX (RADV NAVI31)")


def test_offloaded_layers_are_counted_from_the_load_log() -> None:
    lines = [
        "load_tensors: layer   0 assigned to device CPU, is_swa = 1",
        "load_tensors: layer   1 assigned to device Vulkan0, is_swa = 1",
        "load_tensors: layer  18 assigned to device Vulkan1, is_swa = 0",
        "load_tensors: offloaded 19/19 layers to GPU",  # the request, not the placement
    ]
    devices = [d for d in map(gpu.layer_device, lines) if d is not None]
    assert devices == ["CPU", "Vulkan0", "Vulkan1"]
    assert gpu.count_offloaded(devices) == 2


def test_the_setting_takes_auto_and_numbers() -> None:
    n_gpu_layers = option("n_gpu_layers")
    assert Settings().n_gpu_layers == AUTO
    assert n_gpu_layers.parse("Auto") == AUTO and n_gpu_layers.parse("12") == 12
    assert Settings.from_json({"n_gpu_layers": "auto"}).n_gpu_layers == AUTO
    assert Settings.from_json({"n_gpu_layers": "most"}).n_gpu_layers == AUTO  # the default
    with pytest.raises(InputError, match="a whole number or auto"):
        n_gpu_layers.parse("most")


def test_gpu_json_lists_name_and_memory() -> None:
    shown = GpuInfo(True, [card(8, "NVIDIA GeForce RTX 4060")]).as_json()
    assert shown["available"] is True
    assert shown["devices"][0]["name"] == "NVIDIA GeForce RTX 4060"
    assert shown["devices"][0]["memory_mb"] == 8192
    assert GpuInfo(True, []).as_json()["available"] is False


def test_auto_loads_on_the_cpu_when_the_gpu_cannot(tmp_path: Path, monkeypatch) -> None:
    from docnook.llm import engine as engine_module
    from docnook.llm.engine import Engine, LoadSpec

    small = {**MODEL_8B, "llama.block_count": 4}
    path = sparse_gguf(tmp_path / "small.gguf", 64 * 1024, small)
    monkeypatch.setattr(engine_module, "gpu_info", lambda: GpuInfo(True, [card(8)]))
    tries: list[int | None] = []

    class GpuFails:  # llama.cpp refusing the GPU (a driver fault), accepting the CPU
        def __init__(self, spec, info, gpu_layers: int | None = None) -> None:
            tries.append(gpu_layers)
            if gpu_layers is None:
                raise ModelError("llama.cpp could not load the model: out of device memory.")
            self.spec, self.n_ctx = spec, spec.n_ctx

        def close(self) -> None:
            pass

    engine = Engine(loader=GpuFails)
    try:
        engine.load(LoadSpec("a", path, "sha", n_gpu_layers=AUTO))
        assert tries == [None, 0] and engine.state == "ready"
        # Layers the person asked for: the failure is said, and the Auto model comes back.
        with pytest.raises(ModelError, match="out of device memory"):
            engine.load(LoadSpec("b", path, "sha", n_gpu_layers=4))
        assert engine.state == "ready" and engine.loaded.name == "a"
    finally:
        engine.close()
