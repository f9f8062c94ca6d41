"""The text rules every layer shares: words, sentences, identifiers, markers, sizes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from docnook import text


def test_sentences_keep_wrapped_lines_and_abbreviations_together() -> None:
    page = (
        "2.3 Installing packages\n"
        "Packages are installed with install.packages(). The default library\n"
        "is R_LIBS_USER, e.g. in the home directory. See Fig. 3 for more and\n"
        "the section on this. And another line goes here to be of typical length.\n"
        "- first item without a full stop\n"
        "- second item\n"
    )
    assert text.sentences(page) == [
        "2.3 Installing packages",
        "Packages are installed with install.packages().",
        "The default library\nis R_LIBS_USER, e.g. in the home directory.",
        "See Fig. 3 for more and\nthe section on this.",
        "And another line goes here to be of typical length.",
        "- first item without a full stop",
        "- second item",
    ]


def test_a_line_break_inside_a_sentence_does_not_end_it() -> None:
    # A short line ending on a joining word, then a capitalised word (a month, a name): one
    # sentence a narrow column broke, not a heading. A short line ending in a full stop, then
    # a lowercase word: the sentence runs on.
    page = (
        "The cooperative roasted 40 tonnes of its own coffee this year for the local market.\n"
        "The roaster was replaced in\n"
        "August, and the packaging line now labels bags automatically. Sales rose by a fifth.\n"
        "Costs fell by 3 percent, approx.\n"
        "and the shop on the square was repainted before the summer market opened again.\n"
        "Sales and prices\n"
        "The average price paid to the farmers of the cooperative was 2.35 dollars a pound."
    )
    found = text.sentences(page)
    assert " ".join(found[1].split()) == (
        "The roaster was replaced in August, and the packaging line now labels bags automatically."
    )
    assert not any(s.startswith(("August", "and the shop")) for s in found)
    assert "Sales and prices" in found, "a heading without a joining word still ends a block"
    assert found[-1].startswith("The average price")
    # A lowercase term after a short full line is a new entry, and "Appendix A" is a label.
    listing = (
        "The packages shipped with every installation of the system are listed here in full.\n"
        "Base datasets (added in R 2.0.0).\n"
        "grDevices\n"
        "Graphics devices for the screen and for files.\n"
        "Appendix A\n"
        "Essential programs under a Unix-alike are listed in this appendix for reference."
    )
    entries = text.sentences(listing)
    assert "Base datasets (added in R 2.0.0)." in entries
    assert "Appendix A" in entries


@given(st.text(alphabet=st.sampled_from("ab .!?\n-J1"), max_size=200))
def test_sentence_spans_are_ordered_disjoint_and_cover_every_word(page: str) -> None:
    spans = text.sentence_spans(page)
    last = 0
    for start, end in spans:
        assert last <= start < end <= len(page)
        assert page[start:end].strip() == page[start:end]
        last = end
    covered = " ".join(page[a:b] for a, b in spans)
    assert text.words(covered) == text.words(page)


def test_identifiers_are_kept_whole() -> None:
    question = "How do I set LD_LIBRARY_PATH, call os.path.join or pass --no-cache-dir to is.na()?"
    assert text.identifiers(question) == [
        "LD_LIBRARY_PATH",
        "os.path.join",
        "--no-cache-dir",
        "is.na",
    ]


def test_content_words_drop_stopwords_and_stem() -> None:
    assert text.content_words("What is the boiling point of the liquids?") == {
        "boil",
        "point",
        "liquid",
    }
    assert text.stem("printed") == text.stem("printing") == text.stem("prints") == "print"


def test_markers_and_sizes_and_durations() -> None:
    assert text.strip_markers("Fact [1]. Other [2, 3].").split() == ["Fact", ".", "Other", "."]
    assert text.format_size(1) == "1 byte"
    assert text.format_size(12_345) == "12.3 kB"
    assert text.format_size(253_000_000) == "253 MB"
    assert text.format_duration(59) == "59s"
    assert text.format_duration(185) == "3m05s"
    assert text.format_duration(3720) == "1h02m"
