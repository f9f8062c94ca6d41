"""GPU offload benchmark: the same model, prompt and greedy generation with 0 layers on the GPU
and with all of them, in one run, through DocNook's engine.

Reports, per side, the layers llama.cpp really placed on a GPU (read from its load log), the
time to the first token (the prompt's prefill), generation speed in tokens per second (after
the first token) and the load time; then the ratio of all-layers to CPU. The median of the
rounds is reported. Without a GPU, llama.cpp keeps both sides on the CPU and says so (0
offloaded layers); `GGML_VK_VISIBLE_DEVICES=0` with Mesa's lavapipe times the Vulkan path on
the CPU (a check that it runs, not a speed anyone would choose).

    python benchmarks/bench_offload.py                    # the bundled Gemma 3 270M
    python benchmarks/bench_offload.py --model BIG.gguf   # any GGUF
    python benchmarks/bench_offload.py --json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROMPT = (
    "The lighthouse of Eldvik was kept by Marta Olsen, who lit its lamp every night for forty "
    "years. Her logbooks record every passing ship and every storm. The harbor was built in "
    "1871 by the merchant guild and has three granite piers. "
) * 8 + "\nWrite a long account of the harbor's history:"


def bench(model_path: Path, layers: int, args: argparse.Namespace) -> dict[str, Any]:
    from docnook.llm import prompts
    from docnook.llm.engine import Engine, LoadSpec

    engine = Engine()
    try:
        started = time.perf_counter()
        engine.load(LoadSpec("bench", model_path, "", n_gpu_layers=layers, n_ctx=args.n_ctx))
        load_seconds = time.perf_counter() - started
        prompt = prompts.Prompt(PROMPT, max_tokens=args.tokens)

        def once() -> Any:
            def job(model: Any, emit: Any, cancel: Any) -> Any:
                model.llama.reset()  # every round reads the whole prompt: a fair prefill
                model.llama._ctx.kv_cache_clear()
                return model.stream(prompt, emit, cancel)

            return engine.run(job)

        once()  # warm-up: first-use costs (shader compilation on a GPU) are not the speed
        rounds = [once() for _ in range(args.rounds)]
    finally:
        engine.close()
    speeds = [
        (g.tokens - 1) / (g.seconds - g.prefill_seconds)
        for g in rounds
        if g.tokens > 1 and g.seconds > g.prefill_seconds
    ]
    return {
        "n_gpu_layers": layers,
        "offloaded_layers": rounds[-1].offloaded_layers,
        "load_seconds": round(load_seconds, 3),
        "prompt_tokens": rounds[-1].prompt_tokens,
        "tokens": rounds[-1].tokens,
        "first_token_seconds": round(statistics.median(g.prefill_seconds for g in rounds), 4),
        "tokens_per_second": round(statistics.median(speeds), 2) if speeds else 0.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, help="a GGUF file (default: the bundled model)")
    parser.add_argument("--tokens", type=int, default=128, help="tokens generated per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--n-ctx", type=int, default=2048)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from docnook.llm.gpu import gpu_info
    from docnook.llm.models import ModelCatalog

    with tempfile.TemporaryDirectory() as scratch:
        model = args.model or ModelCatalog(Path(scratch)).ensure_default()
        cpu = bench(model, 0, args)
        gpu = bench(model, -1, args)
    result = {
        "model": str(model),
        "gpu": gpu_info().as_json(),
        "cpu": cpu,
        "all_layers": gpu,
        "speedup_generation": round(gpu["tokens_per_second"] / cpu["tokens_per_second"], 2)
        if cpu["tokens_per_second"]
        else None,
        "speedup_first_token": round(cpu["first_token_seconds"] / gpu["first_token_seconds"], 2)
        if gpu["first_token_seconds"]
        else None,
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"model: {model.name}   GPU: {', '.join(d['name'] for d in result['gpu']['devices'])}")
    print(f"{'side':<12} {'offloaded':>9} {'load s':>7} {'first token s':>14} {'tokens/s':>9}")
    for name, side in (("CPU", cpu), ("all layers", gpu)):
        print(
            f"{name:<12} {side['offloaded_layers']:>9} {side['load_seconds']:>7.2f} "
            f"{side['first_token_seconds']:>14.3f} {side['tokens_per_second']:>9.1f}"
        )
    print(
        f"all layers / CPU: generation x{result['speedup_generation']}, "
        f"first token x{result['speedup_first_token']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
