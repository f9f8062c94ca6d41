"""Choosing the sentence an answer rests on, and declining when none supports one."""

from __future__ import annotations

from docnook.assistant.chats import ChatContext
from docnook.assistant.evidence import (
    assess,
    closest_quote,
    coverage,
    key_terms,
    key_words,
    quote_span,
    telling_words,
)
from docnook.index.rerank import ScoredSentence
from docnook.index.search import SearchHit

PASSAGE = (
    "Options are set with options(). The digits option controls printing: "
    "It defaults to 7 significant digits. Scipen sets a penalty."
)


def _hit(scores: dict[str, float]) -> SearchHit:
    sentences = []
    start = 0
    for sentence in (
        "Options are set with options().",
        "The digits option controls printing:",
        "It defaults to 7 significant digits.",
        "Scipen sets a penalty.",
    ):
        start = PASSAGE.index(sentence, start)
        score = scores.get(sentence, 0.1)
        sentences.append(
            ScoredSentence(sentence, start, start + len(sentence), 4, score, 0.0, score)
        )
        start += len(sentence)
    sentences.sort(key=lambda s: -s.score)
    return SearchHit(1, 1, "/m.pdf", "Manual", 4, 4, 1.0, PASSAGE, 4, 0.5, 1, tuple(sentences))


def test_quote_takes_the_lead_in_and_the_sentence_it_points_back_to() -> None:
    # A short sentence is quoted with those after it (here to the passage's end, then the
    # one before), from the passage's own text, not only the sentences the second stage scored.
    hit = _hit({"The digits option controls printing:": 0.8})
    assert quote_span(hit, hit.sentences[0]) == (" ".join(PASSAGE.split()), 4)
    long = "It defaults to 7 significant digits " + "and more words " * 22 + "here."
    text = f"{long} Scipen sets a penalty."
    alone = ScoredSentence(long, 0, len(long), 4, 0.8, 0.0, 0.8)
    wide = SearchHit(1, 1, "/m.pdf", "Manual", 4, 4, 1.0, text, 4, 0.5, 1, (alone,))
    assert quote_span(wide, alone) == (long, 4)  # long enough to stand alone
    hit = _hit({"It defaults to 7 significant digits.": 0.8})
    quote, _ = quote_span(hit, hit.sentences[0])
    assert "The digits option controls printing: It defaults" in quote


def test_support_needs_a_close_sentence_and_no_key_word_missing_from_the_library() -> None:
    hit = _hit({"It defaults to 7 significant digits.": 0.8})
    found = assess("What is the default number of digits printed?", [hit])
    assert found is not None and found.supported
    # The library never mentions Parquet: a close sentence about reading files is no answer.
    missing = assess("How do I read a Parquet file?", [hit], absent=["parquet"])
    assert missing is not None and not missing.supported and missing.absent == ("parquet",)
    weak = assess("What is the default number of digits printed?", [_hit({})])
    assert weak is not None and not weak.supported
    assert assess("anything", []) is None


def test_key_words_are_what_a_question_is_about() -> None:
    assert key_words("How many trees does cforest grow by default?") == ["trees", "cforest", "grow"]
    # Short words tell nothing by their absence, unless written as an acronym.
    assert key_words("I've ran it on the GPU, why is R slow?") == ["GPU", "slow"]


COMMON = frozenset(
    [
        "save",
        "every",
        "chart",
        "year",
        "persist",
        "optimization",
        "read",
        "file",
        "data",
        "image",
        "version",
        "docker",
        "google",
    ]
)


def test_only_names_and_rare_words_tell_by_their_absence_that_the_library_cannot_answer() -> None:
    # Common words, however inflected or spelt: pages say "plot" where people say "chart".
    assert telling_words("How do I save my charts every year?", COMMON) == []
    assert telling_words("Why does the setting persists after optimisation?", COMMON) == []
    # A word outside common English, and names, whatever the vocabulary holds.
    assert telling_words("How do I read a parquet file?", COMMON) == ["parquet"]
    assert telling_words("Is there a Docker image with Google's data?", COMMON) == [
        "Docker",
        "Google",
    ]
    assert telling_words("Which CUDA version do I need?", COMMON) == ["CUDA"]
    # A capital that only starts a sentence is no name.
    assert telling_words("Charts: where are they saved? Data files too?", COMMON) == []


def test_key_terms_leave_out_the_words_that_frame_a_question() -> None:
    assert key_terms("What is the default value of digits?") == {"digit"}
    assert coverage("What is the default value of digits?", PASSAGE) == 1.0


def test_follow_up_questions_search_with_the_question_before() -> None:
    context = ChatContext("What does the digits option control?")
    assert context.query_for("And what is its default?") == (
        "What does the digits option control? And what is its default?"
    )
    assert context.query_for("How are packages installed from source files?") == (
        "How are packages installed from source files?"
    )
    assert ChatContext().query_for("and its default?") == "and its default?"


def test_quote_stays_in_its_section_and_on_its_page() -> None:
    first = "The tool shed opens at 7 a.m. and is locked at dusk by the volunteer on duty."
    text = (
        f"Opening hours\nThe gates open at sunrise.\n{first}\n\nPlots and fees\nEach plot is 4 m."
    )
    start = text.index(first)
    best = ScoredSentence(first, start, start + len(first), 1, 0.8, 0.0, 0.8)
    hit = SearchHit(1, 1, "/g.pdf", "Garden", 1, 2, 1.0, text, 1, 0.5, 1, (best,))
    # Not into the next section: back to the section's start instead, and not its heading.
    assert quote_span(hit, best) == (f"The gates open at sunrise. {first}", 1)
    # Not onto the next page either, heading or not.
    text = f"{first}\n\nEach plot measures four by eight metres, and the fee is 45 euros."
    best = ScoredSentence(first, 0, len(first), 1, 0.8, 0.0, 0.8)
    breaks = (len(first) + 1,)
    hit = SearchHit(1, 1, "/g.pdf", "Garden", 1, 2, 1.0, text, 1, 0.5, 1, (best,), (), breaks)
    assert quote_span(hit, best) == (first, 1)
    # A line of code after the sentence that introduces it is no heading: it is the answer.
    text = "We set the random seed to make the examples reproducible.\nR> set.seed(1071)"
    best = ScoredSentence(text[:57], 0, 57, 3, 0.8, 0.0, 0.8)
    hit = SearchHit(1, 1, "/z.pdf", "zoo", 3, 3, 1.0, text, 3, 0.5, 1, (best,))
    assert quote_span(hit, best)[0].endswith("set.seed(1071)")


def test_quote_does_not_cross_a_numbered_heading_in_either_direction() -> None:
    # FAQs title sections with numbered questions, punctuation and code marks included.
    before = "For Gaussian GAMs you can use bruto() from package mda, which is older."
    heading = "7.16 Why is the output not printed when I source() a file?"
    after = "Most R commands do not generate any output. Use print() or echo = TRUE."
    text = f"{before}\n{heading}\n{after}"
    start = text.index(heading)
    best = ScoredSentence(heading, start, start + len(heading), 9, 0.8, 0.0, 0.8)
    hit = SearchHit(1, 1, "/f.pdf", "FAQ", 9, 9, 1.0, text, 9, 0.5, 1, (best,))
    # The heading the question matched opens its section: nothing of the one before.
    assert quote_span(hit, best) == (f"{heading} {after}", 9)
    # Forward: a sentence the splitter left under a numbered heading line opens the next
    # section, so the quote ends before it.
    body = "The data frame may then be read with read.table() and a header line of names."
    nxt = "7.2 The scan() function\nSuppose the data vectors are of equal length."
    text = f"{body}\n{nxt}"
    best = ScoredSentence(body, 0, len(body), 3, 0.8, 0.0, 0.8)
    hit = SearchHit(1, 1, "/i.pdf", "Intro", 3, 3, 1.0, text, 3, 0.5, 1, (best,))
    assert quote_span(hit, best) == (body, 3)


def test_a_closest_passage_shows_the_sentences_under_its_heading() -> None:
    # "How much does a plot cost?" on a page that says "fee": declined, since no passage
    # says "cost", and the closest passage's best sentence is its heading. It is shown with
    # the sentences under it, so the person reads the fee there.
    text = "Plots and fees\nEach plot measures four by eight metres. The fee is 45 euros a year."
    heading = ScoredSentence("Plots and fees", 0, 14, 2, 0.5, 0.0, 0.5)
    hit = SearchHit(1, 1, "/g.pdf", "Garden", 2, 2, 1.0, text, 2, 0.5, 1, (heading,))
    quote, page = closest_quote(hit)
    assert page == 2 and quote.startswith("Plots and fees Each plot") and "45 euros" in quote
