"""The prompts, for two kinds of model.

A base model (the bundled Gemma 3 270M) has no chat template: it continues text. Its prompts are
plain documents that end where the wanted text begins ("Answer:", "Overview:", "Sentiment:"),
with a worked example first where that steers a small model (few-shot), and stop sequences that
end the completion where the example's would end. An instruct model whose GGUF carries a chat
template gets a user message rendered through that template instead.

Every prompt is built against a token budget counted with the model's own tokenizer (the
`PromptStyle.count` function), so it always fits the context with room for the answer.
Everything here is pure: no llama.cpp, no SQLite; unit tests drive it with a fake tokenizer.
Fixed text comes first in each prompt and the variable part last, so llama.cpp's KV cache reuses
the instructions and examples from one request to the next.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from docnook.errors import InputError

# Bumped whenever a prompt's wording changes, so cached analyses made with the old one expire.
# (Summaries: `summary_prompts.SUMMARY_VERSION`.) Sentiment's also when its scores are read
# another way: 2, the lexicon's second opinion (`assistant.sentiment_lexicon`).
SENTIMENT_VERSION = "sentiment-2"

LABELS = ("positive", "neutral", "negative")
# A question must leave room for at least this much of a source, or there is nothing to answer
# from.
MIN_SOURCE_TOKENS = 96
MARGIN = 8  # tokens of slack: counts of joined pieces can differ by a token at the seams


@dataclass(frozen=True)
class Sampling:
    temperature: float = 0.0  # greedy: the same question over the same sources, the same answer
    top_k: int = 40
    top_p: float = 0.95
    min_p: float = 0.05
    repeat_penalty: float = 1.1  # small models loop without it


@dataclass(frozen=True)
class Prompt:
    text: str
    stop: tuple[str, ...] = ()
    max_tokens: int = 256
    special: bool = False  # parse special tokens (<start_of_turn>...) written by a chat template
    sampling: Sampling = Sampling()


@dataclass(frozen=True)
class PromptStyle:
    """How to talk to the loaded model."""

    count: Callable[[str], int]  # tokens of a text, with the model's tokenizer
    n_ctx: int
    render_chat: Callable[[list[dict[str, str]]], str] | None = None  # None: a base model

    @property
    def chat(self) -> bool:
        return self.render_chat is not None

    def user_turn(self, content: str) -> str:
        assert self.render_chat is not None
        return self.render_chat([{"role": "user", "content": content}])


@dataclass(frozen=True)
class SourceText:
    """A passage offered to the model as a numbered source."""

    key: int  # the chunk id: identifies the passage across requests
    title: str
    page_start: int
    page_end: int
    text: str


def page_label(page_start: int, page_end: int) -> str:
    return f"p. {page_start}" if page_start == page_end else f"pp. {page_start}-{page_end}"


# -- asking -------------------------------------------------------------------------------

ASK_INSTRUCTION = (
    "Answer the question from the numbered sources. Cite the source of each fact with its "
    "number in brackets, like [1]. If the sources do not contain the answer, say that they "
    "do not."
)
_ASK_EXAMPLE = """Source [1] (Kitchen guide, p. 4):
Water boils at 100 degrees Celsius at sea level. At high altitude it boils at a lower temperature.

Source [2] (Kitchen guide, p. 9):
Bread dough should rest for one hour before baking.

Question: At what temperature does water boil at sea level?
Answer: Water boils at 100 degrees Celsius at sea level [1].

Question: How long should bread dough rest?
Answer: Bread dough should rest for one hour before baking [2].
"""
EXAMPLE_MIN_CTX = 1024
_ASK_STOPS = ("\n\n", "\nQuestion:", "\nSource [")


def _source_block(n: int, source: SourceText, chat: bool) -> str:
    where = f"{source.title}, {page_label(source.page_start, source.page_end)}"
    text = " ".join(source.text.split())
    return f"[{n}] ({where}):\n{text}" if chat else f"Source [{n}] ({where}):\n{text}"


def _ask_text(style: PromptStyle, question: str, sources: Sequence[SourceText]) -> str:
    blocks = "\n\n".join(_source_block(n, s, style.chat) for n, s in enumerate(sources, 1))
    question = " ".join(question.split())
    if style.chat:
        return style.user_turn(f"{ASK_INSTRUCTION}\n\nSources:\n\n{blocks}\n\nQuestion: {question}")
    # The worked example teaches a base model to cite; a small context needs the room.
    example = f"{_ASK_EXAMPLE}\n" if style.n_ctx >= EXAMPLE_MIN_CTX else ""
    return f"{ASK_INSTRUCTION}\n\n{example}{blocks}\n\nQuestion: {question}\nAnswer:"


def answer_tokens(n_ctx: int) -> int:
    """Room kept for the answer: a few sentences, less on a tiny context."""
    return max(32, min(256, n_ctx // 8))


def _ask_budget(n_ctx: int) -> int:
    """Tokens an ask prompt may take: the context less the answer's room and the margin."""
    return n_ctx - answer_tokens(n_ctx) - MARGIN


def check_question(style: PromptStyle, question: str) -> None:
    """Refuse a question that leaves the context no room for the documents it asks about."""
    budget = _ask_budget(style.n_ctx)
    question_tokens = style.count(_ask_text(style, question, []))
    if question_tokens > budget - MIN_SOURCE_TOKENS:
        raise InputError(
            f"The question is too long for the model's context: it takes {question_tokens:,} "
            f"of the {style.n_ctx:,} tokens the model reads at once, leaving no room for the "
            "documents. Shorten it, or raise the context length in Settings."
        )


def ask_prompt(
    style: PromptStyle,
    question: str,
    candidates: Sequence[SourceText],
    previous: Sequence[int] = (),
) -> tuple[Prompt, list[SourceText]]:
    """The question with as many sources as fit, most relevant first, and the sources used in
    the order they are numbered. Sources that were in the `previous` prompt (by key) keep
    their numbers' order at the front, so a follow-up shares the longest possible prefix with
    the prompt before it and llama.cpp skips re-reading it."""
    max_tokens = answer_tokens(style.n_ctx)
    budget = _ask_budget(style.n_ctx)
    check_question(style, question)
    chosen: list[SourceText] = []
    for source in candidates:
        trial = [*chosen, source]
        if style.count(_ask_text(style, question, trial)) <= budget:
            chosen = trial
            continue
        room = budget - style.count(_ask_text(style, question, chosen))
        if room >= 48:  # a useful part of the passage still fits: keep its beginning
            cut = _truncate(source.text, room - 24, style.count)
            if cut:
                chosen.append(_replace_text(source, cut))
        break
    ordered = order_for_cache(chosen, previous)
    text = _ask_text(style, question, ordered)
    while ordered and style.count(text) > budget:
        ordered = ordered[:-1]
        text = _ask_text(style, question, ordered)
    stops = () if style.chat else _ASK_STOPS
    prompt = Prompt(text, stops, max_tokens, special=style.chat)
    return prompt, ordered


def order_for_cache(chosen: Sequence[SourceText], previous: Sequence[int]) -> list[SourceText]:
    """`chosen`, with the ones also in `previous` first, in the previous order."""
    rank = {key: i for i, key in enumerate(previous)}
    kept = sorted((s for s in chosen if s.key in rank), key=lambda s: rank[s.key])
    return kept + [s for s in chosen if s.key not in rank]


def _replace_text(source: SourceText, text: str) -> SourceText:
    return SourceText(source.key, source.title, source.page_start, source.page_end, text)


def _truncate(text: str, tokens: int, count: Callable[[str], int]) -> str:
    """The longest start of `text`, cut at a word, that is at most `tokens` long."""
    if tokens <= 0:
        return ""
    if count(text) <= tokens:
        return text
    low, high = 0, len(text)
    while low < high:  # binary search on characters; the count is monotone enough
        mid = (low + high + 1) // 2
        if count(text[:mid]) <= tokens:
            low = mid
        else:
            high = mid - 1
    cut = text[:low]
    space = cut.rfind(" ")
    return (cut[:space] if space > len(cut) // 2 else cut).rstrip()


# -- generated text ---------------------------------------------------------------------


def trim_to_sentence(text: str) -> str:
    """Text cut off by the token limit, ended at its last full sentence when it has one."""
    text = text.strip()
    if not text or text[-1] in ".!?…\"')]":
        return text
    ends = [m.end() for m in re.finditer(r"[.!?…](?=\s|$)", text)]
    return text[: ends[-1]] if ends and ends[-1] > len(text) // 3 else text


# -- sentiment ----------------------------------------------------------------------------

_SENTIMENT_EXAMPLES = """Classify the sentiment of each text as positive, neutral or negative. \
Factual or technical text with no opinion is neutral.

Text: The meeting is scheduled for Tuesday at 10 am in room 4.
Sentiment: neutral

Text: Terrible experience. It broke after one day and nobody answered my complaints.
Sentiment: negative

Text: The function returns a list of the file names in the directory, sorted alphabetically.
Sentiment: neutral

Text: I loved this product. It works perfectly and the support team was wonderful.
Sentiment: positive

Text: The harbor was built in 1871 and has three piers.
Sentiment: neutral

"""
# Label probabilities from this prompt are calibrated (`llm.calibration`): without that the
# 270M model calls nearly every factual page positive or negative.
_SENTIMENT_QUESTION = (
    "What is the sentiment of this text? Reply with one word: positive, neutral or negative."
)


def sentiment_prompt(style: PromptStyle, text: str) -> Prompt:
    """A prompt whose next token is the label; scored, never generated."""
    text = " ".join(text.split())
    if style.chat:
        return Prompt(style.user_turn(f"{_SENTIMENT_QUESTION}\n\nText: {text}"), special=True)
    return Prompt(f"{_SENTIMENT_EXAMPLES}Text: {text}\nSentiment:")


def label_variants(style: PromptStyle) -> dict[str, tuple[str, ...]]:
    """How each label may be written as the next token: after "Sentiment:" a base model writes
    " positive"; a chat model starts its reply with "Positive" or "positive"."""
    if style.chat:
        return {label: (label, label.capitalize(), " " + label) for label in LABELS}
    return {label: (" " + label,) for label in LABELS}


def sentiment_window(style: PromptStyle) -> int:
    """Tokens of text one sentiment prompt can hold (a page longer than this is split)."""
    room = style.n_ctx - style.count(sentiment_prompt(style, "").text) - MARGIN
    return max(16, min(room, 768))


def normalise(logprobs: dict[str, float]) -> dict[str, float]:
    """Probabilities over the labels from their log-probabilities (a softmax)."""
    top = max(logprobs.values())
    weights = {k: math.exp(v - top) for k, v in logprobs.items()}
    total = sum(weights.values())
    return {k: w / total for k, w in weights.items()}


# -- splitting text to fit ----------------------------------------------------------------


def split_to_budget(text: str, tokens: int, count: Callable[[str], int]) -> list[str]:
    """`text` in consecutive pieces of at most `tokens` tokens, cut between words (a single
    character is never cut, so a piece may exceed a budget below one character's tokens)."""
    text = text.strip()
    if not text:
        return []
    if len(text) == 1 or count(text) <= tokens:
        return [text]
    middle = len(text) // 2
    cut = text.rfind(" ", 0, middle)
    if cut <= 0:
        cut = text.find(" ", middle)
    if cut <= 0:
        cut = middle  # one very long "word": cut it anyway
    head = split_to_budget(text[:cut], tokens, count)
    return head + split_to_budget(text[cut:], tokens, count)
