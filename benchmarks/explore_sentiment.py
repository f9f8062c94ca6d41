"""Sentiment variants on the development set (issue 12, part 2): prompts, content-free inputs
for calibration, and the lexicon's second opinion, each scored with the bundled model.

Only the development set (`sentiment/dev_passages.jsonl`) is read unless `--set bench` is
given; variants are chosen there, and `bench_sentiment.py` measures the chosen one on the
benchmark set. The model's raw label log-probabilities are kept in a JSON cache keyed by the
prompt text, so that calibration and lexicon variants cost no model time.

    python benchmarks/explore_sentiment.py                       # every variant, dev set
    python benchmarks/explore_sentiment.py --prompts V0 --misses # one, with its wrong answers
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_sentiment import LABELS, SETS, load_passages, metrics  # noqa: E402

# Worked examples written for this exploration (none is a passage of either set).
N_A = ("The plant closed in March and 240 jobs were cut.", "neutral")
N_B = ("Sales rose 12 percent in the second quarter, to 3.1 million.", "neutral")
N_D = (
    "If the file is missing, the function returns an error code and writes a line to the log.",
    "neutral",
)
POS_A = ("I loved this product. It works perfectly and the support team was wonderful.", "positive")
POS_B = ("Thank you all for a wonderful evening; we are delighted with how it went.", "positive")
POS_C = (
    "Great hotel: friendly staff, a lovely room and the best breakfast of our trip.",
    "positive",
)
NEG_A = (
    "Terrible experience. It broke after one day and nobody answered my complaints.",
    "negative",
)
NEG_B = (
    "I am very unhappy with the repair. The staff were rude and the leak is still there.",
    "negative",
)
NEG_C = ("A boring film with a silly plot. I want my two hours back.", "negative")
HEAD1 = (
    "Classify the sentiment of each text as positive, neutral or negative. A text is positive "
    "or negative only when its writer expresses a feeling or a judgement: praise, thanks, "
    "pleasure, complaint, anger, disappointment. Text that reports facts is neutral, even when "
    "the facts are good news or bad news."
)
CONTENT_FREE = {
    "paper's three (product)": ("N/A", "", "[MASK]"),
    "eight": ("N/A", "", "[MASK]", "...", "Text", "none", "-", "?"),
    "five others": ("...", "Text", "none", "-", "?"),
    "'' only": ("",),
    "N/A only": ("N/A",),
    "[MASK] only": ("[MASK]",),
}


def _examples(head: str, examples: Sequence[tuple[str, str]]) -> str:
    return head + "\n\n" + "".join(f"Text: {t}\nSentiment: {label}\n\n" for t, label in examples)


def prompt_heads() -> dict[str, str]:
    from docnook.llm import prompts

    old_head = prompts._SENTIMENT_EXAMPLES.split("\n\n")[0]
    return {
        "V0": prompts._SENTIMENT_EXAMPLES,  # the product's (sentiment-1 and -2)
        "V1": _examples(HEAD1, [N_A, POS_A, NEG_A, N_B, NEG_B, POS_B]),  # 2 a label, cycled
        "V1i": _examples(old_head, [N_A, POS_A, NEG_A, N_B, NEG_B, POS_B]),  # old instruction
        "V1r": _examples(HEAD1, [POS_A, NEG_A, N_A, NEG_B, POS_B, N_B]),  # neutral last: recency
        "V2": _examples(HEAD1, [N_A, POS_A, NEG_A, N_B, NEG_B, POS_B, N_D, POS_C, NEG_C]),
    }


def prompt_text(head: str, text: str) -> str:
    return f"{head}Text: {' '.join(text.split())}\nSentiment:"


class Scorer:
    """Raw label log-probabilities of prompt texts with the bundled model, cached."""

    WORDS: Mapping[str, tuple[str, ...]] = MappingProxyType({k: (" " + k,) for k in LABELS})

    def __init__(self, cache: Path) -> None:
        self.path = cache
        self.cache = json.loads(cache.read_text()) if cache.exists() else {}
        self._assistant: Any = None

    def _key(self, text: str) -> str:
        return hashlib.sha1((json.dumps(dict(self.WORDS)) + "\x00" + text).encode()).hexdigest()

    def __call__(self, texts: Sequence[str]) -> list[dict[str, float]]:
        from docnook.llm import prompts

        todo = [t for t in texts if self._key(t) not in self.cache]
        if todo:

            def job(model: Any, emit: Any, cancel: Any) -> list[dict[str, float]]:
                return [model.label_logprobs(prompts.Prompt(t), self.WORDS, cancel) for t in todo]

            started = time.perf_counter()
            for text, scores in zip(todo, self._engine().run(job), strict=True):
                self.cache[self._key(text)] = scores
            print(f"  scored {len(todo)} prompts: {time.perf_counter() - started:.0f} s")
            self.path.write_text(json.dumps(self.cache))
        return [prompts.normalise(self.cache[self._key(t)]) for t in texts]

    def _engine(self) -> Any:
        if self._assistant is None:
            from docnook.assistant import Assistant

            data = Path(tempfile.mkdtemp(prefix="docnook-explore-sentiment-"))
            os.environ["DOCNOOK_DATA_DIR"] = str(data)
            self._assistant = Assistant(data)
            self._assistant.runtime.ensure_model()
        return self._assistant.runtime.engine

    def close(self) -> None:
        if self._assistant is not None:
            self._assistant.close()


def _row(name: str, gold: Sequence[str], predicted: Sequence[str]) -> str:
    m = metrics(gold, predicted)
    neutral = m["confusion"]["neutral"]
    f1 = " / ".join(f"{m['f1'][label]:.2f}" for label in LABELS)
    return (
        f"| {name} | {m['accuracy']:.3f} | {m['macro_f1']:.3f} | {f1} | "
        f"{neutral['neutral']} / {sum(neutral.values())} "
        f"(pos {neutral['positive']}, neg {neutral['negative']}) |"
    )


def _top(scores: dict[str, float]) -> str:
    return max(LABELS, key=scores.__getitem__)


def _agreeing(calibrated: dict[str, float], allowed: frozenset[str] | None) -> str:
    """The model's label where the lexicon reads the same polarity (or cannot read), else
    neutral."""
    label = _top(calibrated)
    if allowed is None or label == "neutral":
        return label
    return label if allowed == {label, "neutral"} else "neutral"


def explore(scorer: Scorer, passages: Sequence[Any], heads: dict[str, str], misses: bool) -> None:
    from docnook.assistant import sentiment_lexicon as lexicon
    from docnook.llm import calibration

    gold = [p.label for p in passages]
    allowed = [lexicon.allowed_labels(p.text) for p in passages]
    lexicon_alone = [
        "neutral" if a is None else next((k for k in a if k != "neutral"), "neutral")
        for a in allowed
    ]
    print("| variant | accuracy | macro-F1 | F1 pos / neu / neg | neutral right (misses) |")
    print("| --- | ---: | ---: | --- | --- |")
    print(_row("lexicon alone (VADER, mean of sentences, +-0.05)", gold, lexicon_alone))
    rules: dict[str, Callable[[dict[str, float], frozenset[str] | None], str]] = {
        "calibrated": lambda c, a: _top(c),
        "+ lexicon rules polar labels out (product)": lambda c, a: _top(lexicon.restrict(c, a)),
        "+ polar only where lexicon agrees": _agreeing,
    }
    for name, head in heads.items():
        raw = scorer([prompt_text(head, p.text) for p in passages])
        print(_row(f"{name} raw", gold, [_top(r) for r in raw]))
        cf_all = sorted({t for texts in CONTENT_FREE.values() for t in texts})
        free = dict(zip(cf_all, scorer([prompt_text(head, t) for t in cf_all]), strict=True))
        for cf_name, texts in CONTENT_FREE.items():
            if name != "V0" and cf_name != "paper's three (product)":
                continue  # other content-free sets only with the product's prompt
            prior = calibration.mean_distribution([free[t] for t in texts])
            cal = [calibration.calibrate(r, prior) for r in raw]
            for rule_name, rule in rules.items():
                predicted = [rule(c, a) for c, a in zip(cal, allowed, strict=True)]
                print(_row(f"{name}, CF {cf_name}, {rule_name}", gold, predicted))
                if misses and cf_name.endswith("(product)") and "product" in rule_name:
                    for p, c, a, label in zip(passages, cal, allowed, predicted, strict=True):
                        if label != p.label:
                            print(f"    miss {p.id}: {p.label} -> {label}; model {_top(c)}, {a}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(SETS), default="dev")
    parser.add_argument("--prompts", default="", help="comma-separated names (default: all)")
    parser.add_argument("--cache", type=Path, default=HERE / "data" / "explore-sentiment.json")
    parser.add_argument("--misses", action="store_true", help="list the product's wrong answers")
    args = parser.parse_args(argv)
    from docnook.privacy import install_network_guard

    install_network_guard()
    heads = prompt_heads()
    if args.prompts:
        heads = {name: heads[name] for name in args.prompts.split(",")}
    args.cache.parent.mkdir(parents=True, exist_ok=True)
    scorer = Scorer(args.cache)
    try:
        explore(scorer, load_passages(SETS[args.set]), heads, args.misses)
    finally:
        scorer.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
