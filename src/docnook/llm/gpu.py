"""The GPUs llama.cpp can offload to, how many layers fit on them, and how many it placed.

DocNook ships one llama.cpp build for everyone: portable CPU code plus the Vulkan backend, which
drives NVIDIA, AMD and Intel GPUs and leaves the model on the CPU where no Vulkan device or
driver exists. The devices are read from llama.cpp itself (ggml's backend device API), so the
list is exactly what a load can use.

Software Vulkan drivers (Mesa's lavapipe/llvmpipe, SwiftShader) are never offered as a GPU:
they run on the same CPU, slower than llama.cpp's own CPU code. llama.cpp already hides
CPU-type Vulkan devices unless `GGML_VK_VISIBLE_DEVICES` names one; then it reports them as a
GPU, so they are also dropped here by name. The tests name lavapipe on purpose, to prove the
Vulkan path on machines without a GPU, and ask for their layers explicitly.

How many layers really went to a GPU is read from llama.cpp's load log ("layer N assigned to
device Vulkan0"), not from the setting: a request for 99 layers on a computer with no GPU
places none.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docnook.config import AUTO
from docnook.errors import ModelError
from docnook.llm import memory
from docnook.llm.gguf import GgufInfo, read_gguf

# ggml_backend_dev_type: CPU, GPU (dedicated memory), IGPU (shares system memory), ACCEL.
_DEVICE_TYPE_CPU = 0
_SOFTWARE_DRIVERS = ("llvmpipe", "lavapipe", "swiftshader", "softpipe")
_ASSIGNED = re.compile(r"layer\s+(\d+) assigned to device (\S+?),")
MB = 1024 * 1024
NO_GPU = (
    "No GPU was found that llama.cpp can use (it needs a GPU with a Vulkan driver), so the "
    "model runs on the CPU."
)


@dataclass(frozen=True)
class GpuDevice:
    """One device llama.cpp can place layers on."""

    backend_name: str  # ggml's name, as in the load log: "Vulkan0"
    name: str  # the driver's: "NVIDIA GeForce RTX 4070"
    memory_mb: int
    free_mb: int

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "memory_mb": self.memory_mb,
            "free_mb": self.free_mb,
            "backend": self.backend_name,
        }

    def label(self) -> str:
        return f"{self.name} ({self.memory_mb / 1024:.1f} GB)"


@dataclass(frozen=True)
class GpuInfo:
    """Whether this llama.cpp build can offload (`supports_offload`) and the GPUs it sees."""

    supports_offload: bool
    devices: list[GpuDevice] = field(default_factory=list)

    @property
    def available(self) -> bool:
        return self.supports_offload and bool(self.devices)

    @property
    def free_bytes(self) -> int:
        # llama.cpp splits layers across devices in proportion to their free memory.
        return sum(d.free_mb for d in self.devices) * MB

    @property
    def total_bytes(self) -> int:
        return sum(d.memory_mb for d in self.devices) * MB

    def as_json(self) -> dict[str, Any]:
        return {
            "available": self.available,
            "supports_offload": self.supports_offload,
            "devices": [d.as_json() for d in self.devices],
        }

    def describe(self) -> str:
        """One sentence for the settings pane and `docnook settings`."""
        if not self.available:
            # llama.cpp's Vulkan build reports no offload support where no device is visible.
            return NO_GPU
        return "GPU: " + ", ".join(d.label() for d in self.devices) + "."


def gpu_info() -> GpuInfo:
    """This build's offload support and the GPUs llama.cpp sees, read from llama.cpp."""
    from docnook.llm.engine import import_llama  # routes llama.cpp's log, as a load does

    try:
        llama_cpp = import_llama()
    except ModelError:
        return GpuInfo(False, [])
    supports = bool(llama_cpp.llama_supports_gpu_offload())
    devices = [d for d in backend_devices() if not is_software(d.name)] if supports else []
    return GpuInfo(supports, devices)


def backend_devices() -> list[GpuDevice]:
    """Every device of llama.cpp's backends but the CPU, software drivers included."""
    try:
        from llama_cpp import _ggml

        lib = _ggml.libggml
        lib.ggml_backend_dev_count.restype = ctypes.c_size_t
        lib.ggml_backend_dev_get.restype = ctypes.c_void_p
        lib.ggml_backend_dev_get.argtypes = [ctypes.c_size_t]
        lib.ggml_backend_dev_type.restype = ctypes.c_int
        lib.ggml_backend_dev_type.argtypes = [ctypes.c_void_p]
        for getter in (lib.ggml_backend_dev_name, lib.ggml_backend_dev_description):
            getter.restype = ctypes.c_char_p
            getter.argtypes = [ctypes.c_void_p]
        lib.ggml_backend_dev_memory.restype = None
        lib.ggml_backend_dev_memory.argtypes = [
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_size_t),
            ctypes.POINTER(ctypes.c_size_t),
        ]
    except (ImportError, OSError, AttributeError):  # an internal module of llama-cpp-python
        return []
    devices = []
    for i in range(lib.ggml_backend_dev_count()):
        device = lib.ggml_backend_dev_get(i)
        if lib.ggml_backend_dev_type(device) == _DEVICE_TYPE_CPU:
            continue
        backend_name = (lib.ggml_backend_dev_name(device) or b"").decode(errors="replace")
        name = (lib.ggml_backend_dev_description(device) or b"").decode(errors="replace")
        free, total = ctypes.c_size_t(0), ctypes.c_size_t(0)
        lib.ggml_backend_dev_memory(device, ctypes.byref(free), ctypes.byref(total))
        devices.append(
            GpuDevice(backend_name, name or backend_name, total.value // MB, free.value // MB)
        )
    return devices


def is_software(name: str) -> bool:
    """A Vulkan driver that runs on the CPU: never a GPU to a person."""
    lowered = name.lower()
    return any(word in lowered for word in _SOFTWARE_DRIVERS)


# -- choosing the layers ---------------------------------------------------------------------


def suggested_layers(info: GgufInfo, n_ctx: int, gpu: GpuInfo) -> int:
    """The layers to offload: -1 (all) when the whole model fits in the GPUs' free memory,
    else as many as fit, 0 without a GPU."""
    if not gpu.available:
        return 0
    return memory.gpu_layers_that_fit(info, n_ctx, gpu.free_bytes)


def resolve_layers(setting: int | str, info: GgufInfo, n_ctx: int, gpu: GpuInfo) -> int:
    """The `n_gpu_layers` llama.cpp is given for a setting: Auto becomes the suggestion for the
    memory free now; a number is the person's own choice (see `check_request`)."""
    if setting == AUTO:
        return suggested_layers(info, n_ctx, gpu)
    return int(setting)


def check_request(setting: int | str, info: GgufInfo, n_ctx: int, gpu: GpuInfo) -> None:
    """ModelError with one sentence when the layers asked for cannot fit in the GPUs' memory
    even with nothing else on them; said before anything is loaded, so the model in use stays.
    (Total, not free memory: the model in use may hold the rest until it is let go.)"""
    if setting == AUTO or int(setting) == 0 or not gpu.available:
        return  # without a GPU llama.cpp keeps everything on the CPU; `offload_note` says so
    fit = memory.gpu_layers_that_fit(info, n_ctx, gpu.total_bytes)
    total = info.layers
    layers = int(setting)
    wanted = total if layers < 0 or layers > total else layers
    if fit != -1 and wanted > fit:
        names = ", ".join(d.name for d in gpu.devices)
        raise ModelError(
            f"{wanted} layers of {info.path.name} do not fit in the memory of {names} "
            f"({gpu.total_bytes / 1024**3:.1f} GB): choose at most {fit} GPU layers, or Auto."
        )


def offload_note(setting: int | str, gpu: GpuInfo) -> str | None:
    """One sentence when a request for GPU layers cannot be met, else None."""
    if setting == AUTO or setting == 0 or gpu.available:
        return None
    return NO_GPU


# -- what llama.cpp did ------------------------------------------------------------------------


def layer_device(line: str) -> str | None:
    """The device of one "layer N assigned to device X" line of llama.cpp's load log."""
    match = _ASSIGNED.search(line)
    return match.group(2) if match else None


def count_offloaded(devices: list[str]) -> int:
    """Layers placed on a device other than the CPU, from `layer_device` of each log line."""
    return sum(1 for device in devices if device != "CPU")


def suggestion_for(path: str | Path, n_ctx: int, gpu: GpuInfo) -> int:
    """`suggested_layers` for a model file, from its header alone (0 when it cannot be read)."""
    try:
        return suggested_layers(read_gguf(Path(path)), n_ctx, gpu)
    except ModelError:
        return 0
