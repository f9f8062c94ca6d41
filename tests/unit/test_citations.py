"""Citation markers: parsing (fuzzed), checking against sources, and checking while streaming."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from docnook.llm.citations import (
    CitationStream,
    attribute,
    cited_numbers,
    citing_text,
    parse_markers,
    sentences,
)

SOURCES = [
    "Water boils at 100 degrees Celsius at sea level.",
    "The lighthouse keeper, Marta Olsen, lit the lamp every night for forty years.",
    "The harbor was built in 1871 by the merchant guild and has three piers.",
]


def test_marker_forms() -> None:
    markers = parse_markers("a [1] b [2, 3] c [4-6] d [7;8] e [ 9 ] f [2][2]")
    assert [m.numbers for m in markers] == [(1,), (2, 3), (4, 5, 6), (7, 8), (9,), (2,), (2,)]
    text = "x [12] y"
    (m,) = parse_markers(text)
    assert text[m.start : m.end] == "[12]"


def test_not_markers() -> None:
    assert parse_markers("a list[i] and [a] and [] and [1.5] and [-1]") == []
    (m,) = parse_markers("[1-9999]")  # not a range anyone means; read as [1]
    assert m.numbers == (1,)


def test_cited_numbers_are_valid_unique_and_in_order() -> None:
    assert cited_numbers("b [3] a [1, 3] c [0] d [9]", 3) == (3, 1)


def test_correct_citation_is_kept() -> None:
    result = attribute("Water boils at 100 degrees Celsius [1].", SOURCES)
    assert result.text == "Water boils at 100 degrees Celsius [1]."
    assert result.numbers == (1,)


def test_wrong_number_is_moved_to_the_source_the_sentence_comes_from() -> None:
    result = attribute("Marta Olsen lit the lamp [3].", SOURCES)
    assert result.text == "Marta Olsen lit the lamp [2]."
    assert result.numbers == (2,)


def test_uncited_sentence_gets_its_source() -> None:
    result = attribute("The harbor was built in 1871. Marta Olsen.", SOURCES)
    assert result.text == "The harbor was built in 1871 [3]. Marta Olsen [2]."
    assert result.numbers == (3, 2)


def test_unsupported_and_impossible_markers() -> None:
    # Nothing in the sources backs the sentence: a valid marker stays (the model may
    # paraphrase), an impossible one goes.
    assert attribute("Cats sleep a lot [2].", SOURCES).text == "Cats sleep a lot [2]."
    assert attribute("Cats sleep a lot [7].", SOURCES).text == "Cats sleep a lot."
    assert attribute("Cats sleep a lot.", SOURCES).numbers == ()
    assert attribute("", SOURCES).text == ""


def test_citing_text() -> None:
    answer = "Marta Olsen [2]. The harbor dates from 1871 [3]. Both [2, 3]."
    assert citing_text(answer, 2) == "Marta Olsen [2]. Both [2, 3]."
    assert citing_text(answer, 1) == answer


def test_sentences_keep_trailing_markers() -> None:
    text = "One fact. [1] Two facts! Three"
    assert [text[a:b] for a, b in sentences(text)] == ["One fact. [1]", "Two facts!", "Three"]


def test_stream_fixes_markers_as_they_arrive() -> None:
    stream = CitationStream(SOURCES)
    pieces = ["Marta", " Olsen lit", " the lamp [", "3", "]. Water", " boils [1", "]."]
    out = [stream.feed(p) for p in pieces] + [stream.flush()]
    assert "".join(out) == "Marta Olsen lit the lamp [2]. Water boils [1]."
    assert out[2] == " the lamp "  # the "[" waits for the rest of the marker


def test_stream_releases_brackets_that_are_not_markers() -> None:
    stream = CitationStream(SOURCES)
    assert stream.feed("x[a") == "x[a"
    assert stream.feed(" [12") == " "
    assert stream.feed(" apples") == "[12 apples"


_text = st.text(alphabet=st.sampled_from(list("ab [],-;0123.9 \n–Marta lamp")), max_size=80)


@given(_text, st.integers(0, 5))
@settings(max_examples=400, deadline=None)
def test_fuzz_parsing_and_attribution_never_fail(text: str, n_sources: int) -> None:
    for marker in parse_markers(text):
        assert 0 <= marker.start < marker.end <= len(text)
        assert text[marker.start] == "[" and text[marker.end - 1] == "]"
        assert len(marker.numbers) <= 21
    sources = SOURCES[:n_sources] + ["lamp Marta"] * max(0, n_sources - 3)
    result = attribute(text, sources)
    assert all(1 <= n <= len(sources) for n in result.numbers)
    assert set(result.numbers) == set(cited_numbers(result.text, len(sources)))


@given(_text, st.lists(st.integers(1, 6), max_size=40))
@settings(max_examples=400, deadline=None)
def test_fuzz_stream_does_not_depend_on_how_text_is_cut(text: str, cuts: list[int]) -> None:
    whole = CitationStream(SOURCES)
    expected = whole.feed(text) + whole.flush()
    pieces, i = [], 0
    for n in cuts:
        pieces.append(text[i : i + n])
        i += n
    pieces.append(text[i:])
    stream = CitationStream(SOURCES)
    assert "".join(stream.feed(p) for p in pieces) + stream.flush() == expected
    assert stream.text == expected
    # every marker that comes out checked points at a real source
    checked = [m for m in parse_markers(expected) if m.end - m.start <= 64]
    assert all(1 <= n <= len(SOURCES) for m in checked for n in m.numbers)
