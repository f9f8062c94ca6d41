"""Asking the library: one road from the question to a quoted, checked, cited answer.

```
question (+ chat) -> search -> evidence -> quote -> phrase -> check -> answer
                     places,    the best     shown    model,    every number,
                     reranked   sentence,    at once  from the  identifier and name
                                or "the               span only in the cited passage
                                documents
                                don't say"
```

Each stage takes what the previous one found (`SearchHit`s carry their scored sentences and
their page; `Evidence` carries the quote and its page), so nothing is computed twice and the
page a citation opens is chosen once, by search. The quote reaches `on_quote` before the model
is even loaded, so a person sees the sentence the answer rests on within a second; the model's
phrasing follows it, one sentence shown whole once it has ended, only if every fact in it is in
the passage and every word it adds to the question is the quote's. Text that fails those
checks is never shown: the answer is then the quote itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from docnook.assistant.chats import ChatContext, Chats
from docnook.assistant.evidence import (
    Evidence,
    assess,
    closest_quote,
    is_telling,
    key_words,
)
from docnook.assistant.runtime import Runtime, indexed_document
from docnook.errors import Cancelled, InputError
from docnook.index.search import SearchHit
from docnook.ingest.formats import location_label
from docnook.jobs import CancelToken
from docnook.llm import ask_prompts, grounding, prompts
from docnook.llm.engine import Generation, LoadedModel

TokenCallback = Callable[[str], None]

SEARCH_K = 5  # places searched; the closest are shown when the documents don't say
CLOSEST_SHOWN = 3
NOT_FOUND = "Your documents don't say. The closest passages are listed below."
EMPTY_LIBRARY = "The library holds nothing that answers this question."
# Questions longer than this are measured with the model's tokenizer before anything else.
LONG_QUESTION_CHARS = 500


@dataclass(frozen=True)
class Citation:
    n: int
    document_id: int
    path: str
    title: str
    page: int  # where a link opens: the page of the quote
    page_start: int  # the passage's pages
    page_end: int
    chunk_id: int
    text: str  # the passage
    quote: str  # the sentence(s) of the page the answer rests on, exactly as the page has them

    def as_json(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "document_id": self.document_id,
            "path": self.path,
            "title": self.title,
            "page": self.page,
            "quote": self.quote,
        }

    def location(self) -> str:
        """Where it points: "p. 12", or "p. 12 of the laid-out text" for an e-book or a Word
        file, whose pages are DocNook's layout (ingest/formats.py)."""
        return location_label(self.path, self.page)

    def label(self) -> str:
        return f"[{self.n}] {self.title}, {self.location()}"

    @classmethod
    def from_hit(cls, n: int, hit: SearchHit, quote: str, page: int) -> Citation:
        return cls(
            n,
            hit.document_id,
            hit.path,
            hit.title,
            page,
            hit.page_start,
            hit.page_end,
            hit.chunk_id,
            hit.text,
            quote,
        )


@dataclass(frozen=True)
class Answer:
    answer: str  # what the person reads: the checked phrasing and the quote, or "don't say"
    found: bool  # False: nothing in the documents supports an answer; the model was not asked
    citations: list[Citation] = field(default_factory=list)  # found: the source; else closest
    supported: bool = False  # every fact in `answer` is in the cited passage
    phrasing: str | None = None  # the model's words, when they passed the check
    chat_id: int | None = None
    offloaded_layers: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "found": self.found,
            "supported": self.supported,
            "phrasing": self.phrasing,
            "citations": [c.as_json() for c in self.citations],
            "chat_id": self.chat_id,
            "offloaded_layers": self.offloaded_layers,
        }


def compose(phrasing: str | None, quote: str) -> str:
    """The answer as shown: the model's checked words, then the quote they rest on."""
    quoted = f"“{quote}” [1]"
    return f"{phrasing} [1]\n\n{quoted}" if phrasing else quoted


class Asking:
    """Questions to the library of one runtime."""

    def __init__(self, runtime: Runtime, chats: Chats) -> None:
        self._rt = runtime
        self._chats = chats
        # Token counts and timings of the last phrasing, for benchmarks and diagnostics.
        self.last_generation: Generation | None = None
        self.last_evidence: Evidence | None = None

    def ask(
        self,
        question: str,
        document_ids: list[int] | None = None,
        on_token: TokenCallback | None = None,
        cancel: CancelToken | None = None,
        on_quote: Callable[[Citation], None] | None = None,
        chat_id: int | None = None,
        keep: bool = True,
    ) -> Answer:
        """Answer `question` from the library (or from `document_ids` only). The quote goes
        to `on_quote` as soon as it is found; the phrasing goes to `on_token` once it has
        ended and passed its checks. With `keep`, the question and answer are filed in chat
        `chat_id` (a new chat when None), whose earlier turns also steer the search of a
        follow-up."""
        question = " ".join(question.split())
        if not question:
            raise InputError("Ask a question.")
        cancel = cancel or CancelToken()
        if len(question) > LONG_QUESTION_CHARS:
            # Said before searching: "too long" is the answer, not "nothing relevant found".
            self._rt.ensure_model()
            self._rt.engine.run(lambda m, emit, c: prompts.check_question(m.style, question))
        context = self._chats.context(chat_id) if chat_id is not None else ChatContext()
        with self._rt.library() as library:
            ids = [indexed_document(library, ref).id for ref in document_ids or []] or None
            # A follow-up is searched, and judged, with the question it follows.
            query = context.query_for(question)
            # The first hit's sentences are scored alone too: support is judged on that scale.
            hits = library.search(query, k=SEARCH_K, document_ids=ids, exact=1)
            missing = library.absent_words(key_words(query), ids) if hits else []
            common = library.common_words() if missing else frozenset()
        # Only a name or a rare word the library lacks tells that it cannot answer.
        absent = [word for word in missing if is_telling(query, word, common)]
        unused = [word for word in missing if word not in absent]
        evidence = assess(query, hits, absent, unused)
        self.last_evidence = evidence
        turn = self._chats.begin(chat_id, question, ids) if keep else None
        said: list[str] = []

        def forward(piece: str) -> None:
            said.append(piece)
            if on_token is not None:
                on_token(piece)

        try:
            answer = self._answer(question, hits, evidence, forward, on_quote, cancel)
        except Cancelled:
            if turn is not None:
                turn.stopped("".join(said))
            raise
        if turn is not None:
            answer = turn.finished(answer)
        return answer

    def _answer(
        self,
        question: str,
        hits: list[SearchHit],
        evidence: Evidence | None,
        on_token: TokenCallback | None,
        on_quote: Callable[[Citation], None] | None,
        cancel: CancelToken,
    ) -> Answer:
        if evidence is None:
            return Answer(EMPTY_LIBRARY, False)
        if not evidence.supported:
            closest = [
                Citation.from_hit(n, hit, *closest_quote(hit))
                for n, hit in enumerate(hits[:CLOSEST_SHOWN], 1)
            ]
            return Answer(_not_found(evidence.absent), False, closest)
        citation = Citation.from_hit(1, evidence.hit, evidence.quote, evidence.page)
        if on_quote is not None:
            on_quote(citation)
        cancel.raise_if_cancelled()
        if evidence.unused:
            # A word the question turns on is in no page: the closest passage is shown as
            # such, and the model does not phrase an answer from a passage that may not hold it.
            text = compose(_unused_note(evidence.unused), evidence.quote)
            return Answer(text, True, [citation], False, None, None, self._rt.offloaded_layers())
        phrasing = self._phrase(question, evidence, on_token, cancel)
        layers = self._rt.offloaded_layers()
        text = compose(phrasing, evidence.quote)
        return Answer(text, True, [citation], True, phrasing, None, layers)

    def _phrase(
        self,
        question: str,
        evidence: Evidence,
        on_token: TokenCallback | None,
        cancel: CancelToken,
    ) -> str | None:
        """The model's short answer from the span, or None when it said nothing that passed
        the check. Checked against the whole passage, so a fact from the sentence next to
        the quote still counts as the source's."""
        self._rt.ensure_model()
        # The answer is one sentence, shown once it has ended, and only if it says something
        # the question does not ("The function writes CSV files." does not), takes every
        # word it adds from the quote and copies no whole sentence of it
        # (grounding.ShortAnswer); its numbers, identifiers and names are checked against
        # the passage first (grounding.GroundedStream).
        answer = grounding.ShortAnswer(question, evidence.quote, on_token or (lambda _: None))
        guard = grounding.GroundedStream(evidence.hit.text, answer.feed)
        stop = _StopWhen(cancel, lambda: guard.failed is not None or answer.done)

        def job(model: LoadedModel, emit: TokenCallback, _: CancelToken) -> Generation | None:
            prompt = ask_prompts.phrase_prompt(model.style, question, evidence.quote)
            try:
                return model.stream(prompt, guard.feed, stop)
            except Cancelled:
                if cancel.cancelled:
                    raise
                return None  # the guard stopped an unsupported phrasing, or it was complete

        self.last_generation = self._rt.engine.run(job, None, cancel)
        guard.finish()
        if guard.failed is not None:
            return None
        answer.finish()
        return answer.shown or None


class _StopWhen(CancelToken):
    """A cancel token that also trips when `condition` holds: the person's cancel, or the
    check finding a fact the source does not hold."""

    def __init__(self, cancel: CancelToken, condition: Callable[[], bool]) -> None:
        super().__init__()
        self._cancel = cancel
        self._condition = condition

    @property
    def cancelled(self) -> bool:
        return self._cancel.cancelled or self._condition()

    def raise_if_cancelled(self) -> None:
        if self.cancelled:
            raise Cancelled()


def _unused_note(unused: tuple[str, ...]) -> str:
    """What heads the closest passage when the question's common words are in no page."""
    kind = "word" if len(unused) == 1 else "words"
    return f"Your documents never use the {kind} {_named(unused)}; this is the closest passage."


def _named(words: tuple[str, ...]) -> str:
    """The first few `words` quoted and joined by "or"."""
    return " or ".join(f"“{word}”" for word in words[:3])


def _not_found(absent: tuple[str, ...]) -> str:
    """ "The documents don't say", naming what they never mention when that is the reason."""
    if not absent:
        return NOT_FOUND
    return (
        f"Your documents don't say: they never mention {_named(absent)}. "
        "The closest passages are listed below."
    )
