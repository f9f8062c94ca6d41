"""Choosing a summary's key points: source sentences, picked before any model writes a word.

A 270M model asked to summarise a document keeps few of its facts and sometimes states new
ones. So the points are the document's own sentences, chosen for three things:

- coverage: every section (a numbered top-level heading, else a run of pages) has its say,
  so a report's finances are not crowded out by its introduction;
- centrality: a sentence in a passage close in meaning to the whole document (the cosine of
  its chunk's stored MiniLM embedding to the mean of the document's) says what the document
  is about; a stray footnote does not;
- facts: numbers, names, dates and decisions are what a person acts on, so sentences that
  state them are favoured; sentences that cannot stand alone ("It defaults to 7."), tables,
  formulas and references are not.

A brief is a greedy cover of the document's facts: each next point is the sentence that adds
most facts (numbers, names, dates) no chosen point states, sections not yet heard from first,
so a general statement or a repeat of chosen numbers loses to a sentence that says something
new. A point may be a run of two or three sentences of one paragraph where each added one
brings news (`point_spans.py`): the cover chooses among runs and single sentences alike.
Near-duplicates are skipped. Pure functions over page texts and chunk rows; no model, no
SQLite. The weights below were set from these principles before the benchmark was run
(benchmarks/README.md, "Summaries") and not fitted to it.
"""

from __future__ import annotations

import bisect
import dataclasses
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from docnook import text as textrules
from docnook.assistant import point_spans
from docnook.ingest import layout
from docnook.llm import grounding

BRIEF_POINTS = 5
MAX_BRIEF_POINTS = 8
MAX_DETAILED_POINTS = 30
MAX_SECTIONS = 12  # without headings, pages are grouped into at most this many sections
_MIN_WORDS, _MAX_WORDS = 6, 70
_DUPLICATE = 0.6  # share of content words two sentences share to count as one point

# What a sentence earns (centrality is 0..1 within the document).
W_CENTRAL = 1.0
W_NUMBER, MAX_NUMBERS = 0.25, 3
W_NAME, MAX_NAMES = 0.15, 3
W_DECISION = 0.3
W_LEAD = (0.3, 0.15)  # the first and second sentence of a section: its topic
P_ANAPHORA = 0.4  # starts by pointing back: it cannot stand alone
P_SHORT = 0.3  # fewer than 9 words
P_LONG = 0.2  # more than 45 words
# Brief: what a sentence adds to the points chosen before it. On the scale of the weights
# above (a new fact is worth about a name; six of them about a lead and an opening bonus),
# set before the brief was measured with them, not fitted.
W_FRESH, MAX_FRESH = 0.15, 6  # per fact (number, name, month) no chosen point states yet
P_SECTION_AGAIN = 0.5  # a second point from a section, while others are not yet heard
TIER_WEAK, TIER_NO_FACT = 1, 2  # said after every point of a lower tier (see _brief)
SAME_FORM, MIN_FORM_WORDS = 0.8, 3  # sentences alike but for their facts: one kind of point

_DECISION = re.compile(
    r"\b(decided|decision|approved|adopted|agreed|elected|appointed|resolved|recommend\w*|"
    r"proposed|concluded?|conclusion|found|finds|results?|showed?|shows|increased?|decreased?|"
    r"rose|fell|grew|must|requires?|warranty|target|budget|expects?|plans?)\b",
    re.IGNORECASE,
)
_ANAPHORA_TEXT = "it its this these they their such those he she his her there then also"
_ANAPHORA = frozenset(_ANAPHORA_TEXT.split())
_JUNK = re.compile(r"https?://|www\.|doi[:.]|\.{4,}|@\w+\.\w+|\bISBN\b", re.IGNORECASE)
_MARKUP = "<>={}[]$\\|"
_NUMBERED_HEADING = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[A-Z]\.\d?)\s+[A-Z]")
MIN_FUNCTION_WORDS = 0.2  # share of stopwords ("the", "of", "is") prose has at least
MAX_CAPITALISED = 0.6  # share of capitalised words above which a line is a title
_DASHES = "-–—"
_OPENERS = "\"“‘'(•*"
W_OPENING, W_CLOSING = 0.3, 0.15  # the first and last 15% of a document: abstract, conclusion
_REFERENCES = re.compile(
    r"^\s*(?:\d{1,2}\.?\s+)?(?:references|bibliography|literature cited)\s*$",
    re.IGNORECASE | re.MULTILINE,
)
# The text of a licence a manual reprints at its end (the GNU FDL is eight pages of every GNU
# manual): the same in every such document, so it says nothing about this one.
_LICENSE = re.compile(
    r"^\s*(?:(?:appendix\s+)?[a-z]?\d*(?:\.\d+)*\.?\s+)?(?:gnu (?:free documentation|"
    r"(?:lesser |library )?general public) license|creative commons\b.*\blicen[cs]e)\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_NAME_WORD = re.compile(r"[\w'-]+")
_MONTHS = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\b"
)


@dataclass(frozen=True)
class ChunkInfo:
    """What selection needs of a stored chunk."""

    char_start: int  # in the pages joined by the chunker's separator
    char_end: int
    heading: str
    vector: np.ndarray | None  # the stored embedding, unit length


@dataclass(frozen=True)
class Candidate:
    text: str  # the sentence, whitespace tidied
    page: int
    start: int  # span in the page's text
    end: int
    section: str
    order: int  # position in the document
    score: float
    facts: int  # numbers, names and dates it states
    # Where it stands among all the sentences of the pages (used or not), for points of
    # several sentences (point_spans.py): its number, how many it spans, whether it continues
    # the paragraph of the sentence before it, and the page it ends on (0: where it starts).
    index: int = -1
    count: int = 1
    follows: bool = False
    last_page: int = 0


def section_of(heading: str) -> str:
    """The top-level part of a chunk's heading path ("2 Traffic > 2.1 Ships" -> "2 Traffic")."""
    return heading.split(" > ", 1)[0].strip()


def candidates(
    pages: Sequence[str],
    page_starts: Sequence[int],
    chunks: Sequence[ChunkInfo],
    page_range: tuple[int, int] | None = None,
    relaxed: bool = False,
) -> list[Candidate]:
    """Every sentence of the pages in `page_range` (all pages when None) that could be a key
    point, scored, in document order. `relaxed` takes any line of a few words, for a document
    of notes or slides that has no prose sentence at all."""
    first, last = page_range or (1, len(pages))
    pages = layout.blank_running_lines(pages)  # a page's header is no part of its sentences
    ordered = sorted(chunks, key=lambda c: c.char_start)
    starts = [c.char_start for c in ordered]
    central = _centrality(ordered)
    raw: list[tuple[str, int, int, int, int]] = []  # text, page, start, end, chunk index
    places: list[tuple[int, bool]] = []  # each one's sentence number, whether it follows on
    number, ended_clean = 0, False  # the last sentence ended without a heading glued to it
    license_page, license_at = _license_start(pages)
    for page_no in range(first, min(last, len(pages), license_page) + 1):
        page = pages[page_no - 1]
        longest = max((len(line.strip()) for line in page.splitlines()), default=0)
        stop = _references_start(page) if page_no > len(pages) // 2 else None
        if page_no == license_page:
            stop = license_at if stop is None else min(stop, license_at)
        spans = textrules.sentence_spans(page)
        blocks = textrules.paragraph_spans(page)
        for k, span in enumerate(spans):
            if stop is not None and span[0] >= stop:
                break
            start, end = _without_heading_lines(page, span, longest)
            follows = ended_clean and point_spans.follows_on(
                page, blocks, spans, k, start, pages[page_no - 2] if page_no > first else ""
            )
            number, ended_clean = number + 1, end == span[1]
            text = " ".join(page[start:end].split())
            if not (_usable(text) or (relaxed and len(textrules.words(text)) >= 3)):
                continue
            offset = page_starts[page_no - 1] + start if page_starts else start
            index = max(0, bisect.bisect_right(starts, offset) - 1) if ordered else -1
            raw.append((text, page_no, start, end, index))
            places.append((number - 1, follows))
        if stop is not None:
            break  # the list of references, and whatever follows it, holds no key points
    sections = _sections(raw, ordered, first, last)
    found: list[Candidate] = []
    seen_in_section: dict[str, int] = {}
    for order, ((text, page_no, start, end, index), section, (number, follows)) in enumerate(
        zip(raw, sections, places, strict=True)
    ):
        rank = seen_in_section.get(section, 0)
        seen_in_section[section] = rank + 1
        centrality = central[index] if 0 <= index < len(central) else 0.5
        facts = _fact_count(text)
        score = _score(text, centrality, rank)
        where = order / max(1, len(raw) - 1)
        score += W_OPENING if where <= 0.15 else W_CLOSING if where >= 0.85 else 0.0
        found.append(
            Candidate(text, page_no, start, end, section, order, score, facts, number, 1, follows)
        )
    return found


def pick(found: Sequence[Candidate], length: str) -> list[Candidate]:
    """The key points for `length` ("brief": about five over the whole document; "detailed":
    points from every section), without near-duplicates, in document order."""
    by_section: dict[str, list[Candidate]] = {}
    for candidate in found:
        by_section.setdefault(candidate.section, []).append(candidate)
    ranked = {s: sorted(c, key=lambda c: -c.score) for s, c in by_section.items()}
    if length == "brief":
        return sorted(_brief(found, len(ranked)), key=lambda c: c.order)
    # Detailed says all that brief says, then more from every section.
    chosen = pick(found, "brief")
    # A section gets a point per four candidate sentences (about a paragraph), two to three
    # where it has them; more where the document has few sections (a one-page notice is one
    # section), so that detailed can say about twice what brief says.
    most = max(3, math.ceil(2 * brief_size(len(ranked)) / max(1, len(ranked))))
    for group in ranked.values():
        wanted = max(min(2, len(group)), min(most, math.ceil(len(group) / 4)))
        taken = 0
        for candidate in group:
            if taken >= wanted:
                break
            if taken > 0 and candidate.score < 0.6 * group[0].score:
                break
            if any(point_spans.overlaps(candidate, c) for c in chosen):
                taken += 1  # the sentence is a chosen point, or part of one
            elif _new(candidate, chosen):
                chosen.append(candidate)
                taken += 1
    chosen = sorted(chosen, key=lambda c: -c.score)[:MAX_DETAILED_POINTS]
    return sorted(chosen, key=lambda c: c.order)


def brief_size(sections: int) -> int:
    """How many points a brief has: about five, one more each time the document's number of
    sections doubles beyond five (a 12-section review gets 6, a 24-section manual 7), at
    most MAX_BRIEF_POINTS. Five points cannot speak for twenty sections; twenty points are
    no brief."""
    if sections <= BRIEF_POINTS:
        return BRIEF_POINTS
    return min(MAX_BRIEF_POINTS, BRIEF_POINTS + int(math.log2(sections / BRIEF_POINTS)))


def fact_tokens(text: str) -> frozenset[str]:
    """The distinct facts a sentence states, as tokens: its numbers, its names (a run of
    capitalised words, "Banco Agrario", is one name) and its months."""
    names = grounding.names(text)
    found = {f"#{n}" for n in grounding.numbers(text)}
    found |= {m.lower() for m in _MONTHS.findall(text)}
    run: list[str] = []
    for word in [*_NAME_WORD.findall(text), ""]:
        key = word.strip("'-").lower()
        if key and key in names:
            run.append(key)
        elif run:
            found.add(" ".join(run))
            run = []
    return frozenset(found)


def _brief(found: Sequence[Candidate], sections: int) -> list[Candidate]:
    """A greedy cover of the document's facts: each next point is the sentence that adds the
    most facts no chosen point states yet, on top of its own score (centrality, lead, facts),
    with a sentence from a section not yet heard from preferred. A fact-poor general
    statement, or a sentence repeating the numbers of one already chosen, loses to one that
    says something new."""
    size = brief_size(sections)
    own = {id(c): fact_tokens(c.text) for c in found}
    # What a sentence joined to a point must bring: a fact, or a decision ("was adopted",
    # "fell") that the point and the chosen points do not state yet.
    news = {id(c): own[id(c)] | _decisions(c.text) for c in found}
    options = [(_as_point(run), run) for run in point_spans.runs(found)]
    tokens = {id(c): frozenset().union(*(own[id(s)] for s in run)) for c, run in options}
    # How strong a point's best sentence is: "weak" is said of sentences, so a run of two
    # is not made weak by the facts the first chosen run added to its score.
    strength = {id(c): max(s.score for s in run) for c, run in options}
    chosen: list[Candidate] = []
    covered: set[str] = set()
    said: set[str] = set()  # the facts and decisions of the chosen points
    heard: set[str] = set()
    while len(chosen) < size:
        best, best_rank = None, (-math.inf, -math.inf)
        for candidate, run in options:
            again = candidate.section in heard
            fresh = len(tokens[id(candidate)] - covered)
            # Three tiers, each said only after the one before is spent: points that state a
            # fact; weak ones that state a fact no point states yet (a second sentence of a
            # section under half the first point's strength: last, not never, since a brief
            # is about `size` points and runs take in a paragraph's strong sentences); then
            # points with no number, name, date or decision at all.
            weak = again and strength[id(candidate)] < 0.5 * strength[id(chosen[0])]
            if weak and not fresh:
                continue  # a weak sentence with nothing new: no point
            factless = not tokens[id(candidate)] and not _DECISION.search(candidate.text)
            tier = TIER_NO_FACT if factless else TIER_WEAK if weak else 0
            gain = candidate.score + W_FRESH * min(MAX_FRESH, fresh)
            if again and len(heard) < sections:
                gain -= P_SECTION_AGAIN
            rank = (-tier, gain)
            if rank <= best_rank or any(point_spans.overlaps(candidate, c) for c in chosen):
                continue
            if len(run) > 1 and not point_spans.adds_facts([news[id(s)] for s in run], said):
                continue  # a sentence joined for nothing new: the point stays one sentence
            if candidate.follows and _points_back(candidate.text):
                continue  # "It carries 300 ...": only after the sentence it points back to
            if not _new(candidate, chosen):
                continue
            if not any(_same_form(candidate, other, tokens) for other in chosen):
                best, best_rank = candidate, rank
        if best is None:
            break
        chosen.append(best)
        covered |= tokens[id(best)]
        said |= tokens[id(best)] | _decisions(best.text)
        heard.add(best.section)
    return chosen


def _decisions(text: str) -> frozenset[str]:
    return frozenset(f"~{m.lower()}" for m in _DECISION.findall(text))


def _points_back(text: str) -> bool:
    words = textrules.words(text)
    return bool(words) and words[0] in _ANAPHORA


def _as_point(run: Sequence[Candidate]) -> Candidate:
    """A run of sentences as one point, scored as a sentence of its words would be in the
    first one's place (its centrality, its lead in the section, its nearness to the start)."""
    point = point_spans.joined(run)
    if len(run) == 1:
        return point
    score = run[0].score - _text_score(run[0].text) + _text_score(point.text)
    return dataclasses.replace(point, score=score)


def _same_form(a: Candidate, b: Candidate, tokens: dict[int, frozenset[str]]) -> bool:
    """Two sentences that say the same thing of different subjects ("The Coast Line runs 84
    kilometres ... serves 22 stations", "The Forest Line runs 39 ..."): their words less
    their numbers and names are the same. A brief has room for one of a kind."""
    forms = []
    for candidate in (a, b):
        facts = {word for t in tokens[id(candidate)] for word in t.lstrip("#").split()}
        forms.append(textrules.content_words(candidate.text) - {textrules.stem(f) for f in facts})
    mine, theirs = forms
    if min(len(mine), len(theirs)) < MIN_FORM_WORDS:
        return False  # "Revenue rose to ...", "Costs rose to ...": too little to call a form
    return len(mine & theirs) >= SAME_FORM * min(len(mine), len(theirs))


# -- the parts ------------------------------------------------------------------------------


def _usable(text: str) -> bool:
    """Prose that can stand as a point: not a table row, a formula, code, markup or a list of
    references, which lack the function words every sentence has."""
    words = textrules.words(text)
    if not _MIN_WORDS <= len(words) <= _MAX_WORDS or _JUNK.search(text):
        return False
    letters = sum(ch.isalpha() for ch in text)
    if letters < 0.6 * len(text.replace(" ", "")):
        return False
    if sum(text.count(ch) for ch in _MARKUP) > 1 or len(textrules.identifiers(text)) > 1:
        return False
    if text[0] in _DASHES or (not text[0].isalnum() and text[0] not in _OPENERS):
        return False  # the tail of a sentence the page broke apart
    function_words = sum(1 for w in words if w in textrules.STOPWORDS)
    if function_words < MIN_FUNCTION_WORDS * len(words) and len(grounding.numbers(text)) < 2:
        return False  # a list of terms; a line of figures ("Power: 800 W. Flow: ...") may pass
    capitals = sum(1 for w in text.split() if w[:1].isupper())
    if capitals > MAX_CAPITALISED * len(words):
        return False  # a title, authors, a heading in title case
    if text.rstrip()[-1] == ":":
        return False  # it introduces a list, a table or code, and says nothing alone
    return text[-1] in ".!?;)\"”'" or len(words) >= 10


def _references_start(page: str) -> int | None:
    """Where a list of references starts on `page` (a line "References" or "Bibliography")."""
    match = _REFERENCES.search(page)
    return match.start() if match else None


def _license_start(pages: Sequence[str]) -> tuple[int, int]:
    """The page (1-based) and offset where a reprinted licence begins, in the document's
    second half; past the last page when there is none."""
    for page_no in range(len(pages) // 2 + 1, len(pages) + 1):
        match = _LICENSE.search(pages[page_no - 1])
        if match:
            return page_no, match.start()
    return len(pages) + 1, 0


def _without_heading_lines(page: str, span: tuple[int, int], longest: int) -> tuple[int, int]:
    """`span` less a heading or title line glued to its start or end: PDF text often runs a
    short heading line into the sentence after it, or a sentence into the next heading."""
    start, end = span
    lines = page[start:end].split("\n")
    # Only a whole line can be a heading: a sentence that starts mid-line ("... account. The
    # deposit of" / "NOK 270,000 is paid ...") has the tail of a line first, short but no title.
    at_line_start = start == 0 or page[:start].rstrip(" \t").endswith("\n")
    while (
        at_line_start
        and len(lines) > 1
        and (
            _NUMBERED_HEADING.match(lines[0].strip())
            or (_heading_like(lines[0], longest) and lines[1].strip()[:1].isupper())
        )
    ):
        start += len(lines[0]) + 1
        lines.pop(0)
    while len(lines) > 1 and _heading_like(lines[-1], longest):
        if not lines[-2].rstrip().endswith((".", "!", "?", ":")):
            break  # the sentence runs on into this line: it is no heading
        end -= len(lines[-1]) + 1
        lines.pop()
    while start < end and page[start].isspace():
        start += 1
    return start, end


def _heading_like(line: str, longest: int) -> bool:
    line = line.strip()
    if not line or line.endswith((".", ",", ";", "!", "?")):
        return False
    return bool(_NUMBERED_HEADING.match(line)) or len(line) < 0.6 * longest


def _fact_count(text: str) -> int:
    return (
        min(MAX_NUMBERS, len(grounding.numbers(text)))
        + min(MAX_NAMES, len(grounding.names(text)))
        + (1 if _MONTHS.search(text) else 0)
    )


def _score(text: str, centrality: float, rank_in_section: int) -> float:
    score = W_CENTRAL * centrality + _text_score(text)
    if rank_in_section < len(W_LEAD):
        score += W_LEAD[rank_in_section]
    return score


def _text_score(text: str) -> float:
    """What a sentence earns by its words alone: facts, a decision, and whether it can stand
    alone at a readable length."""
    words = textrules.words(text)
    score = W_NUMBER * min(MAX_NUMBERS, len(grounding.numbers(text)))
    score += W_NAME * min(MAX_NAMES, len(grounding.names(text)))
    if _MONTHS.search(text) or _DECISION.search(text):
        score += W_DECISION
    if _points_back(text):
        score -= P_ANAPHORA
    if len(words) < 9:
        score -= P_SHORT
    elif len(words) > 45:
        score -= P_LONG
    return score


def _centrality(chunks: Sequence[ChunkInfo]) -> list[float]:
    """Each chunk's cosine to the document's mean embedding, scaled to 0..1 in the document
    (0.5 for all when there are no embeddings)."""
    have = [i for i, c in enumerate(chunks) if c.vector is not None]
    values = [0.5] * len(chunks)
    if len(have) < 2:
        return values
    matrix = np.stack([chunks[i].vector for i in have]).astype(np.float32)
    mean = matrix.mean(axis=0)
    norm = float(np.linalg.norm(mean)) or 1.0
    cosines = matrix @ (mean / norm)
    low, high = float(cosines.min()), float(cosines.max())
    spread = (high - low) or 1.0
    for i, value in zip(have, cosines, strict=True):
        values[i] = (float(value) - low) / spread
    return values


def _sections(
    raw: Sequence[tuple[str, int, int, int, int]],
    chunks: Sequence[ChunkInfo],
    first: int,
    last: int,
) -> list[str]:
    """The section of each sentence: its chunk's top-level heading where the document numbers
    its sections, else a run of pages (at most MAX_SECTIONS runs)."""
    headed = [section_of(chunks[r[4]].heading) if r[4] >= 0 else "" for r in raw]
    if raw and sum(1 for h in headed if h) >= 0.6 * len(raw) and len(set(headed)) > 1:
        # Sentences before the first heading (a title page, an abstract) are a section too.
        return [h or "(opening)" for h in headed]
    span = max(1, last - first + 1)
    per = max(1, math.ceil(span / MAX_SECTIONS))
    return [f"{point_spans.PAGE_RUN}{first + ((r[1] - first) // per) * per}" for r in raw]


def _new(candidate: Candidate, chosen: Sequence[Candidate]) -> bool:
    mine = textrules.content_words(candidate.text)
    for other in chosen:
        theirs = textrules.content_words(other.text)
        shared = len(mine & theirs) / max(1, min(len(mine), len(theirs)))
        if shared >= _DUPLICATE:
            return False
    return True
