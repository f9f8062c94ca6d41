"""Key points of more than one sentence: a sentence and the one(s) right after it in the same
paragraph, read as one point.

In letters, leases and notices each sentence states one fact ("The annual rent is NOK
540,000, paid quarterly in advance. The rent is adjusted each year ... by the consumer price
index."), so five whole sentences hold five facts at best (benchmarks/README.md, "Summaries",
the ceiling). A point may therefore be a run of adjacent sentences, still the document's own
words, so nothing in it can be invented and the reader can mark it where it stands:

- adjacent: consecutive sentences of the page text, none left out between them (a table row,
  a formula or a heading that selection skipped ends the run), in one section;
- one paragraph: no heading line between them and no paragraph break (`text.paragraph_spans`:
  a short last line, a blank line, a list item); across a page break only where the next page
  opens in the middle of the paragraph the page before ends with;
- short: at most MAX_POINT_WORDS words and MAX_POINT_SENTENCES sentences in all;
- worth it: each sentence after the first states a fact (a number, a name, a month) that
  neither the sentences before it in the point nor any point already chosen state.

Runs are offered to the brief's greedy cover beside single sentences, so the cover chooses
among them by the facts they add; a run and its own sentences are never both chosen. Pure
functions over `key_points.Candidate`s.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from docnook import text as textrules

if TYPE_CHECKING:
    from docnook.assistant.key_points import Candidate

# A reader of a five-point brief takes in each point at a glance: about two lines of the
# summary pane. That is what selection already calls a long sentence (key_points.P_LONG,
# over 45 words), so a point of several sentences may be as long as one long sentence, not
# longer: a brief of five such points stays near 1,500 characters, a page's third.
MAX_POINT_WORDS = 45
MAX_POINT_SENTENCES = 3  # more is a paragraph, not a point


PAGE_RUN = "pages from "  # how a section made of a run of pages is named (no headings)


def joinable(before: Candidate, after: Candidate) -> bool:
    """Whether `after` may follow `before` in one point: the next sentence of the document,
    in its paragraph and section (see the module's docstring). Where a document has no
    headings its sections are runs of pages, and a page break is no section's end."""
    same = after.section == before.section or (
        after.section.startswith(PAGE_RUN) and before.section.startswith(PAGE_RUN)
    )
    return after.follows and after.index == before.index + before.count and same


def follows_on(
    page: str,
    blocks: Sequence[tuple[int, int]],
    spans: Sequence[tuple[int, int]],
    k: int,
    start: int,
    page_before: str,
) -> bool:
    """Whether sentence `k` of `page` (its `spans`; `start`: where its text starts once a
    heading line glued to it is taken off) goes on with the paragraph of the sentence before
    it: no heading between, the same paragraph of `blocks` (`text.paragraph_spans`), or, for
    the page's first sentence, a `page_before` whose last paragraph runs on into it. The
    caller knows whether the sentence before ended without a heading glued to its end."""
    visible = spans[k][0]
    while visible < spans[k][1] and page[visible].isspace():
        visible += 1
    if start != visible:
        return False  # a heading line stood before it
    if k:
        before, mine = spans[k - 1], spans[k]
        return any(a <= before[0] and mine[1] <= b for a, b in blocks)
    tail, head = page_before.rstrip(), page.lstrip()
    if not tail or not head:
        return False
    # One text as a reader would read across the break: does one paragraph span the cut?
    cut = len(tail)
    return any(a < cut < b for a, b in textrules.paragraph_spans(f"{tail}\n{head}"))


def runs(found: Sequence[Candidate]) -> list[tuple[Candidate, ...]]:
    """Every candidate alone, then every run of two or more joinable candidates that fits
    a point's length, in document order of their first sentence."""
    result: list[tuple[Candidate, ...]] = []
    ordered = sorted(found, key=lambda c: c.order)
    for i, head in enumerate(ordered):
        run = [head]
        result.append((head,))
        words = len(textrules.words(head.text))
        for after in ordered[i + 1 : i + MAX_POINT_SENTENCES]:
            words += len(textrules.words(after.text))
            if not joinable(run[-1], after) or words > MAX_POINT_WORDS:
                break
            run.append(after)
            result.append(tuple(run))
    return result


def joined(run: Sequence[Candidate]) -> Candidate:
    """The run as one candidate: its sentences' text, from the first one's start on its page
    to the last one's end on its page, scored as its first sentence (its place in the
    section, its centrality; what the others add is counted as facts by the cover)."""
    first, last = run[0], run[-1]
    if len(run) == 1:
        return first
    return dataclasses.replace(
        first,
        text=" ".join(c.text for c in run),
        end=last.end,
        facts=sum(c.facts for c in run),
        last_page=last.last_page or last.page,
        count=sum(c.count for c in run),
    )


def adds_facts(tokens: Sequence[frozenset[str]], covered: Iterable[str]) -> bool:
    """Whether each sentence after the first (`tokens`: each sentence's facts, in order)
    states a fact that neither the sentences before it nor `covered` state."""
    known = set(covered) | set(tokens[0]) if tokens else set(covered)
    for mine in tokens[1:]:
        if not mine - known:
            return False
        known |= mine
    return True


def overlaps(a: Candidate, b: Candidate) -> bool:
    """Whether two points share a sentence (a run and one of its own sentences do)."""
    if a.index < 0 or b.index < 0:
        return a is b
    return a.index < b.index + b.count and b.index < a.index + a.count


def pages(candidate: Candidate) -> tuple[int, ...]:
    """Every page the point's sentences are on, first to last."""
    return tuple(range(candidate.page, max(candidate.page, candidate.last_page) + 1))
