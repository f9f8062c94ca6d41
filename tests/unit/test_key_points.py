"""Choosing key points and checking the model's words: pure functions over strings."""

from __future__ import annotations

import numpy as np
import pytest

from docnook.assistant import key_points, summary_checks
from docnook.assistant.key_points import ChunkInfo
from docnook.assistant.summaries import parse_page_range
from docnook.errors import InputError


def _chunks(pages: list[str], headings: list[str] | None = None) -> tuple[list[int], list]:
    """One chunk per page (its heading given), as the chunker would store them."""
    starts, offset = [], 0
    for text in pages:
        starts.append(offset)
        offset += len(text) + 2
    chunks = [
        ChunkInfo(start, start + len(text), (headings or [""] * len(pages))[i], None)
        for i, (start, text) in enumerate(zip(starts, pages, strict=True))
    ]
    return starts, chunks


PAGES = [
    "Annual Report of the Orchard Society\n\n1 Members\nThe society had 212 members at the end "
    "of the year, 14 more than the year before. Members met every second Thursday in the hall.",
    "2 Harvest\nThe orchard gave 3,400 kilograms of apples, most of them Cox and Bramley. It was "
    "a good year. The cider press was repaired in August by Henrik Dahl.",
    "3 Decisions\nThe annual meeting decided to plant 40 new trees along the east fence. "
    "Membership fees stay at 25 pounds a year.\n\nReferences\nSmith J (2019). Apples. "
    "Orchard Press, London, 14(2), 1-27.",
]
HEADINGS = ["1 Members", "2 Harvest", "3 Decisions"]


def test_points_are_whole_sentences_from_every_section_with_facts_first() -> None:
    starts, chunks = _chunks(PAGES, HEADINGS)
    found = key_points.candidates(PAGES, starts, chunks)
    texts = [c.text for c in found]
    assert "Annual Report of the Orchard Society" not in " ".join(texts), "a title is no point"
    assert not any(t.startswith(("1 Members", "2 Harvest")) for t in texts), "heading kept"
    assert not any("Orchard Press" in t for t in texts), "a reference is no point"
    brief = key_points.pick(found, "brief")
    assert {c.section for c in brief} == set(HEADINGS)
    assert [c.order for c in brief] == sorted(c.order for c in brief)
    for candidate in brief:  # the span is the sentence on its page, for the reader to mark
        page = PAGES[candidate.page - 1]
        assert " ".join(page[candidate.start : candidate.end].split()) == candidate.text
    chosen = " ".join(c.text for c in brief)
    assert "212 members" in chosen and "3,400 kilograms" in chosen and "40 new trees" in chosen
    assert "It was a good year." not in chosen, "a sentence with no fact is left out"


def test_a_page_range_limits_the_candidates() -> None:
    starts, chunks = _chunks(PAGES, HEADINGS)
    found = key_points.candidates(PAGES, starts, chunks, (2, 3))
    assert found and {c.page for c in found} <= {2, 3}


def test_near_duplicates_make_one_point() -> None:
    pages = [
        "The bridge is 410 metres long and opened in 2021. "
        "The bridge is 410 metres long and it opened in 2021 to traffic.",
        "Tolls are charged on the bridge from 2023, at 3 euros a car.",
    ]
    starts, chunks = _chunks(pages)
    chosen = key_points.pick(key_points.candidates(pages, starts, chunks), "brief")
    assert sum("410 metres" in c.text for c in chosen) == 1


def test_tables_code_and_formulas_are_not_points() -> None:
    for text in (
        "dp MYPKIX1.Dss-Sig-Value r 42 s 47 other.x 66 other.y y1 z NULL",
        '<match type="string" offset="0" value="diff"/> and more markup here',
        "VAR[x, y] = B(t) M(t) B(t) where the terms follow from (4) and (5) in turn.",
        "Coast Line Valley Line Moor Line Forest Line Ridge Line Airport Link Totals",
        # A line that introduces what follows it says nothing alone.
        "WEIGHT in lower 8 bits FLAGS in rest: 0x100 = case-sensitive MagicList:",
        "The council approved the following three projects for the year 2026:",
    ):
        assert not key_points.candidates([text], [0], []), text
    # A line of figures is prose enough: a manual's technical data are its facts.
    data = "Rated power: 800 W. Maximum flow: 3,300 litres per hour at 42 metres."
    assert key_points.candidates([data], [0], [])


def test_a_licence_reprinted_at_the_end_gives_no_point() -> None:
    pages = [
        "The library parses 14 kinds of ASN.1 structures and was released in August 2022.",
        "The parser reads DER encodings of up to 64 levels of nesting since version 4.2.",
        "A.1 GNU Free Documentation License\nVersion 1.3, 3 November 2008. Everyone is "
        "permitted to copy and distribute verbatim copies of this license document.",
        "An MMC is eligible for relicensing if it is licensed under this License before 2009.",
    ]
    starts, chunks = _chunks(pages)
    found = key_points.candidates(pages, starts, chunks)
    assert {c.page for c in found} == {1, 2}


def test_centrality_comes_from_the_stored_embeddings() -> None:
    pages = [
        "The dam holds 40 million cubic metres of water for the town.",
        "The dam supplies water to 12 villages in the valley below it.",
        "Parking near the visitor centre costs 2 euros for the whole day.",
    ]
    starts, _ = _chunks(pages)
    near, far = np.array([1.0, 0.0], dtype=np.float32), np.array([0.0, 1.0], dtype=np.float32)
    chunks = [
        ChunkInfo(s, s + len(t), "", v)
        for s, t, v in zip(starts, pages, [near, near, far], strict=True)
    ]
    found = key_points.candidates(pages, starts, chunks)
    score = {c.page: c.score for c in found}
    assert score[2] > score[3], "the passage far from the document's meaning ranks lower"


def test_shortened_points_must_keep_the_sentence_numbers_and_names() -> None:
    sentence = (
        "After a long review that took most of the spring, the board decided to order a second "
        "ferry for 21 million euros from the yard in Tromsø."
    )
    page = sentence
    good = "The board ordered a second ferry for 21 million euros from Tromsø."
    assert summary_checks.shortened_ok(good, sentence, page)
    assert not summary_checks.shortened_ok("The board ordered a second ferry.", sentence, page)
    assert not summary_checks.shortened_ok(
        "The board ordered a ferry for 21 million euros from Tromsø in Norway.", sentence, page
    ), "a name the page does not hold"
    assert not summary_checks.shortened_ok(sentence, sentence, page), "not shorter"
    assert not summary_checks.shortened_ok(
        "The board sold 21 million euros of ships to Tromsø yards and fishermen quickly.",
        sentence,
        page,
    ), "words the sentence does not say"


def test_an_overview_must_be_grounded_and_made_of_the_points() -> None:
    points = "The ferries carried 812,000 passengers in 2024.\nRevenue rose to 14.5 million."
    page = points + " The busiest month was July."
    ok = "The ferries carried 812,000 passengers in 2024, and revenue rose to 14.5 million."
    assert summary_checks.overview_ok(ok, points, page)
    assert not summary_checks.overview_ok(
        "Captain Jansen carried 812,000 passengers.", points, page
    )
    assert not summary_checks.overview_ok(
        "The year was a very exciting time for everyone who loves boats and lakes.", points, page
    ), "generic words, not the points"
    assert not summary_checks.overview_ok("Ferries carried.", points, page)


@pytest.mark.parametrize(
    ("text", "expected"), [("3-7", (3, 7)), ("5", (5, 5)), (" 2 – 4 ", (2, 4))]
)
def test_page_ranges(text: str, expected: tuple[int, int]) -> None:
    assert parse_page_range(text) == expected


@pytest.mark.parametrize("text", ["7-3", "0-2", "a-b", "3-", "1-2-3", ""])
def test_bad_page_ranges_are_a_sentence(text: str) -> None:
    with pytest.raises(InputError, match="is not a page range"):
        parse_page_range(text)


def _candidate(text: str, section: str, order: int, score: float) -> key_points.Candidate:
    return key_points.Candidate(text, 1, 0, len(text), section, order, score, 0)


def test_a_brief_covers_new_facts_before_general_statements_and_repeats() -> None:
    dense = [
        "Cargo rose to 4.2 million tonnes in 2024, and 1,318 vessels called at Kelvik.",
        "Revenue was NOK 187 million and Tomas Brekke became harbour master in July.",
        "The Vestkaia berth opened on 14 May and cost NOK 640 million in all.",
        "The board decided to dredge the approach to 16 metres for NOK 95 million.",
        "Port dues rise by 3.5 percent from 1 January, as the board decided in December.",
    ]
    found = [_candidate(text, str(i + 1), 10 * i, 1.3) for i, text in enumerate(dense)]
    found += [
        _candidate(
            "The harbour had a good and busy year for everyone who works there.", "1", 1, 1.7
        ),
        _candidate("Tomas Brekke said revenue of NOK 187 million came in July.", "1", 2, 1.35),
    ]
    brief = key_points.pick(found, "brief")
    assert [c.text for c in brief] == dense, "five sections, five new facts, no repeat"


def test_a_brief_grows_gently_with_the_sections() -> None:
    sizes = [key_points.brief_size(n) for n in (1, 5, 9, 12, 24, 200)]
    assert sizes == [5, 5, 5, 6, 7, 8]


def test_detailed_says_more_than_brief_in_a_one_section_notice() -> None:
    # 24 sentences, six paragraphs' worth, and no headings: one section. Three points per
    # section would make detailed no longer than brief.
    found = [
        _candidate(f"The k{i}a of the k{i}b rose by {i + 3} percent near k{i}c.", "p1", i, 1.5)
        for i in range(24)
    ]
    brief = key_points.pick(found, "brief")
    detailed = key_points.pick(found, "detailed")
    assert len(brief) == 5 and set(map(id, brief)) <= set(map(id, detailed))
    assert len(detailed) > len(brief)


def test_a_weak_sentence_with_news_fills_a_brief_before_general_statements() -> None:
    # One section: the first point is strong, the rest are under half its strength. A brief
    # is about five points, so the weak ones that state new facts still have their say, after
    # the strong ones and before statements of no fact at all; one repeating the first
    # point's facts in other words does not.
    strong = "Visits rose to 388,000 in 2025, the highest number since 2019 at Nordby."
    weak = [
        "The makerspace opened in 2024 and was used by 5,200 people over the year.",
        "E-book loans grew 31 percent, mostly among readers at the Østerby branch.",
    ]
    repeat = "Nordby counted 388,000 visitors, more than in any year after 2019."
    general = [
        "Libraries are places where everyone is welcome to read and to learn.",
        "Our staff work hard every day to help readers of every age find books.",
        "Reading for pleasure matters for children as much as reading for school.",
    ]
    found = [_candidate(strong, "p1", 0, 3.0)]
    found += [_candidate(text, "p1", i + 1, 1.0) for i, text in enumerate([*weak, repeat])]
    found += [_candidate(text, "p1", i + 4, 2.0) for i, text in enumerate(general)]
    texts = [c.text for c in key_points.pick(found, "brief")]
    assert texts[:3] == [strong, *weak] and len(texts) == 5
    assert repeat not in texts
