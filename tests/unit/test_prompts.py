"""Prompt building against a token budget, with a fake tokenizer (one token per word or
punctuation mark), and stop sequences on a token stream."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docnook.errors import InputError
from docnook.llm import prompts
from docnook.llm.prompts import PromptStyle, SourceText
from docnook.llm.stops import StopScanner

_TOKEN = re.compile(r"\w+|[^\w\s]")


def count(text: str) -> int:
    return len(_TOKEN.findall(text))


def chat(messages: list[dict[str, str]]) -> str:
    return "".join(f"<turn {m['role']}>{m['content']}<end>" for m in messages) + "<turn model>"


def base_style(n_ctx: int = 2048) -> PromptStyle:
    return PromptStyle(count=count, n_ctx=n_ctx)


def chat_style(n_ctx: int = 2048) -> PromptStyle:
    return PromptStyle(count=count, n_ctx=n_ctx, render_chat=chat)


def source(key: int, words: int, page: int = 1) -> SourceText:
    return SourceText(key, f"Doc {key}", page, page, " ".join(f"w{key}x{i}" for i in range(words)))


# -- asking -----------------------------------------------------------------------------


def test_ask_prompt_numbers_sources_and_ends_where_the_answer_starts() -> None:
    prompt, used = prompts.ask_prompt(
        base_style(), "Who kept the lighthouse?", [source(1, 20), source(2, 20, page=7)]
    )
    assert [s.key for s in used] == [1, 2]
    assert "Source [1] (Doc 1, p. 1):" in prompt.text
    assert "Source [2] (Doc 2, p. 7):" in prompt.text
    assert prompt.text.endswith("Question: Who kept the lighthouse?\nAnswer:")
    assert "\n\n" in prompt.stop and not prompt.special
    assert count(prompt.text) + prompt.max_tokens <= 2048


@pytest.mark.parametrize("n_ctx", [256, 512, 1024, 2048, 4096])
def test_ask_prompt_keeps_within_the_context(n_ctx: int) -> None:
    candidates = [source(k, 150) for k in range(1, 9)]
    prompt, used = prompts.ask_prompt(base_style(n_ctx), "A question?", candidates)
    assert count(prompt.text) + prompt.max_tokens <= n_ctx
    assert used, "at least part of the best source fits"
    assert used[0].key == 1  # the most relevant is never the one left out
    if n_ctx == 4096:
        assert len(used) > 3
    assert ("Kitchen guide" in prompt.text) == (n_ctx >= prompts.EXAMPLE_MIN_CTX)


@pytest.mark.parametrize("style", [base_style(1024), chat_style(1024)])
def test_a_question_that_leaves_no_room_for_sources_is_refused(style: PromptStyle) -> None:
    room = style.n_ctx - prompts.answer_tokens(style.n_ctx) - prompts.MARGIN
    fits = " ".join(["word"] * (room - prompts.MIN_SOURCE_TOKENS - 200))
    prompts.check_question(style, fits)
    _, used = prompts.ask_prompt(style, fits, [source(1, 400)])
    assert used and used[0].text  # what room is left goes to the best source
    with pytest.raises(InputError, match="question is too long") as info:
        prompts.ask_prompt(style, " ".join(["word"] * room), [source(1, 20)])
    assert f"of the {style.n_ctx:,} tokens" in str(info.value)


def test_last_source_is_cut_to_fit_rather_than_dropped() -> None:
    style = base_style(600)
    prompt, used = prompts.ask_prompt(style, "Q?", [source(1, 100), source(2, 400)])
    assert [s.key for s in used] == [1, 2]
    assert 0 < len(used[1].text.split()) < 400
    assert count(prompt.text) + prompt.max_tokens <= 600


def test_sources_of_the_previous_prompt_come_first_for_the_kv_cache() -> None:
    candidates = [source(5, 10), source(3, 10), source(9, 10)]
    _, used = prompts.ask_prompt(base_style(), "Q?", candidates, previous=[9, 3, 42])
    assert [s.key for s in used] == [9, 3, 5]
    first, _ = prompts.ask_prompt(base_style(), "First question?", candidates, previous=[9, 3])
    second, _ = prompts.ask_prompt(base_style(), "Follow-up?", candidates, previous=[9, 3])
    shared = len(first.text) - len(first.text.split("Question: First")[-1])
    assert second.text[: shared - len("Question: ")] == first.text[: shared - len("Question: ")]


def test_chat_models_get_their_template() -> None:
    prompt, _ = prompts.ask_prompt(chat_style(), "Q?", [source(1, 5)])
    assert prompt.text.startswith("<turn user>") and prompt.text.endswith("<turn model>")
    assert prompt.special and prompt.stop == ()
    assert "[1] (Doc 1, p. 1):" in prompt.text


# -- sentiment ------------------------------------------------------------


def test_sentiment_prompt_ends_before_the_label() -> None:
    prompt = prompts.sentiment_prompt(base_style(), "I love   it.\n")
    assert prompt.text.endswith("Text: I love it.\nSentiment:")
    assert prompts.label_variants(base_style())["positive"] == (" positive",)
    variants = prompts.label_variants(chat_style())
    assert set(variants) == set(prompts.LABELS) and "Negative" in variants["negative"]
    window = prompts.sentiment_window(base_style(1024))
    assert 16 <= window <= 768
    long = " ".join(["word"] * window)
    assert count(prompts.sentiment_prompt(base_style(1024), long).text) < 1024


def test_normalise() -> None:
    p = prompts.normalise({"positive": -1.0, "neutral": -3.0, "negative": -1.0})
    assert sum(p.values()) == pytest.approx(1.0)
    assert p["positive"] == pytest.approx(p["negative"])


def test_trim_to_sentence() -> None:
    assert prompts.trim_to_sentence("The first sentence is whole. Two is cut") == (
        "The first sentence is whole."
    )
    assert prompts.trim_to_sentence("Hi. Most of the text would go") == (
        "Hi. Most of the text would go"
    )
    assert prompts.trim_to_sentence("Whole sentence.") == "Whole sentence."
    assert prompts.trim_to_sentence("no end at all") == "no end at all"


# -- splitting and grouping ---------------------------------------------------------------

_words = st.lists(st.text(alphabet="abcdefgh.,", min_size=1, max_size=12), max_size=200)


@given(_words, st.integers(1, 60))
@settings(max_examples=200, deadline=None)
def test_split_keeps_every_word_in_order_within_budget(words: list[str], budget: int) -> None:
    text = " ".join(words)
    pieces = prompts.split_to_budget(text, budget, count)
    assert " ".join(pieces).split() == text.split() or "".join(pieces).replace(" ", "") == (
        text.replace(" ", "")
    )
    for piece in pieces:
        assert piece and (count(piece) <= budget or len(piece.split()) == 1)


# -- stop sequences -----------------------------------------------------------------------


def test_stop_sequence_across_tokens() -> None:
    scanner = StopScanner(["\nQuestion:"])
    out = [scanner.feed(t) for t in ["The answer", " is 4.", "\nQue", "stion: next"]]
    assert "".join(out) == "The answer is 4."
    assert scanner.stopped and scanner.flush() == ""


def test_held_text_is_released_when_it_cannot_be_a_stop() -> None:
    scanner = StopScanner(["\n\n"])
    assert scanner.feed("line\n") == "line"
    assert scanner.feed("more") == "\nmore"
    assert scanner.feed("end\n") == "end"
    assert scanner.flush() == "\n"


@given(
    st.text(alphabet="ab\nQ:", max_size=60),
    st.lists(st.integers(1, 7), max_size=30),
    st.lists(st.text(alphabet="ab\nQ:", min_size=1, max_size=4), max_size=3),
)
@settings(max_examples=300, deadline=None)
def test_stop_scanner_matches_a_plain_search(text: str, cuts: list[int], stops: list[str]) -> None:
    pieces, i = [], 0
    for n in cuts:
        pieces.append(text[i : i + n])
        i += n
    pieces.append(text[i:])
    scanner = StopScanner(stops)
    out = "".join(scanner.feed(p) for p in pieces) + scanner.flush()
    hits = [text.find(s) for s in stops if s and text.find(s) >= 0]
    assert out == (text[: min(hits)] if hits else text)
    assert scanner.stopped == bool(hits)
