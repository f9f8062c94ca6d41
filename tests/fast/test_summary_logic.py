"""Summaries with the fake engine: key points with pages before the overview, the overview's
check, lengths, page ranges, the cache per length and scope, cancel, and a chat model's
shortened points. The real model's words are tests/integration/test_summaries.py's business."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from docnook import text as textrules
from docnook.assistant import SummaryPoint, TaskProgress, key_points, point_spans
from docnook.errors import Cancelled, InputError
from docnook.jobs import CancelToken
from docnook.library import Library
from docnook.llm import prompts
from fakes import FakeEmbedder, FakeModel, assistant_with
from indexcheck import check_index
from pdfmaker import make_image_only_pdf, make_pdf

REPORT = [
    "Lakeside Ferry Company\nAnnual report 2024\n\n1 Traffic\nThe ferries carried 812,000 "
    "passengers in 2024, up from 760,000 the year before. The busiest month was July. Most "
    "passengers travelled between Aston and the island of Merrow.",
    "2 Fleet\nThe new ferry Saga entered service on 2 May 2024 and carries 300 passengers. The "
    "old ferry was sold to a company in the north. Crews were trained on the new ship during "
    "the winter.",
    "3 Finances\nRevenue rose to 14.5 million euros. Fuel costs fell by 9 percent because the "
    "new ferry uses less fuel. The board decided to keep ticket prices unchanged in 2025.",
    "4 Outlook\nThe company expects to carry 850,000 passengers in 2025. A second new ferry is "
    "planned for 2027, if the harbour at Merrow is deepened in time.",
]
OVERVIEW = "The ferries carried 812,000 passengers in 2024 and the company expects 850,000 in 2025."


@pytest.fixture
def ids(tmp_path: Path, data_dir: Path) -> dict[str, int]:
    pdfs = tmp_path / "pdfs"
    make_pdf(pdfs / "report.pdf", REPORT, title="Ferry report")
    make_image_only_pdf(pdfs / "scan.pdf")
    with Library(data_dir, FakeEmbedder()) as library:  # type: ignore[arg-type]
        library.index([pdfs])
        return {Path(r.path).stem: r.id for r in library.documents()}


def document_text(data_dir: Path, doc_id: int) -> str:
    with Library(data_dir, FakeEmbedder()) as library:  # type: ignore[arg-type]
        return "\n".join(library.store.page_texts(doc_id))


def test_points_with_pages_come_before_the_overview_and_the_summary_is_cached(
    data_dir: Path, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    model = FakeModel(reply=OVERVIEW)
    assistant, engine = assistant_with(data_dir, model)
    events: list[str] = []
    points: list[SummaryPoint] = []
    steps: list[TaskProgress] = []

    def on_point(point: SummaryPoint) -> None:
        events.append("point")
        points.append(point)

    summary = assistant.summarize(
        ids["report"],
        on_token=lambda _: events.append("token"),
        progress=steps.append,
        on_point=on_point,
    )
    assert 3 <= len(summary.points) <= 5 and list(summary.points) == points
    assert events.index("token") > max(i for i, e in enumerate(events) if e == "point")
    pages = [p.pages[0] for p in summary.points]
    assert pages == sorted(pages) and len(set(pages)) >= 3, "the points cover the sections"
    text = document_text(data_dir, ids["report"])
    for point in summary.points:
        # A base model is not asked to shorten: every point is the page's own sentence.
        assert point.text == point.source
        page_text = " ".join(REPORT[point.pages[0] - 1].split())
        assert point.text in page_text
    assert any("812,000" in p.text for p in summary.points)
    assert summary.overview == OVERVIEW
    assert summary.summary.startswith(OVERVIEW) and "\n- " in summary.summary
    assert len(model.streamed) == 1, "only the overview was asked of the model"
    assert steps[-1].done == steps[-1].total
    assert all(word in text for word in ("812,000", "850,000"))

    monkeypatch.setattr(engine, "run", _refuse)
    monkeypatch.setattr(engine, "load", _refuse)
    again = assistant.summarize(ids["report"])
    assert again.cached and again.points == summary.points and again.summary == summary.summary
    assert assistant.cached_summary(ids["report"], "detailed") is None
    assert check_index(data_dir / "library.sqlite3").analyses == 1


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("the language model was used")


def test_an_overview_that_states_what_the_pages_do_not_is_dropped(
    data_dir: Path, ids: dict[str, int]
) -> None:
    invented = "The ferries carried 812,000 passengers. Captain Jansen won 7 awards in 1999."
    assistant, _ = assistant_with(data_dir, FakeModel(reply=invented))
    pieces: list[str] = []
    summary = assistant.summarize(ids["report"], on_token=pieces.append)
    shown = "".join(pieces)
    assert "Jansen" not in shown and "1999" not in shown, "unchecked text reached the screen"
    assert summary.overview == "" or "Jansen" not in summary.overview
    assert "1999" not in summary.summary and summary.points


def test_detailed_says_what_brief_says_and_covers_every_section(
    data_dir: Path, ids: dict[str, int]
) -> None:
    assistant, _ = assistant_with(data_dir, FakeModel(reply=OVERVIEW))
    brief = assistant.summarize(ids["report"], length="brief")
    detailed = assistant.summarize(ids["report"], length="detailed")
    assert not detailed.cached and detailed.length == "detailed"
    assert {p.source for p in brief.points} <= {p.source for p in detailed.points}
    assert {p.pages[0] for p in detailed.points} == {1, 2, 3, 4}, "a point from every section"
    assert assistant.cached_summary(ids["report"], "brief") == brief.__class__(
        **{**brief.__dict__, "cached": True}
    )
    with pytest.raises(InputError, match="length must be one of brief, detailed"):
        assistant.summarize(ids["report"], length="long")


def test_a_page_range_is_summarised_and_cached_on_its_own(
    data_dir: Path, ids: dict[str, int]
) -> None:
    assistant, _ = assistant_with(data_dir, FakeModel(reply=OVERVIEW))
    part = assistant.summarize(ids["report"], page_range=(3, 4))
    assert part.points and all(3 <= p.pages[0] <= 4 for p in part.points)
    assert part.as_json()["pages"] == [3, 4]
    assert assistant.cached_summary(ids["report"], page_range=(3, 4)) is not None
    assert assistant.cached_summary(ids["report"]) is None
    with pytest.raises(InputError, match=r"Pages 3-9 are not in Ferry report, which has 4 pages"):
        assistant.summarize(ids["report"], page_range=(3, 9))


def test_a_cancelled_summary_leaves_nothing_in_the_cache(
    data_dir: Path, ids: dict[str, int]
) -> None:
    assistant, engine = assistant_with(data_dir, FakeModel(reply=OVERVIEW))
    cancel = CancelToken()

    def progress(step: TaskProgress) -> None:
        if step.done >= 1:
            cancel.cancel()

    with pytest.raises(Cancelled):
        assistant.summarize(ids["report"], progress=progress, cancel=cancel)
    assert assistant.cached_summary(ids["report"]) is None
    assert check_index(data_dir / "library.sqlite3").analyses == 0
    assert engine.state == "ready"


def test_what_cannot_be_summarised_is_a_sentence(data_dir: Path, ids: dict[str, int]) -> None:
    assistant, engine = assistant_with(data_dir, FakeModel())
    with pytest.raises(InputError, match=r"is not indexed \(no-text: No text"):
        assistant.summarize(ids["scan"])
    with pytest.raises(InputError, match="No document '999'"):
        assistant.summarize(999)
    assert engine.jobs == 0


class ChatModel(FakeModel):
    """A fake with a chat template: it is asked to shorten long points."""

    @property
    def style(self) -> prompts.PromptStyle:
        return prompts.PromptStyle(self.count, self.n_ctx, lambda m: f"<user>{m[0]['content']}")


LONG = [
    "Ferry report\n\nAfter a long and careful review of every option that was put before it "
    "during the spring, the board of the company decided to order a second ferry for 21 "
    "million euros from the yard in Tromsø.",
    "The harbour of Merrow, which is the oldest harbour on the lake and was built by the "
    "monks of the abbey, will be deepened by 2 metres over the course of the next two years.",
]


def test_a_chat_model_shortens_a_point_only_where_the_check_passes(
    tmp_path: Path, data_dir: Path
) -> None:
    make_pdf(tmp_path / "long.pdf", LONG, title="Long sentences")
    with Library(data_dir, FakeEmbedder()) as library:  # type: ignore[arg-type]
        library.index([tmp_path / "long.pdf"])
        (doc_id,) = [r.id for r in library.documents()]

    def reply(prompt: prompts.Prompt) -> str:
        if "second ferry" in prompt.text and "Rewrite" in prompt.text:
            return "The board ordered a second ferry for 21 million euros from Tromsø."
        if "Merrow" in prompt.text and "Rewrite" in prompt.text:
            return "The Merrow harbour will be deepened."  # the 2 metres are lost
        return OVERVIEW

    assistant, _ = assistant_with(data_dir, ChatModel(reply=reply))
    summary = assistant.summarize(doc_id)
    by_page = {p.pages[0]: p for p in summary.points}
    assert by_page[1].text == "The board ordered a second ferry for 21 million euros from Tromsø."
    assert by_page[1].source.startswith("After a long and careful review")
    assert by_page[2].text == by_page[2].source, "a shorter point that lost a number stands"


def test_a_section_is_summarised_as_its_pages(data_dir: Path, ids: dict[str, int]) -> None:
    assistant, _ = assistant_with(data_dir, FakeModel(reply=OVERVIEW))
    assert assistant.section_pages(ids["report"], "Finances") == (3, 3)
    assert assistant.section_pages(ids["report"], "2") == (2, 2)
    assert assistant.section_pages(ids["report"], "4 outlook") == (4, 4)
    summary = assistant.summarize(ids["report"], page_range=(3, 3))
    assert summary.points and {p.pages for p in summary.points} == {(3,)}
    with pytest.raises(InputError, match=r"has no section “Harbour”\. Its sections: 1 Traffic"):
        assistant.section_pages(ids["report"], "Harbour")
    # What a person types in the window's pages field: nothing, pages or a section.
    assert assistant.scope_pages(ids["report"], " ") is None
    assert assistant.scope_pages(ids["report"], "2-3") == (2, 3)
    assert assistant.scope_pages(ids["report"], "Fleet") == (2, 2)
    with pytest.raises(InputError, match="has no section “x”"):
        assistant.scope_pages(ids["report"], "x")


# -- points of two sentences (assistant/point_spans.py) ---------------------------------------

RENT = "The annual rent is NOK 540,000, paid quarterly in advance to the landlord's bank account."
DEPOSIT = "The deposit of NOK 270,000 is paid into a blocked account before 1 August 2025."
AGAIN = "The rent is paid in advance into the bank account of the landlord every quarter."
COSTS = "Heating, cleaning and snow clearing are charged on account at NOK 36,000 a year."
TABLE = "Rent 540,000 | 45,000 | 12"
OVENS = "The landlord installs a new ventilation system for the ovens of Bakeriet Solsiden AS."
ROOF = "The landlord maintains the roof, the facade and the pipes of the building at Hollund."
LEASE_PAGES = [
    "\n".join(
        [
            "Lease of the shop at Strandgata 14",
            RENT,
            DEPOSIT,
            AGAIN,
            "Common costs",  # a heading: nothing joins across it
            COSTS,
        ]
    ),
    # A table row: no point, and the sentences on either side are not adjacent.
    "\n".join([TABLE, OVENS, ROOF]),
]


def _brief_of(pages: list[str]) -> list[key_points.Candidate]:
    starts = [sum(len(p) + 2 for p in pages[:i]) for i in range(len(pages))]
    return key_points.pick(key_points.candidates(pages, starts, []), "brief")


def test_a_point_joins_the_next_sentence_of_its_paragraph_when_it_adds_facts() -> None:
    texts = [c.text for c in _brief_of(LEASE_PAGES)]
    assert f"{RENT} {DEPOSIT}" in texts, "the deposit adds facts and fits: one point"
    assert not any(AGAIN in t for t in texts), "a sentence that adds no fact is not joined"
    assert not any(t.startswith(RENT) and COSTS in t for t in texts), "never across a heading"
    assert not any(COSTS in t and OVENS in t for t in texts), "never past a skipped sentence"
    assert f"{OVENS} {ROOF}" in texts, "the last paragraph's two facts: one point"
    for text in texts:
        assert len(textrules.words(text)) <= point_spans.MAX_POINT_WORDS


VENT = "The landlord installs ventilation for the 2 ovens, made by Nilan in Denmark for NOK 95,000."
TAKEOVER = "The tenant takes over the shop on 1 September 2025 and opens the bakery in October."
LONG_VENT = (  # two full lines, as a PDF's text has them
    "The landlord installs ventilation for the 2 ovens of the bakery, made by Nilan in Denmark\n"
    "for NOK 95,000, and keeps it in good working order with service visits in every spring."
)
NEVER_JOINED = {
    # the sentence before, the text between the two, the sentence after
    "a heading": (VENT, "\n2 Fitting out of the premises and the date of the takeover\n", TAKEOVER),
    "a new paragraph": (VENT.replace(" NOK", "\nNOK"), "\n", TAKEOVER),  # a short last line
    "a skipped sentence": (VENT, " It is new.\n", TAKEOVER),  # too short to be a point
    "the word budget": (LONG_VENT, "\n", TAKEOVER),
    # Joined, the short sentence would no longer be short: only the rule keeps it alone.
    "no new fact": (
        "Ventilation: 2 ovens, NOK 95,000, Nilan Denmark.",
        " ",
        "The ventilation for the 2 ovens is supplied by Nilan Denmark.",
    ),
}


@pytest.mark.parametrize("case", list(NEVER_JOINED))
def test_a_point_never_joins_across(case: str) -> None:
    before, between, after = NEVER_JOINED[case]
    page = f"{RENT}\n{DEPOSIT}\n\n{before}{between}{after}"
    texts = [c.text for c in _brief_of([page])]
    assert f"{RENT} {DEPOSIT}" in texts, "one paragraph, new facts: one point"
    head = before.split("\n")[0]
    assert any(t.startswith(head) for t in texts), "the sentence before is a point"
    assert not any(t.startswith(head) and after in t for t in texts), f"joined across {case}"


def test_a_sentence_that_states_a_decision_joins_as_a_fact_would() -> None:
    approved = "The owners approved the plans for a café in the back room in writing."
    texts = [c.text for c in _brief_of([f"{VENT}\n{approved}"])]
    assert f"{VENT} {approved}" in texts, "a decision is news, as a number or a name is"


def test_a_sentence_pointing_back_is_no_point_alone() -> None:
    cost = "It cost NOK 410,000 and was paid by Hollund Eiendom in March 2025."
    texts = [c.text for c in _brief_of(["\n".join([RENT, DEPOSIT, LONG_VENT, cost])])]
    assert f"{RENT} {DEPOSIT}" in texts
    assert not any(t.startswith("It cost") for t in texts), "'It ...' cannot stand alone"


def _point(text: str, index: int, section: str = "1", score: float = 1.5) -> key_points.Candidate:
    return key_points.Candidate(
        text, 1, 0, len(text), section, index, score, 1, index, 1, index > 0
    )


def test_a_sentence_is_in_one_point_only_and_sections_are_not_joined() -> None:
    found = [  # adjacent sentences of one text; the third starts section 2
        _point("The new ferry Saga entered service on 2 May 2024 at Aston harbour.", 0),
        _point("The Saga carries 300 passengers and 40 cars between Aston and Merrow.", 1),
        _point("Revenue rose to 14.5 million euros in 2024, the best year so far.", 2, "2"),
        _point("Fuel costs fell by 9 percent because the Saga uses less fuel.", 3, "3"),
        _point("The board kept ticket prices at 12 euros for the whole of 2025.", 4, "4"),
    ]
    brief = key_points.pick(found, "brief")
    texts = [c.text for c in brief]
    assert f"{found[0].text} {found[1].text}" in texts, "one paragraph, new facts: one point"
    for one, two in itertools.pairwise(found):
        if one.section != two.section:
            assert not any(one.text in t and two.text in t for t in texts), "two sections"
    detailed = key_points.pick(found, "detailed")
    said = [s for c in detailed for s in textrules.sentences(c.text)]
    assert len(said) == len(set(said)), "detailed repeats a sentence of a brief's point"
    assert all(s.text in " ".join(said) for s in found), "detailed still says everything"
    # A point and a sentence of it, or two points sharing a sentence, are one point twice.
    runs = {len(run): point_spans.joined(run) for run in point_spans.runs(found[:3])}
    assert point_spans.overlaps(runs[2], found[1]) and not point_spans.overlaps(runs[2], found[2])


def test_a_point_across_a_page_break_cites_both_pages(tmp_path: Path, data_dir: Path) -> None:
    pages = [
        "Lease of the shop at Strandgata 14\n\n"
        + " ".join([RENT, DEPOSIT, COSTS, OVENS])
        + " The lease runs for five years, from 1 August 2025 until 31 July 2030, for the "
        "bakery and café of Bakeriet Solsiden AS on the ground floor.",
        "The tenant may renew the lease once, given notice before 31 July 2029.",
    ]
    make_pdf(tmp_path / "lease.pdf", pages, title="Shop lease")
    with Library(data_dir, FakeEmbedder()) as library:  # type: ignore[arg-type]
        library.index([tmp_path / "lease.pdf"])
        (doc_id,) = [r.id for r in library.documents()]
    assistant, _ = assistant_with(data_dir, FakeModel(reply=OVERVIEW))
    points = assistant.summarize(doc_id).points
    term = next(p for p in points if "2029" in p.text)
    assert "31 July 2030" in term.text and term.pages == (1, 2), "the paragraph runs on"
    assert term.source == term.text and term.label() == prompts.page_label(1, 2)
    assert all(p.pages == (1,) for p in points if p is not term)


def test_a_running_header_is_no_part_of_a_point() -> None:
    # Two pages of one paragraph; the second opens with the title again, as a header, in the
    # middle of the sentence that the page break cut.
    title = "Lease Terms, Strandgata 14"
    pages = [
        f"{title}\n{RENT}\nThe shop at Strandgata 14 is let to Bakeriet Solsiden AS, who\n",
        f"{title}\npay the rent of NOK 540,000 to Hollund Eiendom from 1 September 2025.\n{ROOF}",
    ]
    texts = [c.text for c in _brief_of(pages)]
    assert any("Bakeriet Solsiden AS, who pay the rent" in t for t in texts), texts
    assert not any(title in t for t in texts), "the header was read into a sentence"
