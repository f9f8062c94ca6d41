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
