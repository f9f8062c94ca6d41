"""Whether a model fits in this computer's memory, decided before llama.cpp is asked to load it.

llama.cpp does not fail cleanly on a model larger than memory: with mmap it maps the file and
then pages it in from disk for every token, which freezes the whole computer; without mmap the
system's out-of-memory killer ends the process, and with it the window. So the estimate
(weights kept in RAM, the KV cache for the context, llama.cpp's working buffers) is compared
with the machine's physical memory first, and a model that cannot fit is refused with a
sentence while the current model stays loaded.
"""

from __future__ import annotations

import ctypes
import os
import sys
from dataclasses import dataclass

from docnook.errors import ModelError
from docnook.llm.gguf import GgufInfo

# llama.cpp's compute buffers and the process itself, beyond weights and KV cache.
OVERHEAD_BYTES = 300 * 1024 * 1024
KV_BYTES_PER_VALUE = 2  # the KV cache is f16 by default


@dataclass(frozen=True)
class MemoryNeed:
    weights: int  # bytes of weights that stay in system memory (the rest go to the GPU)
    kv_cache: int
    context: int  # the context length the KV cache is sized for
    overhead: int = OVERHEAD_BYTES

    @property
    def total(self) -> int:
        return self.weights + self.kv_cache + self.overhead


def physical_memory() -> int | None:
    """Bytes of RAM in this computer, or None when the system will not say."""
    if sys.platform == "win32":
        return _windows_physical_memory()
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def _windows_physical_memory() -> int | None:
    class MemoryStatus(ctypes.Structure):
        _fields_ = [
            ("dwLength", ctypes.c_ulong),
            ("dwMemoryLoad", ctypes.c_ulong),
            ("ullTotalPhys", ctypes.c_ulonglong),
            ("ullAvailPhys", ctypes.c_ulonglong),
            ("ullTotalPageFile", ctypes.c_ulonglong),
            ("ullAvailPageFile", ctypes.c_ulonglong),
            ("ullTotalVirtual", ctypes.c_ulonglong),
            ("ullAvailVirtual", ctypes.c_ulonglong),
            ("ullAvailExtendedVirtual", ctypes.c_ulonglong),
        ]

    status = MemoryStatus()
    status.dwLength = ctypes.sizeof(MemoryStatus)
    try:
        if ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):  # type: ignore[attr-defined]
            return int(status.ullTotalPhys)
    except (AttributeError, OSError):
        pass
    return None


def estimate(info: GgufInfo, n_ctx: int, n_gpu_layers: int, gpu_offload: bool) -> MemoryNeed:
    """What loading `info` with these settings keeps in system memory."""
    layers = info.layers
    on_gpu = 0.0
    if gpu_offload and n_gpu_layers != 0 and layers > 0:
        offloaded = layers if n_gpu_layers < 0 else min(n_gpu_layers, layers)
        on_gpu = offloaded / layers
    trained = info.context_length
    context = min(n_ctx, trained) if trained > 0 else n_ctx
    kv = context * layers * _kv_values_per_token_per_layer(info) * KV_BYTES_PER_VALUE
    return MemoryNeed(
        weights=int(info.size_bytes * (1.0 - on_gpu)),
        kv_cache=int(kv * (1.0 - on_gpu)),
        context=context,
    )


def _kv_values_per_token_per_layer(info: GgufInfo) -> int:
    meta, arch = info.metadata, info.architecture

    def number(key: str) -> int:
        value = meta.get(f"{arch}.{key}")
        return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0

    heads = number("attention.head_count")
    kv_heads = number("attention.head_count_kv") or heads
    embedding = number("embedding_length")
    head_dim = embedding // heads if heads else 0
    key = number("attention.key_length") or head_dim
    value = number("attention.value_length") or head_dim
    return kv_heads * (key + value)


def _gb(n: int) -> str:
    return f"{n / 1024**3:.1f} GB"


def check_fits(
    info: GgufInfo,
    n_ctx: int,
    n_gpu_layers: int,
    gpu_offload: bool,
    memory: int | None = None,
) -> MemoryNeed:
    """Raise ModelError when the model cannot fit in this computer's memory at all."""
    need = estimate(info, n_ctx, n_gpu_layers, gpu_offload)
    memory = physical_memory() if memory is None else memory
    if memory is not None and need.total > memory:
        advice = "Choose a smaller model or a smaller quantization"
        if gpu_offload and need.weights > 0:
            advice += ", or offload more layers to the GPU in Settings"
        if need.kv_cache > need.weights // 2:
            advice += ", or lower the context length"
        raise ModelError(
            f"The model {info.path.name} needs about {_gb(need.total)} of memory "
            f"({_gb(need.weights)} of weights, {_gb(need.kv_cache)} for a context of "
            f"{need.context:,} tokens), more than this computer has ({_gb(memory)}). {advice}."
        )
    return need


# Left free on a GPU: llama.cpp's compute buffers there and what the desktop itself needs.
GPU_RESERVE_BYTES = 512 * 1024 * 1024
GPU_MARGIN = 0.9


def gpu_layers_that_fit(info: GgufInfo, n_ctx: int, free_bytes: int) -> int:
    """The `n_gpu_layers` that fits in `free_bytes` of GPU memory: -1 when the whole model
    (weights and KV cache) does, else the repeating layers that do (llama.cpp places the last
    layers first, each with its share of the weights and the KV cache)."""
    layers = info.layers
    need = estimate(info, n_ctx, 0, gpu_offload=False)
    budget = int(free_bytes * GPU_MARGIN) - GPU_RESERVE_BYTES
    if layers <= 0 or budget <= 0:
        return 0
    if need.weights + need.kv_cache <= budget:
        return -1
    per_layer = (need.weights + need.kv_cache) / layers
    return max(0, min(layers, int(budget // per_layer)))
