"""The assistant service on real PDFs made here, with the real bundled model and embedder."""

from __future__ import annotations

import itertools
import json
import threading
import time
from pathlib import Path

import pytest

from docnook import paths
from docnook.assistant import Assistant, TaskProgress
from docnook.config import Settings, load_settings
from docnook.errors import Cancelled, InputError, ModelError
from docnook.jobs import CancelToken
from docnook.library import Library
from docnook.llm import grounding
from gguf_tools import with_metadata
from pdfmaker import make_pdf

pytestmark = pytest.mark.slow

N_CTX = 1024  # small contexts and one thread keep these tests quick on a shared machine
TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}<start_of_turn>{{ message['role'] }}\n"
    "{{ message['content'] | trim }}<end_of_turn>\n{% endfor %}"
    "{% if add_generation_prompt %}<start_of_turn>model\n{% endif %}"
)

# Long enough pages that each is its own chunk, so a citation can only be right by page.
HANDBOOK = [
    "Opening hours. The museum of Eldvik opens at nine in the morning and closes at five in "
    "the afternoon from Tuesday to Sunday. On Mondays the museum is closed for cleaning. "
    "Groups of more than ten visitors should book a guided tour at the front desk. " * 2,
    "Tickets. Adults pay twelve crowns for a ticket, children under twelve enter for free, "
    "and students pay half price with a valid card. Tickets can be bought at the entrance "
    "or at the tourist office near the ferry terminal. " * 2,
    "The lighthouse. The old lighthouse was kept by Marta Olsen, who lit its whale oil lamp "
    "every night for forty years, from 1881 to 1921. Her logbooks, in which she recorded "
    "every passing ship and every storm, are shown in the lighthouse room. " * 2,
    "The harbor. The harbor of Eldvik was built in 1871 by the merchant guild. It has three "
    "piers of granite, and in 1923 a storm destroyed the northern pier, which the guild "
    "rebuilt in stone the following summer. " * 2,
]
HAPPY = [
    "What a wonderful, joyful festival! Everyone loved the brilliant music, the food was "
    "delicious and the children laughed all day. We are so happy and grateful.",
    "The best holiday of my life: kind people, beautiful beaches and perfect sunny weather. "
    "I loved every minute and cannot wait to come back.",
]
SAD = [
    "A terrible disaster. The project failed, the customers are furious, money was lost, "
    "and everyone is miserable and angry about the awful mistakes.",
    "The worst trip ever: the hotel was filthy, the staff were rude and the food made us "
    "sick. I hated every minute and will never go back.",
]


def _long_document() -> list[str]:
    """Twelve pages about different towns: several times the 512-token context of the test."""
    towns = ["Alder", "Birch", "Cedar", "Dunmore", "Elm", "Fenwick"] * 2
    return [
        f"Chapter {i}. The town of {town} lies on a river and is known for its {i * 3} mills. "
        f"Its market opens every {['Monday', 'Friday', 'Sunday'][i % 3]}, and its council "
        f"meets in a hall built in {1800 + i * 7}. Farmers bring wool, grain and cheese; "
        f"the school teaches {i + 40} children; a bridge of {i + 2} arches crosses the river. " * 2
        for i, town in enumerate(towns, 1)
    ]


@pytest.fixture(scope="module")
def library_dir(tmp_path_factory: pytest.TempPathFactory, embedder) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("assistant")
    pdfs = root / "pdfs"
    make_pdf(pdfs / "handbook.pdf", HANDBOOK, title="Eldvik museum handbook")
    make_pdf(pdfs / "happy.pdf", HAPPY, title="Festival letters")
    make_pdf(pdfs / "sad.pdf", SAD, title="Complaints")
    make_pdf(pdfs / "towns.pdf", _long_document(), title="Twelve towns")
    data = root / "data"
    with Library(data, embedder) as library:
        report = library.index([pdfs])
        assert report.failed == 0
        ids = {Path(r.path).stem: r.id for r in library.documents()}
    return data, ids


@pytest.fixture(scope="module")
def assistant(library_dir, embedder):
    data, _ = library_dir
    assistant = Assistant(data, embedder)
    assistant.apply_settings(Settings(n_ctx=N_CTX, n_threads=1))
    yield assistant
    assistant.close()


def test_ask_quotes_the_page_first_then_phrases_a_checked_answer(
    assistant: Assistant, library_dir
) -> None:
    _, ids = library_dir
    events: list[tuple[str, object]] = []
    answer = assistant.ask(
        "Who kept the old lighthouse?",
        on_token=lambda t: events.append(("token", t)),
        on_quote=lambda c: events.append(("quote", c)),
    )
    assert answer.found and answer.supported
    assert events and events[0][0] == "quote"  # the quote is on screen before any phrasing
    first = answer.citations[0]
    assert (first.document_id, first.page, first.n) == (ids["handbook"], 3, 1)
    assert "Marta Olsen" in first.quote and first.quote in " ".join(first.text.split())
    assert "Marta Olsen" in answer.answer and "[1]" in answer.answer
    streamed = "".join(str(t) for kind, t in events if kind == "token")
    if answer.phrasing:  # what streamed is exactly the checked phrasing
        assert " ".join(streamed.split()) == answer.phrasing
    data = answer.as_json()
    assert set(data) == {
        "answer",
        "found",
        "supported",
        "phrasing",
        "citations",
        "chat_id",
        "offloaded_layers",
    }
    assert set(data["citations"][0]) == {"n", "document_id", "path", "title", "page", "quote"}
    assert data["citations"][0]["path"].endswith("handbook.pdf")
    assert data["offloaded_layers"] == 0  # a CPU build places nothing on a GPU
    json.dumps(data)


def test_ask_within_one_document(assistant: Assistant, library_dir) -> None:
    _, ids = library_dir
    answer = assistant.ask("When was the harbor built?", document_ids=[ids["handbook"]])
    assert answer.found
    assert {c.document_id for c in answer.citations} == {ids["handbook"]}
    assert answer.citations[0].page == 4 and "1871" in answer.answer
    with pytest.raises(InputError):
        assistant.ask("When was the harbor built?", document_ids=[9999])


def test_the_documents_dont_say_without_asking_the_model(library_dir, embedder) -> None:
    data, _ = library_dir
    fresh = Assistant(data, embedder)
    try:
        for question in ("What is the capital of Mongolia?",):  # off the topic of all
            pieces: list[str] = []
            answer = fresh.ask(question, on_token=pieces.append, keep=False)
            assert not answer.found and not answer.supported, question
            assert pieces == [] and "don't say" in answer.answer
            assert answer.citations and all(c.quote for c in answer.citations)  # the closest
        assert fresh.engine_state() == "idle"  # the model was never even loaded
    finally:
        fresh.close()


def test_an_on_topic_question_the_documents_do_not_answer_is_declined(
    assistant: Assistant,
) -> None:
    answer = assistant.ask("Can I pay for the museum's guided tour with PayPal?", keep=False)
    assert not answer.found
    assert answer.answer.startswith("Your documents don't say: they never mention “PayPal”")


def test_a_common_word_no_page_uses_shows_the_closest_passage_as_such(
    assistant: Assistant,
) -> None:
    # "phone" is common English: its absence may be a paraphrase, so no refusal, and no
    # phrasing by the model either: the closest passage, said to be only that.
    answer = assistant.ask("What is the phone number of the museum's front desk?", keep=False)
    assert answer.found and not answer.supported and answer.phrasing is None
    assert answer.answer.startswith("Your documents never use the word “phone”")
    assert answer.citations and answer.citations[0].quote in answer.answer


def test_a_follow_up_in_a_chat_is_searched_with_the_question_before(
    assistant: Assistant, library_dir
) -> None:
    _, ids = library_dir
    first = assistant.ask("Who kept the old lighthouse?")
    assert first.chat_id is not None
    follow = assistant.ask("And for how many years did she light it?", chat_id=first.chat_id)
    assert follow.found and follow.chat_id == first.chat_id
    assert (follow.citations[0].document_id, follow.citations[0].page) == (ids["handbook"], 3)
    assert "forty years" in follow.answer
    messages = assistant.chat_messages(first.chat_id)
    assert [m.role for m in messages] == ["user", "assistant", "user", "assistant"]
    assert messages[-1].citations[0]["quote"] == follow.citations[0].quote
    # The instructions and worked examples of the phrasing prompt come from the KV cache.
    generation = assistant.last_generation
    assert generation is not None and generation.cached_tokens > 0.5 * generation.prompt_tokens


def test_cancel_an_answer_then_ask_again(assistant: Assistant) -> None:
    # Cancelled once the quote is on show, as the model starts to phrase: its words may be
    # held back to their end (a short extract of the quote), so a token is no sure moment.
    # (Cancel between the model's tokens: tests/integration/test_engine.py and the window's
    # Stop in tests/gui/test_assistant_window.py.)
    cancel = CancelToken()
    pieces: list[str] = []
    question = "Who kept the old lighthouse?"
    with pytest.raises(Cancelled):
        assistant.ask(
            question, on_token=pieces.append, on_quote=lambda _: cancel.cancel(), cancel=cancel
        )
    assert pieces == []
    assert assistant.engine_state() == "ready"
    chat = assistant.chat_list()[0]
    stopped = assistant.chat_messages(chat.id)[-1]
    assert stopped.stopped and stopped.text == ""
    assert assistant.ask(question).found


def test_sentiment_of_clearly_positive_and_negative_documents(
    assistant: Assistant, library_dir
) -> None:
    _, ids = library_dir
    steps: list[TaskProgress] = []
    happy = assistant.sentiment(ids["happy"], progress=steps.append)
    sad = assistant.sentiment(ids["sad"])
    assert happy.label == "positive" and sad.label == "negative"
    assert [p.page for p in happy.pages] == [1, 2]
    for page in happy.pages:
        assert page.scores["positive"] > page.scores["negative"]
    for page in sad.pages:
        assert page.scores["negative"] > page.scores["positive"]
    for result in (happy, sad):
        assert sum(result.scores.values()) == pytest.approx(1.0)
        assert set(result.scores) == {"positive", "neutral", "negative"}
    assert steps[-1].done == steps[-1].total == 2
    data = happy.as_json()
    assert set(data) == {"label", "scores", "pages"}
    assert set(data["pages"][0]) == {"page", "label", "scores", "reasons"}
    # cached: the same answer, instantly, without the model
    assert assistant.cached_sentiment(ids["happy"]) is not None
    again = assistant.sentiment(ids["happy"])
    assert again.cached and again.as_json() == happy.as_json()


def test_summary_points_carry_pages_and_state_nothing_the_document_does_not(
    library_dir, embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real model, a small context: key points with their pages first, an overview after
    that states no number or name absent from the document; cached per length."""
    data, ids = library_dir
    small = Assistant(data, embedder)
    try:
        small.apply_settings(Settings(n_ctx=512, n_threads=1))
        steps: list[TaskProgress] = []
        pieces: list[str] = []
        order: list[str] = []
        summary = small.summarize(
            ids["towns"],
            on_token=lambda t: (pieces.append(t), order.append("token")),
            progress=steps.append,
            on_point=lambda _: order.append("point"),
        )
        assert not summary.cached and 3 <= len(summary.points) <= 5
        assert "token" not in order[: len(summary.points)], "the overview came before a point"
        with Library(data, embedder) as library:
            pages = library.store.page_texts(ids["towns"])
        flat = [" ".join(p.split()) for p in pages]
        for point in summary.points:
            assert point.pages and point.source in flat[point.pages[0] - 1]
        assert len({p.pages[0] for p in summary.points}) >= 3, "the points cover the document"
        document = "\n".join(pages)
        made_up = grounding.check(summary.summary, document)
        assert made_up.passed, f"the summary states what the document does not: {made_up}"
        assert "".join(pieces).strip() == summary.overview.strip() or not summary.overview
        assert steps[-1].done == steps[-1].total
        with monkeypatch.context() as patch:  # the second time comes from the cache alone
            patch.setattr(small.runtime.engine, "run", _must_not_run("the engine"))
            patch.setattr(small.runtime.engine, "load", _must_not_run("the model loader"))
            again = small.summarize(ids["towns"])
        assert again.cached and again.summary == summary.summary
        assert again.points == summary.points
        assert small.cached_summary(ids["towns"]) == again
        assert small.cached_summary(ids["towns"], "detailed") is None
        assert small.cached_summary(ids["handbook"]) is None
        detailed = small.summarize(ids["towns"], length="detailed")
        assert not detailed.cached and len(detailed.points) >= len(summary.points)
        assert small.cached_summary(ids["towns"], "detailed") == again.__class__(
            **{**detailed.__dict__, "cached": True}
        )
    finally:
        small.close()


def test_a_cancelled_summary_leaves_nothing_in_the_cache(assistant: Assistant, library_dir) -> None:
    _, ids = library_dir
    cancel = CancelToken()
    steps: list[TaskProgress] = []

    def progress(step: TaskProgress) -> None:
        steps.append(step)
        if step.done >= 1:
            cancel.cancel()

    small_ctx = assistant.settings.replace(n_ctx=512)
    assistant.apply_settings(small_ctx)
    try:
        with pytest.raises(Cancelled):
            assistant.summarize(ids["handbook"], progress=progress, cancel=cancel)
        assert steps[-1].done < steps[-1].total
        assert assistant.cached_summary(ids["handbook"]) is None
    finally:
        assistant.apply_settings(small_ctx.replace(n_ctx=N_CTX))


def test_models_add_use_and_a_broken_model_keeps_the_previous(
    assistant: Assistant, library_dir, tmp_path: Path
) -> None:
    data, _ = library_dir
    (default,) = [m for m in assistant.models() if m.is_default]
    assert (default.name, default.architecture, default.in_use) == ("default", "gemma3", True)
    assert default.parameters > 200_000_000 and default.layers == 18
    assert default.quantization == "Q4_K_M" and not default.has_chat_template
    assert default.context_length == 32768

    chat = with_metadata(
        Path(default.path), tmp_path / "gemma-chat.gguf", {"tokenizer.chat_template": TEMPLATE}
    )
    added = assistant.add_model(chat)
    assert added.name == "gemma-chat" and added.has_chat_template and not added.in_use
    assert [m.name for m in assistant.models()] == ["default", "gemma-chat"]

    assistant.use_model("gemma-chat")
    assert assistant.settings.model == "gemma-chat"
    assert load_settings(data).model == "gemma-chat"
    assert assistant.ask("Who kept the old lighthouse?").found

    # The file is damaged on disk: switching back to it fails, the current model stays.
    assistant.use_model("default")
    chat.write_bytes(chat.read_bytes()[: chat.stat().st_size // 4])
    with pytest.raises(ModelError, match="incomplete"):
        assistant.use_model("gemma-chat")
    assert assistant.settings.model == "default"
    assert load_settings(data).model == "default"
    assert assistant.engine_state() == "ready"
    assert assistant.ask("When was the harbor built?").found
    with pytest.raises(ModelError, match="no model called"):
        assistant.use_model("nonexistent")


def test_settings_are_saved_privately(assistant: Assistant, library_dir) -> None:
    data, _ = library_dir
    target = paths.settings_path(data)
    assert (target.stat().st_mode & 0o777) == 0o600
    assert json.loads(target.read_text())["n_ctx"] == assistant.settings.n_ctx
    import llama_cpp

    gpu = assistant.gpu_info()
    assert gpu.supports_offload is bool(llama_cpp.llama_supports_gpu_offload())


def test_calls_from_several_threads_are_served_in_turn(
    tmp_path: Path, embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its own library and assistant: no answer or sentiment may come from a cache that an
    # earlier test wrote, so each call below has to reach the model.
    data, pdfs = tmp_path / "data", tmp_path / "pdfs"
    make_pdf(pdfs / "handbook.pdf", HANDBOOK, title="Eldvik museum handbook")
    make_pdf(pdfs / "sad.pdf", SAD, title="Complaints")
    with Library(data, embedder) as library:
        assert library.index([pdfs]).failed == 0
        sad_id = library.resolve(str(pdfs / "sad.pdf")).id
    fresh = Assistant(data, embedder)
    try:
        fresh.apply_settings(Settings(n_ctx=N_CTX, n_threads=1))
        assert fresh.cached_sentiment(sad_id) is None
        engine = fresh.runtime.engine
        real_run = engine.run
        ran: list[tuple[str, float, float]] = []  # caller's thread, start and end on the worker

        def counted_run(job, on_token=None, cancel=None):
            caller = threading.current_thread().name

            def timed(model, emit, cancel):
                started = time.perf_counter()
                try:
                    return job(model, emit, cancel)
                finally:
                    ran.append((caller, started, time.perf_counter()))

            return real_run(timed, on_token, cancel)

        monkeypatch.setattr(engine, "run", counted_run)
        results: dict[str, object] = {}

        def run(name: str, call) -> None:
            try:
                results[name] = call()
            except BaseException as exc:  # reported below
                results[name] = exc

        calls = {
            "ask": lambda: fresh.ask("Who kept the lighthouse?"),
            "sad": lambda: fresh.sentiment(sad_id),
            "state": fresh.engine_state,
        }
        threads = [threading.Thread(target=run, args=item, name=item[0]) for item in calls.items()]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        fresh.close()
    assert results["ask"].found  # type: ignore[union-attr]
    assert results["sad"].label == "negative"  # type: ignore[union-attr]
    assert not results["sad"].cached  # type: ignore[union-attr]
    assert results["state"] in ("ready", "generating")
    # Both calls ran model jobs of their own, and the engine ran them one at a time.
    callers = [caller for caller, _, _ in ran]
    assert callers.count("ask") >= 1 and callers.count("sad") >= 2  # a job per page
    spans = sorted((start, end) for _, start, end in ran)
    assert all(end <= later for (_, end), (later, _) in itertools.pairwise(spans))


def _must_not_run(what: str):
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"{what} was used")

    return refuse
