"""Watching a DocNook process from outside: which model libraries it imports, and whether
its network guard was in place by then, in every Python process it starts (the window's
indexing process too), with a home folder of its own to see what it writes there."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from docnook import paths, privacy

# The model libraries, and what the guard must have done before any of them is imported.
MODEL_LIBRARIES = (
    "torch",
    "transformers",
    "sentence_transformers",
    "huggingface_hub",
    "onnx",
    "onnxruntime",
    "tokenizers",
    "llama_cpp",
)


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without what the guard sets (the test process has its guard in), so a
    child shows that DocNook itself sets it."""
    env = {k: v for k, v in os.environ.items() if k not in privacy.OFFLINE_ENV}
    env.update(extra)
    return env


SITECUSTOMIZE = '''
"""Loaded by every Python process of the test: notes, for each model library, whether
DocNook's network guard was in place when it was first imported."""
import json, os, sys

WATCH = set(os.environ["DOCNOOK_TEST_WATCH"].split(","))
OUT = os.environ["DOCNOOK_TEST_IMPORT_LOG"]
seen = {}


def hook(event, args):
    if event != "import":
        return
    top = str(args[0]).partition(".")[0]
    if top not in WATCH or top in seen:
        return
    guard = sys.modules.get("docnook.privacy")
    seen[top] = bool(
        guard is not None
        and guard.guard_installed()
        and all(os.environ.get(k) == v for k, v in guard.OFFLINE_ENV.items())
    )
    with open(os.path.join(OUT, f"{os.getpid()}.json"), "w") as handle:
        json.dump({"argv": sys.orig_argv, "seen": seen}, handle)


sys.addaudithook(hook)
'''


def import_watch_env(tmp_path: Path, **extra: str) -> tuple[dict[str, str], Path]:
    """An environment whose Python processes record when the model libraries are imported
    (see SITECUSTOMIZE), with a home folder of its own."""
    site, log, home = tmp_path / "site", tmp_path / "imports", tmp_path / "home"
    for folder in (site, log, home):
        folder.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    env = clean_env(
        PYTHONPATH=os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")])),
        DOCNOOK_TEST_WATCH=",".join(MODEL_LIBRARIES),
        DOCNOOK_TEST_IMPORT_LOG=str(log),
        HOME=str(home),
        # The embedding model already built for this machine: building it again takes long.
        **{paths.CACHE_DIR_ENV: str(paths.cache_dir())},
        **extra,
    )
    for key in [k for k in env if k.startswith("XDG_")]:
        del env[key]
    return env, log


def imports_seen(log: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted(log.glob("*.json"))]
