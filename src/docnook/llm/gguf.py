"""Reading a GGUF file's header without loading the model.

Listing models and checking a file before handing it to llama.cpp must be cheap, so this reads
the key/value metadata and the tensor table directly (format: github.com/ggml-org/ggml,
docs/gguf.md) and skips the big arrays (the vocabulary) without keeping them. It also catches
the files llama.cpp would reject less helpfully: not GGUF at all, a header cut short, or tensor
data that ends before the file does.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from docnook.errors import ModelError

MAGIC = b"GGUF"
DEFAULT_ALIGNMENT = 32
# Bounds that no real model reaches; they keep a damaged header from asking for absurd memory.
_MAX_STRING = 64 << 20
_MAX_DIMS = 8

# GGUF value types
_UINT8, _INT8, _UINT16, _INT16, _UINT32, _INT32, _FLOAT32, _BOOL = range(8)
_STRING, _ARRAY, _UINT64, _INT64, _FLOAT64 = range(8, 13)
_SCALARS: dict[int, struct.Struct] = {
    _UINT8: struct.Struct("<B"),
    _INT8: struct.Struct("<b"),
    _UINT16: struct.Struct("<H"),
    _INT16: struct.Struct("<h"),
    _UINT32: struct.Struct("<I"),
    _INT32: struct.Struct("<i"),
    _FLOAT32: struct.Struct("<f"),
    _BOOL: struct.Struct("<?"),
    _UINT64: struct.Struct("<Q"),
    _INT64: struct.Struct("<q"),
    _FLOAT64: struct.Struct("<d"),
}
_U32 = struct.Struct("<I")
_U64 = struct.Struct("<Q")

# llama.cpp's `general.file_type` (enum llama_ftype) names.
FILE_TYPES = {
    0: "F32",
    1: "F16",
    2: "Q4_0",
    3: "Q4_1",
    7: "Q8_0",
    8: "Q5_0",
    9: "Q5_1",
    10: "Q2_K",
    11: "Q3_K_S",
    12: "Q3_K_M",
    13: "Q3_K_L",
    14: "Q4_K_S",
    15: "Q4_K_M",
    16: "Q5_K_S",
    17: "Q5_K_M",
    18: "Q6_K",
    19: "IQ2_XXS",
    20: "IQ2_XS",
    21: "Q2_K_S",
    22: "IQ3_XS",
    23: "IQ3_XXS",
    24: "IQ1_S",
    25: "IQ4_NL",
    26: "IQ3_S",
    27: "IQ3_M",
    28: "IQ2_S",
    29: "IQ2_M",
    30: "IQ4_XS",
    31: "IQ1_M",
    32: "BF16",
    36: "TQ1_0",
    37: "TQ2_0",
    38: "MXFP4_MOE",
}
# ggml tensor types, for files without `general.file_type`.
TENSOR_TYPES = {
    0: "F32",
    1: "F16",
    2: "Q4_0",
    3: "Q4_1",
    6: "Q5_0",
    7: "Q5_1",
    8: "Q8_0",
    9: "Q8_1",
    10: "Q2_K",
    11: "Q3_K",
    12: "Q4_K",
    13: "Q5_K",
    14: "Q6_K",
    15: "Q8_K",
    16: "IQ2_XXS",
    17: "IQ2_XS",
    18: "IQ3_XXS",
    19: "IQ1_S",
    20: "IQ4_NL",
    21: "IQ3_S",
    22: "IQ2_S",
    23: "IQ4_XS",
    29: "IQ1_M",
    30: "BF16",
    34: "TQ1_0",
    35: "TQ2_0",
    39: "MXFP4",
}


@dataclass(frozen=True)
class GgufInfo:
    """What DocNook shows about a model file, read from its header."""

    path: Path
    version: int
    metadata: dict[str, Any]  # scalars and strings; arrays are summarised by their length
    tensor_count: int
    parameters: int
    size_bytes: int
    tensor_types: dict[str, int] = field(default_factory=dict)  # type name -> tensor count

    @property
    def architecture(self) -> str:
        return str(self.metadata.get("general.architecture", "unknown"))

    @property
    def name(self) -> str:
        value = self.metadata.get("general.name")
        return str(value) if value else self.path.stem

    def _arch_int(self, key: str) -> int:
        value = self.metadata.get(f"{self.architecture}.{key}")
        return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0

    @property
    def context_length(self) -> int:
        return self._arch_int("context_length")

    @property
    def layers(self) -> int:
        return self._arch_int("block_count")

    @property
    def chat_template(self) -> str | None:
        value = self.metadata.get("tokenizer.chat_template")
        return value if isinstance(value, str) and value.strip() else None

    @property
    def quantization(self) -> str:
        file_type = self.metadata.get("general.file_type")
        if isinstance(file_type, int) and not isinstance(file_type, bool):
            return FILE_TYPES.get(file_type, f"type {file_type}")
        if self.tensor_types:
            # The type most tensors use; 1-d tensors (norms) are F32 in every quantisation.
            ranked = sorted(self.tensor_types.items(), key=lambda kv: (-kv[1], kv[0] == "F32"))
            candidates = [name for name, _ in ranked if name != "F32"] or [ranked[0][0]]
            return candidates[0]
        return "unknown"


class _Reader:
    def __init__(self, handle: BinaryIO, size: int) -> None:
        self.handle = handle
        self.size = size

    def read(self, n: int) -> bytes:
        data = self.handle.read(n)
        if len(data) != n:
            raise EOFError
        return data

    def u32(self) -> int:
        return _U32.unpack(self.read(4))[0]

    def u64(self) -> int:
        return _U64.unpack(self.read(8))[0]

    def skip(self, n: int) -> None:
        if self.handle.tell() + n > self.size:
            raise EOFError
        self.handle.seek(n, 1)

    def string(self) -> str:
        n = self.u64()
        if n > _MAX_STRING:
            raise ValueError("string too long")
        return self.read(n).decode("utf-8", errors="replace")

    def skip_string(self) -> None:
        n = self.u64()
        if n > _MAX_STRING:
            raise ValueError("string too long")
        self.skip(n)

    def value(self, kind: int) -> Any:
        scalar = _SCALARS.get(kind)
        if scalar is not None:
            return scalar.unpack(self.read(scalar.size))[0]
        if kind == _STRING:
            return self.string()
        if kind == _ARRAY:
            item_kind = self.u32()
            count = self.u64()
            if count > self.size:  # every item takes at least one byte
                raise ValueError("array longer than the file")
            item = _SCALARS.get(item_kind)
            if item is not None:
                self.skip(item.size * count)
            elif item_kind == _STRING:
                for _ in range(count):
                    self.skip_string()
            elif item_kind == _ARRAY:
                for _ in range(count):
                    self.value(_ARRAY)
            else:
                raise ValueError(f"unknown array item type {item_kind}")
            return _ArrayLength(count)
        raise ValueError(f"unknown value type {kind}")


class _ArrayLength(int):
    """Stands for an array that was skipped: only its length is kept."""


def read_gguf(path: Path) -> GgufInfo:
    """The header of the GGUF file at `path`; ModelError says plainly what is wrong."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise ModelError(f"The model {path} is not a file.")
        with path.open("rb") as raw:
            return _parse(path, _Reader(raw, size), size)
    except FileNotFoundError:
        raise ModelError(f"The model file {path} does not exist.") from None
    except PermissionError:
        raise ModelError(f"The model file {path} cannot be read (permission denied).") from None
    except OSError as exc:
        raise ModelError(f"The model file {path} cannot be read: {exc.strerror or exc}.") from exc
    except EOFError:
        raise ModelError(
            f"The model file {path} is incomplete (it ends inside its header); it was probably "
            "cut short while copying or downloading."
        ) from None
    except (ValueError, struct.error, OverflowError, MemoryError) as exc:
        raise ModelError(f"The model file {path} is damaged: {exc}.") from None


def _parse(path: Path, reader: _Reader, size: int) -> GgufInfo:
    if size < 4 or reader.read(4) != MAGIC:
        raise ModelError(
            f"{path} is not a GGUF model file. DocNook runs models in the GGUF format "
            "(files ending in .gguf)."
        )
    version = reader.u32()
    if version not in (2, 3):
        raise ModelError(f"{path} uses GGUF version {version}, which DocNook cannot read.")
    tensor_count = reader.u64()
    kv_count = reader.u64()
    if tensor_count > size or kv_count > size:
        raise ValueError("impossible counts in the header")
    metadata: dict[str, Any] = {}
    for _ in range(kv_count):
        key = reader.string()
        metadata[key] = reader.value(reader.u32())
    alignment = metadata.get("general.alignment", DEFAULT_ALIGNMENT)
    if not isinstance(alignment, int) or isinstance(alignment, bool) or alignment <= 0:
        alignment = DEFAULT_ALIGNMENT
    parameters = 0
    last_offset = 0
    types: dict[str, int] = {}
    for _ in range(tensor_count):
        reader.skip_string()
        n_dims = reader.u32()
        if n_dims > _MAX_DIMS:
            raise ValueError("a tensor has too many dimensions")
        elements = 1
        for _ in range(n_dims):
            elements *= reader.u64()
        tensor_type = reader.u32()
        offset = reader.u64()
        parameters += elements
        last_offset = max(last_offset, offset)
        type_name = TENSOR_TYPES.get(tensor_type, f"type {tensor_type}")
        types[type_name] = types.get(type_name, 0) + 1
    header_end = reader.handle.tell()
    data_start = -(-header_end // alignment) * alignment
    if tensor_count and data_start + last_offset >= size:
        raise ModelError(
            f"The model file {path} is incomplete: its tensor data ends early "
            f"({size:,} bytes on disk). It was probably cut short while copying or downloading."
        )
    if "general.architecture" not in metadata:
        raise ModelError(f"The model file {path} does not say which architecture it uses.")
    return GgufInfo(path, version, metadata, tensor_count, parameters, size, types)
