"""Which retrieved sentence an answer rests on, and whether any does.

Search has already scored every sentence of the best places against the question
(`index/rerank.py`). Here the best of them becomes the answer's span (the quote a person sees,
widened to the sentence before or after where it cannot stand alone) and the question is
checked against it: an answer needs a sentence close in meaning to the question, and no name
or rare word of the question may be missing from the whole library. A plausible question
about something the documents do not cover usually fails the second test: its topic words
are there ("read", "data frame"), the one thing it asks about ("Parquet") is in no passage at
all. The library is asked with its full-text index (`Store.absent_words`). A common word in
no passage ("chart" where the pages say "plot") proves nothing, so the closest passage is
shown as such, unphrased (`Evidence.unused`).

Measured on the answer benchmark (benchmarks/README.md, "Answers"): requiring instead that the
best passage hold 0.6 of the question's key terms declined 43% of answerable questions, since
people ask with words the page does not use ("How long can a single line be?").
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from docnook import text as textrules
from docnook.index.rerank import ScoredSentence
from docnook.index.search import SearchHit

# The words that frame a question rather than say what it is about.
_FRAME_TEXT = """
default defaults value values function functions set setting settings number name names mean
means meaning happen happens kind type types way ways difference differ need needs make makes
work works possible want find document documents say says said called call purpose used
describe described explain example examples list option options give gives show shows
many much long often far large big small old soon whether rather instead like thing things
something anything someone somebody
"""
_FRAME = frozenset(textrules.stem(word) for word in _FRAME_TEXT.split())
# Words that point back at an earlier sentence: such a sentence is quoted with the one before.
_ANAPHORA_TEXT = "it its this these they their such that those he she there"
_ANAPHORA = frozenset(_ANAPHORA_TEXT.split())
_ISE = re.compile(r"is(?=e|ing|ation|a)")  # British -ise, -ising, -isation
_OUR = re.compile(r"our$")  # colour, behaviour
# Inflections undone to find a word's base form: (suffix, what replaces it).
_INFLECTIONS = (
    ("ies", "y"),
    ("es", ""),
    ("s", ""),
    ("ing", ""),
    ("ing", "e"),
    ("ed", ""),
    ("ed", "e"),
    ("ly", ""),
    ("er", ""),
    ("est", ""),
)

# The first test of support: a sentence this close. The similarity is all-MiniLM-L6-v2's
# cosine plus the keyword bonus of `rerank.py`. (The second, `absent`, is asked of the index.)
MIN_SENTENCE_SCORE = 0.45
MAX_QUOTE_CHARS = 480
# About three sentences of prose: the sentence that matches a question best most often
# introduces the answer, which follows within the next two (benchmarks/README.md, "Answers").
MIN_QUOTE_CHARS = 320
_CLOSING = (".", "!", "?", ":", ";", ",", ")", '"', "”", "'")
_CODE_MARKS = ("(", "=", "<", ">", "$", "{", "[", "_")
# A numbered section heading of two levels or more ("7.16 Why is the output not printed when I
# source() a file?", "2.11 Can I use R for commercial purposes?"): FAQs and manuals title
# their sections with questions and function names, so punctuation and code marks do not make
# such a line a sentence. One level ("1. Open the file.") is a list item, often the answer.
_NUMBERED_HEADING = re.compile(r"\d{1,2}(?:\.\d{1,2})+\.?\s+[A-Z]")


@dataclass(frozen=True)
class Evidence:
    hit: SearchHit
    quote: str  # the supporting sentence(s), exact text of the page, whitespace tidied
    page: int
    sentence: ScoredSentence
    supported: bool
    absent: tuple[str, ...] = ()  # names and rare words of the question no passage holds
    # Common words of the question no passage holds: the pages may say it in other words
    # ("plot" for "chart"), or not at all; the quote is shown as the closest, unphrased.
    unused: tuple[str, ...] = ()

    @property
    def score(self) -> float:
        return self.sentence.score


def key_terms(question: str) -> set[str]:
    """The question's content words, less the words that only frame it."""
    terms = textrules.content_words(question)
    specific = {term for term in terms if term not in _FRAME}
    return specific or terms


def key_words(question: str) -> list[str]:
    """The question's words that say what it is about, as written, in order, for asking the
    library whether it holds them at all. Not stopwords or framing words, and not words of
    three letters or fewer unless written as an acronym (GPU, SQL): short words are too often
    inflections or parts of others ("ran", "men", the "ve" of "I've") for their absence to
    tell anything."""
    found: dict[str, str] = {}  # lower case -> as written first
    for raw in textrules.WORD.findall(question):
        word = raw.lower()
        if word.isdigit() or word in textrules.STOPWORDS or textrules.stem(word) in _FRAME:
            continue
        if len(word) <= 3 and not (raw.isupper() and len(raw) >= 2):
            continue
        found.setdefault(word, raw)
    return list(found.values())


def telling_words(question: str, common: Collection[str]) -> list[str]:
    """Those of `key_words` whose absence from the library tells that it cannot answer: names
    (an acronym, an identifier, a word capitalised inside the sentence: "Docker", "CUDA",
    "Google") and words outside common English (`common`: lower-case word forms, such as the
    embedder's vocabulary; "Parquet", "reticulate"). A common word the pages never use says
    little: people ask for a "chart" of pages that say "plot", and a library of one document
    lacks most common words ("year", "tells", "better"). Asked of each question's own document
    alone, the absence of any key word would decline 50 of the answer benchmark's 114
    answerable questions; the absence of a telling word declines 3 (benchmarks/README.md)."""
    return [word for word in key_words(question) if is_telling(question, word, common)]


def is_telling(question: str, word: str, common: Collection[str]) -> bool:
    """Whether `word` of `question` is a telling word (see `telling_words`)."""
    return _is_name(question, word) or not any(form in common for form in _base_forms(word))


def _is_name(question: str, word: str) -> bool:
    if (len(word) >= 2 and word.isupper()) or any(c.isdigit() or c == "_" for c in word):
        return True
    if not word[:1].isupper():
        return False
    # Capitalised where a sentence does not start: a name ("Excel", "Shiny").
    for match in re.finditer(rf"\b{re.escape(word)}\b", question):
        before = question[: match.start()].rstrip(" \"'“‘(")
        if before and before[-1] not in ".?!:;":
            return True
    return False


def _base_forms(word: str) -> set[str]:
    """The word and the forms an English inflection or spelling variant may come from
    ("persists" -> "persist", "summarising" -> "summarizing"): a common word stays common
    when inflected or spelt the British way."""
    word = word.lower()
    forms = {word}
    for suffix, replacement in _INFLECTIONS:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            forms.add(word[: -len(suffix)] + replacement)
    forms |= {_ISE.sub("iz", form) for form in forms} | {_OUR.sub("or", form) for form in forms}
    return forms


def coverage(question: str, passage: str) -> float:
    wanted = key_terms(question)
    if not wanted:
        return 0.0
    return len(wanted & textrules.content_words(passage)) / len(wanted)


def quote_span(hit: SearchHit, best: ScoredSentence) -> tuple[str, int]:
    """The quote around `best`, as exact text of `hit`'s passage, and the page it starts on.
    Widened over the passage's own sentences (not only the few the second stage scored),
    within `best`'s page and section."""
    spans = [span for span in textrules.sentence_spans(hit.text) if span[1] > span[0]]
    index = next((i for i, (a, b) in enumerate(spans) if a <= best.start < b), None)
    if index is None:  # the scorer cut the passage differently: the sentence alone
        return " ".join(best.text.split())[:MAX_QUOTE_CHARS], best.page
    first = last = index
    words = textrules.words(best.text)
    # A sentence that points back ("It defaults to 7") is quoted with the one before, unless
    # the passage's own sentence already begins earlier and holds it.
    if words and words[0] in _ANAPHORA and index > 0 and spans[index][0] >= best.start:
        first = index - 1

    def joins(i: int) -> bool:
        """Whether sentence `i` may join the quote: on the same page as the quote so far,
        and in the same section (a quote does not run on into the next section, nor back
        over its own section's heading into the one before)."""
        a, b = spans[i]
        lo, hi = min(a, spans[first][0]), max(b, spans[last][1])
        if any(lo < cut < hi for cut in hit.page_breaks) or hi - lo > MAX_QUOTE_CHARS:
            return False
        if i > last:
            return not _opens_section(hit.text[a:b])
        return not _is_heading(hit.text[a:b]) and not _opens_section(
            hit.text[spans[first][0] : spans[first][1]]
        )

    # The sentence that matches a question best is often the one that introduces the answer
    # ("... set the random seed to make the examples reproducible.", a heading, a line ending
    # in "e.g." or a colon) and the value follows it: a short quote takes its next sentences
    # until it reads as a passage, not a line; where its section or page ends first, the
    # sentences before it.
    while last + 1 < len(spans) and _length(spans, first, last) < MIN_QUOTE_CHARS:
        if not joins(last + 1):
            break
        last += 1
    while first > 0 and _length(spans, first, last) < MIN_QUOTE_CHARS and joins(first - 1):
        first -= 1
    start, end = spans[first][0], spans[last][1]
    quote = " ".join(hit.text[start:end].split())
    if len(quote) > MAX_QUOTE_CHARS:
        return " ".join(best.text.split())[:MAX_QUOTE_CHARS], best.page
    # The page of `best`, the sentence the question matched, even where the quote begins with
    # the end of the page before: that is where the reader opens and highlights.
    return quote, best.page


def closest_quote(hit: SearchHit) -> tuple[str, int]:
    """What a closest passage shows when the documents don't say, and its page: its best
    sentence widened as an answer's quote is. A best sentence alone is often a heading ("Plots
    and fees", matched by "plot"), which shows nothing; with the sentences under it the
    person can read the fee for themselves when the question was put in other words."""
    best = hit.best_sentence
    if best is None:
        return " ".join(hit.text.split())[:MAX_QUOTE_CHARS], hit.page
    return quote_span(hit, best)


def _length(spans: list[tuple[int, int]], first: int, last: int) -> int:
    return spans[last][1] - spans[first][0]


def _is_heading(sentence: str) -> bool:
    """A heading or a running header as the splitter leaves it: one short line of a few
    words, no closing punctuation, no code ("Opening hours", "3.2. Dealing with
    autocorrelation"). A line of code ("R> set.seed(1071)") is not one: it often holds the
    answer the sentence before it introduces."""
    line = " ".join(sentence.split())
    if "\n" in sentence.strip() or not line:
        return False
    if _NUMBERED_HEADING.match(line):
        return len(line.split()) <= 2 * textrules.HEADING_WORDS
    if line.endswith(_CLOSING):
        return False
    if any(mark in line for mark in _CODE_MARKS):
        return False
    return len(line.split()) <= textrules.HEADING_WORDS and (line[0].isupper() or line[0].isdigit())


def _opens_section(sentence: str) -> bool:
    """Whether a sentence begins a section: it is a heading, or the splitter left a numbered
    heading line on top of its first sentence ("7.2 The scan() function" / "Suppose the data
    vectors are ..."). An unnumbered short first line is not taken for one: it is as often
    the first line of a wrapped sentence."""
    first_line = sentence.strip().split("\n", 1)[0]
    return _is_heading(sentence) or (
        first_line != sentence.strip()
        and _is_heading(first_line)
        and bool(_NUMBERED_HEADING.match(" ".join(first_line.split())))
    )


def assess(
    question: str,
    hits: list[SearchHit],
    absent: Sequence[str] = (),
    unused: Sequence[str] = (),
) -> Evidence | None:
    """The best supporting span among `hits` (best first), or None when they have no
    sentences. `absent`: the question's telling words (`telling_words`) that no passage of
    the library holds; `unused`: its other key words that none holds. `supported` says
    whether it passes both tests."""
    for hit in hits:
        best = hit.best_sentence
        if best is None:
            continue
        quote, page = quote_span(hit, best)
        supported = best.score >= MIN_SENTENCE_SCORE and not absent
        return Evidence(hit, quote, page, best, supported, tuple(absent), tuple(unused))
    return None
