"""GGUF files made or edited by the tests (format: ggml docs/gguf.md).

`tiny_gguf` writes a small header-plus-data file (not a loadable model: llama.cpp would want
real tensors) for the reader's tests; `with_metadata` copies a real model, adding or replacing
string keys, e.g. to give the bundled base model a chat template.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

STRING, ARRAY, UINT32, INT32, BOOL, FLOAT32, UINT64 = 8, 9, 4, 5, 7, 6, 10


def _string(text: str) -> bytes:
    data = text.encode("utf-8")
    return struct.pack("<Q", len(data)) + data


def _value(value: Any) -> bytes:
    if isinstance(value, bool):
        return struct.pack("<I?", BOOL, value)
    if isinstance(value, int):
        return (
            struct.pack("<Ii", INT32, value) if value < 2**31 else struct.pack("<IQ", UINT64, value)
        )
    if isinstance(value, float):
        return struct.pack("<If", FLOAT32, value)
    if isinstance(value, str):
        return struct.pack("<I", STRING) + _string(value)
    if isinstance(value, list):  # a list of strings, like tokenizer.ggml.tokens
        return struct.pack("<IIQ", ARRAY, STRING, len(value)) + b"".join(_string(v) for v in value)
    raise TypeError(value)


def tiny_gguf(
    path: Path,
    metadata: dict[str, Any] | None = None,
    tensors: tuple[tuple[str, tuple[int, ...]], ...] = (("token_embd.weight", (8, 4)),),
    version: int = 3,
) -> Path:
    """A GGUF with F32 tensors of the given shapes filled with zeros."""
    metadata = {"general.architecture": "llama", "general.name": "Tiny", **(metadata or {})}
    header = b"GGUF" + struct.pack("<IQQ", version, len(tensors), len(metadata))
    header += b"".join(_string(k) + _value(v) for k, v in metadata.items())
    offset = 0
    blobs = []
    for name, shape in tensors:
        size = 4
        for dim in shape:
            size *= dim
        header += _string(name) + struct.pack("<I", len(shape))
        header += b"".join(struct.pack("<Q", d) for d in shape)
        header += struct.pack("<IQ", 0, offset)  # type F32
        blobs.append(bytes(size) + bytes(-size % 32))
        offset += len(blobs[-1])
    header += bytes(-len(header) % 32)
    path.write_bytes(header + b"".join(blobs))
    return path


def sparse_gguf(path: Path, data_bytes: int, metadata: dict[str, Any] | None = None) -> Path:
    """A well-formed GGUF whose one tensor holds `data_bytes` of weights, written as a sparse
    file: it claims that size without taking the disk space (or the time) to write it."""
    elements = -(-data_bytes // 4)
    metadata = {"general.architecture": "llama", "general.name": "Huge", **(metadata or {})}
    header = b"GGUF" + struct.pack("<IQQ", 3, 1, len(metadata))
    header += b"".join(_string(k) + _value(v) for k, v in metadata.items())
    header += _string("token_embd.weight") + struct.pack("<IQIQ", 1, elements, 0, 0)
    header += bytes(-len(header) % 32)
    with path.open("wb") as out:
        out.write(header)
        out.truncate(len(header) + elements * 4)
    return path


def _skip_value(data: bytes, pos: int, kind: int) -> int:
    sizes = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
    if kind in sizes:
        return pos + sizes[kind]
    if kind == STRING:
        (n,) = struct.unpack_from("<Q", data, pos)
        return pos + 8 + n
    if kind == ARRAY:
        item, count = struct.unpack_from("<IQ", data, pos)
        pos += 12
        for _ in range(count):
            pos = _skip_value(data, pos, item)
        return pos
    raise ValueError(kind)


def with_metadata(source: Path, target: Path, extra: dict[str, str]) -> Path:
    """A copy of the GGUF `source` with the string keys in `extra` added or replaced."""
    data = source.read_bytes()
    version, n_tensors, n_kv = struct.unpack_from("<IQQ", data, 4)
    pos = 24
    kept: list[bytes] = []
    alignment = 32
    for _ in range(n_kv):
        start = pos
        (n,) = struct.unpack_from("<Q", data, pos)
        key = data[pos + 8 : pos + 8 + n].decode()
        pos += 8 + n
        (kind,) = struct.unpack_from("<I", data, pos)
        if key == "general.alignment":
            (alignment,) = struct.unpack_from("<I", data, pos + 4)
        pos = _skip_value(data, pos + 4, kind)
        if key not in extra:
            kept.append(data[start:pos])
    infos_start = pos
    for _ in range(n_tensors):
        (n,) = struct.unpack_from("<Q", data, pos)
        pos += 8 + n
        (dims,) = struct.unpack_from("<I", data, pos)
        pos += 4 + 8 * dims + 4 + 8
    infos = data[infos_start:pos]
    data_start = -(-pos // alignment) * alignment
    added = [_string(k) + _value(v) for k, v in extra.items()]
    header = b"GGUF" + struct.pack("<IQQ", version, n_tensors, len(kept) + len(added))
    header += b"".join(kept) + b"".join(added) + infos
    header += bytes(-len(header) % alignment)
    with target.open("wb") as out:
        out.write(header)
        out.write(memoryview(data)[data_start:])
    return target
