"""The check that generated text states no fact its source lacks."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from docnook.llm import grounding

SOURCE = (
    "The function lapply() returns a list of the same length as X. The default of SIMPLIFY "
    "is TRUE; see Section 4.2 of the manual by the R Core Team, 1,024 pages."
)


def test_supported_facts_pass() -> None:
    for answer in (
        "lapply() returns a list [1].",
        "SIMPLIFY defaults to TRUE.",
        "See Section 4.2, by the R Core Team.",
        "It has 1024 pages.",
    ):
        assert grounding.check(answer, SOURCE).passed, answer


def test_invented_numbers_identifiers_and_names_fail() -> None:
    assert grounding.check("sapply() returns a vector.", SOURCE).unsupported == ("sapply",)
    assert grounding.check("The default is 10.", SOURCE).unsupported == ("10",)
    assert set(grounding.check("Written by Hadley Wickham.", SOURCE).unsupported) == {
        "hadley",
        "wickham",
    }
    assert grounding.check("Use os.path.join here.", SOURCE).unsupported == ("os.path.join",)


def test_stream_passes_only_checked_words_and_stops_at_the_first_invention() -> None:
    shown: list[str] = []
    stream = grounding.GroundedStream(SOURCE, shown.append)
    for piece in ["lapply", "() returns ", "a list", " of length 37", " items."]:
        stream.feed(piece)
    stream.finish()
    assert stream.failed is not None and stream.failed.unsupported == ("37",)
    assert "".join(shown) == stream.passed
    assert "37" not in stream.passed


@given(st.lists(st.sampled_from(["lapply()", "list", "TRUE", "4.2", "the", "X", " ", "."])))
def test_stream_of_source_words_always_passes_everything(pieces: list[str]) -> None:
    shown: list[str] = []
    stream = grounding.GroundedStream(SOURCE, shown.append)
    for piece in pieces:
        stream.feed(piece + " ")
    stream.finish()
    assert stream.failed is None
    assert "".join(shown) == "".join(p + " " for p in pieces)


def test_questions_that_ask_for_something_are_told_from_yes_no_and_choices() -> None:
    for question in (
        "Which function writes CSV files where the comma is the decimal mark?",
        "How many clicks does locator() collect by default?",
        "I ran a script and nothing was printed. Why?",
    ):
        assert grounding.asks_for_something(question), question
    for question in (
        "Is 64-bit R faster or slower than 32-bit R?",
        "Does lme4 give influence diagnostics?",
        "Can I define my own operator, and how must it be named?",
        "Should I use tabs?",
    ):
        assert not grounding.asks_for_something(question), question


def test_a_restatement_adds_nothing_an_answer_does() -> None:
    question = "Where the comma is the decimal mark, which function writes CSV files?"
    assert not grounding.adds_to(question, "The comma is the decimal mark.")
    assert not grounding.adds_to(question, "A function writes CSV files.")
    assert grounding.adds_to(question, "write.csv2.")
    assert grounding.adds_to(question, "It uses a semicolon as separator.")
    assert grounding.adds_to("How many pages?", "12 pages.")


def _short(question: str, quote: str, pieces: list[str]) -> tuple[grounding.ShortAnswer, str]:
    shown: list[str] = []
    answer = grounding.ShortAnswer(question, quote, shown.append)
    for piece in pieces:
        answer.feed(piece)
    answer.finish()
    return answer, "".join(shown)


def test_a_short_answer_that_says_the_question_back_is_never_shown() -> None:
    question = "Which function writes CSV files where the comma is the decimal mark?"
    quote = "Where the comma is the decimal mark, use write.csv2 for appropriate defaults."
    answer, shown = _short(question, quote, ["The ", "comma ", "is the ", "decimal mark."])
    assert not answer.opened and shown == "" and answer.shown == ""
    answer, shown = _short(question, quote, ["The ", "function ", "write.csv2 ", "does."])
    assert answer.opened and shown == "The function write.csv2 does."


def test_a_short_extract_of_the_quote_is_shown_a_copied_sentence_is_not() -> None:
    question = "How much is the annual plot fee?"
    quote = "The annual plot fee is 45 euros, due by March. Tools are shared by all members."
    answer, shown = _short(question, quote, [" 45 ", "euros."])
    assert shown == " 45 euros." and answer.shown == "45 euros."
    answer, shown = _short(
        question, quote, ["The annual ", "plot fee is 45 ", "euros, due by March."]
    )
    assert not answer.opened and shown == ""
    answer, shown = _short(question, quote, ["It is 45 ", "euros, due ", "in March."])
    assert answer.opened and shown == "It is 45 euros, due in March."


def test_a_short_answer_says_only_what_the_quote_says() -> None:
    # Its words are the question's and the quote's: one from elsewhere is the model reading
    # past the span the person sees, and the answer is dropped, whatever came before it.
    question = "What happened to the mcmcsamp function?"
    quote = "Previous versions of lme4 provided mcmcsamp. It has been withdrawn."
    answer, shown = _short(question, quote, ["It was ", "withdrawn."])
    assert answer.opened and answer.shown == "It was withdrawn."
    pieces = ["The mcmcsamp ", "function was ", "removed ", "from the ", "library."]
    answer, shown = _short(question, quote, pieces)
    assert answer.dropped and answer.done and not answer.opened and shown == ""
    # It stops at the first such word: the generation need not run on.
    answer = grounding.ShortAnswer(question, quote, lambda _: None)
    answer.feed("It was removed ")
    assert answer.done and answer.dropped
    # Nothing is shown before the sentence has ended and passed.
    answer = grounding.ShortAnswer(question, quote, lambda _: None)
    answer.feed("It was ")
    assert not answer.opened and not answer.done


def test_a_short_answer_ends_with_its_first_sentence() -> None:
    quote = "Marta Olsen kept the lighthouse for forty years. She lit the lamp each night."
    answer, shown = _short(
        "Who kept the lighthouse?", quote, ["Marta Olsen ", "kept it. ", "She lit ", "the lamp."]
    )
    assert answer.done and answer.shown == "Marta Olsen kept it."
    assert shown.strip() == "Marta Olsen kept it."


def test_a_short_answer_in_chinese_is_read_by_character_pairs() -> None:
    # No spaces: the answer's run of characters is not a word of the quote, its pairs are.
    question = "图书馆几点开门？"
    quote = "市立图书馆每天早上九点开门，晚上八点关门。"
    answer, shown = _short(question, quote, ["早上九点开门。"])
    assert answer.opened and shown == "早上九点开门。"
    answer, shown = _short(question, quote, ["下午三点开门。"])
    assert answer.dropped and not answer.opened
