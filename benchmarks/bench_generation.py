"""Generation benchmark: DocNook's engine against raw llama-cpp-python, and `ask` latency.

In one process, on the same model file, the same settings and the same prompt:

- raw: `llama_cpp.Llama.generate` in a plain loop (the fastest way llama-cpp-python offers),
  and `Llama.create_completion(stream=True)` (the way most programs call it);
- DocNook: `Engine.run` with `LoadedModel.stream`, tokens handed to a callback on the calling
  thread exactly as the CLI and the window receive them.

Generation speed is reported in tokens per second of wall-clock time, and also per CPU-second
of the process: on a machine shared with other work the first is noisy, while the second
shows DocNook's own overhead per token.

Rounds alternate raw and DocNook so a machine shared with other work slows both alike; the
median round is reported. Greedy sampling makes both sides generate the very same tokens.
Then `Assistant.ask` is timed to its first streamed token: cold (a new assistant: the model,
and the embedder if nothing loaded it yet), the same question again, a rephrasing that finds
mostly the same sources (DocNook keeps their order so the KV cache still holds them), and a
question on another topic. Peak RSS is the whole process's.

    python benchmarks/bench_generation.py                      # indexes a few generated PDFs
    python benchmarks/bench_generation.py --data-dir DIR       # a DocNook data dir, indexed
                                                               # (e.g. the R manuals)
    python benchmarks/bench_generation.py --json
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
MIN_RATIO = 0.95
PROMPT = (
    "The following is a chapter from a history of a small harbor town in the north.\n\n"
    "Chapter 1. The founding of the harbor\n\n"
    "In the spring of 1871 the merchant guild of Eldvik decided to build a harbor"
)
# Questions for the R manuals, and for the generated library when no data dir is given.
R_QUESTIONS = (
    "How do I install a package from CRAN?",
    "How can I install packages from CRAN?",
    "What is a data frame?",
)
GENERATED_QUESTIONS = (
    "When was the harbor of Eldvik built?",
    "In which year was the Eldvik harbor built?",
    "Who kept the lighthouse?",
)


def _peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024


# -- token generation: raw vs DocNook --------------------------------------------------------


def _raw_llama(model_path: Path, args: argparse.Namespace) -> Any:
    import llama_cpp

    threads = args.threads or None
    return llama_cpp.Llama(
        model_path=str(model_path),
        n_ctx=args.n_ctx,
        n_batch=min(512, args.n_ctx),
        n_ubatch=min(512, args.n_ctx),
        n_threads=threads,
        n_threads_batch=threads,
        swa_full=True,  # as DocNook loads it
        verbose=False,
    )


def raw_generate(llm: Any, prompt: str, max_tokens: int) -> dict[str, float]:
    """Prefill and generation rates of a plain `Llama.generate` loop, cold KV cache."""
    import llama_cpp

    tokens = llm.tokenize(prompt.encode("utf-8"), add_bos=True, special=False)
    llm.reset()
    started = time.perf_counter()
    stamps: list[tuple[float, float]] = []
    for token in llm.generate(tokens, temp=0.0, repeat_penalty=1.1):
        stamps.append(_now())
        if llama_cpp.llama_vocab_is_eog(llm._model.vocab, token) or len(stamps) >= max_tokens:
            break
        llm.detokenize([token])
    return _rates(len(tokens), started, stamps)


def raw_completion(llm: Any, prompt: str, max_tokens: int) -> dict[str, float]:
    """The same through `create_completion(stream=True)`."""
    llm.reset()
    started = time.perf_counter()
    stamps: list[tuple[float, float]] = []
    for _chunk in llm.create_completion(
        prompt, max_tokens=max_tokens, temperature=0.0, repeat_penalty=1.1, stream=True
    ):
        stamps.append(_now())
    n_prompt = len(llm.tokenize(prompt.encode("utf-8"), add_bos=True))
    return _rates(n_prompt, started, stamps)


def docnook_generate(engine: Any, prompt: str, max_tokens: int) -> dict[str, float]:
    """The engine: a job on its worker thread, tokens delivered to a callback here."""
    from docnook.llm.prompts import Prompt

    stamps: list[tuple[float, float]] = []

    def reset(model: Any, emit: Any, cancel: Any) -> None:
        model.llama.reset()  # a cold KV cache, as for the raw side

    engine.run(reset)
    started = time.perf_counter()
    result = engine.run(
        lambda model, emit, cancel: model.stream(
            Prompt(prompt, max_tokens=max_tokens), emit, cancel
        ),
        on_token=lambda _text: stamps.append(_now()),
    )
    rates = _rates(result.prompt_tokens, started, stamps)
    rates["tokens"] = result.tokens
    return rates


def _now() -> tuple[float, float]:
    """Wall-clock and process CPU time: on a machine busy with other work the wall clock
    measures the neighbours too, while CPU seconds per token measure only this process."""
    return time.perf_counter(), time.process_time()


def _rates(prompt_tokens: int, started: float, stamps: list[tuple[float, float]]) -> dict:
    first = stamps[0][0] - started
    generated = len(stamps)
    span = stamps[-1][0] - stamps[0][0]
    cpu = stamps[-1][1] - stamps[0][1]
    return {
        "prompt_tokens": prompt_tokens,
        "tokens": generated,
        "prefill_tok_s": prompt_tokens / first,
        "gen_tok_s": (generated - 1) / span if span > 0 else float("nan"),
        "gen_tok_per_cpu_s": (generated - 1) / cpu if cpu > 0 else float("nan"),
        "first_token_s": first,
    }


def bench_generation(model_path: Path, args: argparse.Namespace) -> dict[str, Any]:
    from docnook.llm.engine import Engine, LoadSpec, gpu_info

    gpu_info()  # loads llama.cpp the way DocNook does: its log goes to `logging`, for both sides

    raw = _raw_llama(model_path, args)
    engine = Engine()
    engine.load(LoadSpec("default", model_path, "", n_ctx=args.n_ctx, n_threads=args.threads))
    prompt = PROMPT * max(1, args.prompt_repeat)
    sides = {
        "raw": lambda: raw_generate(raw, prompt, args.tokens),
        "docnook": lambda: docnook_generate(engine, prompt, args.tokens),
        "completion": lambda: raw_completion(raw, prompt, args.tokens),
    }
    rounds: dict[str, list[dict[str, float]]] = {side: [] for side in sides}
    try:
        for number in range(args.rounds):
            # Each round runs every side back to back, starting with a different one each
            # time, so a burst of load from elsewhere never favours one side.
            order = list(sides)
            order = order[number % len(order) :] + order[: number % len(order)]
            for side in order:
                rounds[side].append(sides[side]())
    finally:
        engine.close()
        raw.close()
    summary: dict[str, Any] = {
        side: {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        for side, runs in rounds.items()
    }

    def paired(key: str, other: str) -> float:
        """Median over rounds of DocNook's rate over the other side's in the same round."""
        pairs = zip(rounds["docnook"], rounds[other], strict=True)
        return statistics.median(ours[key] / theirs[key] for ours, theirs in pairs)

    summary["ratio_vs_generate"] = paired("gen_tok_s", "raw")
    summary["ratio_vs_completion"] = paired("gen_tok_s", "completion")
    summary["prefill_ratio"] = paired("prefill_tok_s", "raw")
    summary["cpu_ratio_vs_generate"] = paired("gen_tok_per_cpu_s", "raw")
    summary["ratio_spread"] = [
        round(ours["gen_tok_s"] / theirs["gen_tok_s"], 3)
        for ours, theirs in zip(rounds["docnook"], rounds["raw"], strict=True)
    ]
    return summary


# -- ask: time to first token ----------------------------------------------------------------


def _generated_library(root: Path) -> Path:
    """A small library of generated PDFs, indexed, when no data dir is given."""
    sys.path.insert(0, str(HERE.parent / "tests"))
    from docnook.library import Library
    from pdfmaker import make_pdf

    facts = [
        "The harbor of Eldvik was built in 1871 by the merchant guild; it has three piers.",
        "Marta Olsen kept the lighthouse for forty years and lit its lamp every night.",
        "In 1923 a storm destroyed the northern pier, which was rebuilt in stone.",
        "The fish market opens at dawn; cod and herring are sold by the crate.",
        "The museum opens at nine and closes at five, and is closed on Mondays.",
    ]
    pdfs = root / "pdfs"
    for n in range(5):
        pages = [
            f"{facts[(n + p) % len(facts)]} "
            + " ".join(
                f"Note {p}.{i}: the town records list {i * 7} boats that year." for i in range(12)
            )
            for p in range(10)
        ]
        make_pdf(pdfs / f"eldvik-{n}.pdf", pages, title=f"Eldvik records {n}")
    data = root / "data"
    with Library(data) as library:
        library.index([pdfs])
    return data


def bench_ask(data_dir: Path, questions: tuple[str, ...], args: argparse.Namespace) -> dict:
    from docnook import paths
    from docnook.assistant import Assistant
    from docnook.config import Settings, save_settings

    # The benchmark's settings for its run; the data dir's own are put back afterwards.
    settings_file = paths.settings_path(data_dir)
    saved = settings_file.read_bytes() if settings_file.exists() else None
    save_settings(data_dir, Settings(n_ctx=args.n_ctx, n_threads=args.threads))

    def ask(assistant: Assistant, question: str) -> dict[str, Any]:
        started = time.perf_counter()
        first: list[float] = []
        quoted: list[float] = []
        answer = assistant.ask(
            question,
            on_token=lambda _t: first or first.append(time.perf_counter()),
            on_quote=lambda _c: quoted or quoted.append(time.perf_counter()),
            keep=False,
        )
        done = time.perf_counter()
        generation = assistant.last_generation
        return {
            "question": question,
            "found": answer.found,
            "first_token_s": (first[0] if first else done) - started,
            "first_quote_s": (quoted[0] if quoted else done) - started,
            "total_s": done - started,
            "prompt_tokens": generation.prompt_tokens if generation else 0,
            "cached_tokens": generation.cached_tokens if generation else 0,
            "sources": [c.label() for c in answer.citations],
        }

    results: dict[str, Any] = {}
    assistant = Assistant(data_dir)
    try:
        results["cold"] = ask(assistant, questions[0])  # loads the model (and embedder)
        results["same_again"] = ask(assistant, questions[0])  # the whole prompt is cached
        results["rephrased"] = ask(assistant, questions[1])  # mostly the same sources
        results["other_topic"] = ask(assistant, questions[2])  # a warm engine, new sources
    finally:
        assistant.close()
        if saved is None:
            settings_file.unlink()
        else:
            settings_file.write_bytes(saved)
    return results


# -- report ----------------------------------------------------------------------------------


def _print(report: dict[str, Any]) -> None:
    gen = report["generation"]
    print(
        f"model {report['model']}  n_ctx {report['n_ctx']}  threads {report['threads'] or 'auto'}"
    )
    print(f"{'':<26}{'prefill tok/s':>14}{'gen tok/s':>11}{'first token':>13}{'tokens':>8}")
    for side, label in (
        ("raw", "llama-cpp generate loop"),
        ("completion", "llama-cpp create_completion"),
        ("docnook", "DocNook engine"),
    ):
        r = gen[side]
        print(
            f"{label:<26}{r['prefill_tok_s']:>14.1f}{r['gen_tok_s']:>11.1f}"
            f"{r['first_token_s']:>12.3f}s{int(r['tokens']):>8}"
        )
    verdict = "ok" if gen["ratio_vs_generate"] >= MIN_RATIO else f"BELOW {MIN_RATIO}"
    print(f"per-round ratios DocNook/raw generate: {gen['ratio_spread']}")
    print(
        f"generation ratio DocNook/raw generate: {gen['ratio_vs_generate']:.3f} ({verdict}); "
        f"vs create_completion: {gen['ratio_vs_completion']:.3f}; "
        f"prefill ratio: {gen['prefill_ratio']:.3f}"
    )
    print(
        "tokens per CPU-second, DocNook/raw generate (insensitive to other load): "
        f"{gen['cpu_ratio_vs_generate']:.3f}"
    )
    if "ask" in report:
        _print_ask(report)
    print(f"\npeak RSS {report['peak_rss_mib']:.0f} MiB")


def _print_ask(report: dict[str, Any]) -> None:
    print(f"\nask over {report['library']}: time to first token")
    for name, r in report["ask"].items():
        print(
            f"  {name:<22} {r['first_token_s']:>7.2f}s  (quote {r['first_quote_s']:.2f}s, "
            f"total {r['total_s']:.2f}s, prompt "
            f"{r['prompt_tokens']} tokens, {r['cached_tokens']} from the KV cache)  {r['question']}"
        )
    cold = report["ask"]["cold"]["first_token_s"]
    for name in ("same_again", "rephrased"):
        follow = report["ask"][name]["first_token_s"]
        print(f"  {name}: first token {cold / follow:.1f}x sooner than cold")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, help="an indexed DocNook data dir to ask")
    parser.add_argument(
        "--questions", nargs=3, metavar="Q", help="first, a rephrasing of it, another topic"
    )
    parser.add_argument("--tokens", type=int, default=96, help="tokens generated per round")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--n-ctx", type=int, default=4096)
    parser.add_argument("--threads", type=int, default=0, help="0: llama.cpp's default")
    parser.add_argument("--prompt-repeat", type=int, default=4, help="prompt length, in copies")
    parser.add_argument("--no-ask", action="store_true", help="time generation only")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    from docnook.privacy import install_network_guard

    install_network_guard()
    from docnook.llm.engine import gpu_info
    from docnook.llm.models import ModelCatalog

    with tempfile.TemporaryDirectory(prefix="docnook-bench-") as work:
        work_dir = Path(work)
        model_path = ModelCatalog(work_dir / "models-home").ensure_default()
        report: dict[str, Any] = {
            "model": model_path.name,
            "n_ctx": args.n_ctx,
            "threads": args.threads,
            "gpu": gpu_info().as_json(),
            "generation": bench_generation(model_path, args),
        }
        if args.no_ask:
            pass
        elif args.data_dir:
            questions = tuple(args.questions or R_QUESTIONS)
            report["library"] = str(args.data_dir)
            report["ask"] = bench_ask(args.data_dir, questions, args)
        else:
            data_dir = _generated_library(work_dir)
            report["library"] = "generated PDFs"
            report["ask"] = bench_ask(data_dir, tuple(args.questions or GENERATED_QUESTIONS), args)
        report["peak_rss_mib"] = _peak_rss_mib()
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
    else:
        _print(report)
    return 0 if report["generation"]["ratio_vs_generate"] >= MIN_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
