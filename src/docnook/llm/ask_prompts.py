"""The prompt that phrases an answer from one span of a document.

The span is chosen before the model is asked (`assistant/evidence.py`), so the model's only
job is to say the span's answer to the question in a few words: a task a 270M base model can
do, where "answer from these five sources and cite them" was not. A base model gets a plain
document that ends at "Answer:", after two worked examples; an instruct model gets the same
as a user message through its chat template. The answer is one line.
"""

from __future__ import annotations

from docnook.llm.prompts import Prompt, PromptStyle

PHRASE_INSTRUCTION = (
    "Answer the question in one short sentence, using only what the passage says. Keep names, "
    "numbers and code exactly as the passage writes them."
)
_PHRASE_EXAMPLES = """Passage: Water boils at 100 degrees Celsius at sea level. At high altitude \
it boils at a lower temperature.
Question: How hot does water need to be to boil at the coast?
Answer: 100 degrees Celsius.

Passage: The function mean() computes the arithmetic mean of its argument x; with trim set, \
that fraction of observations is dropped from each end first.
Question: What does trim do in mean()?
Answer: It drops that fraction of observations from each end before the mean is computed.

Passage: Trains to Oslo leave from platform 2. Trains to Bergen leave from platform 5, except \
on Sundays, when they use platform 3 and stop at Voss.
Question: Which platform do the Bergen trains use on a Sunday?
Answer: Platform 3.
"""
PHRASE_TOKENS = 48
_PHRASE_STOPS = ("\n",)


def phrase_prompt(style: PromptStyle, question: str, span: str) -> Prompt:
    question = " ".join(question.split())
    span = " ".join(span.split())
    if style.chat:
        text = style.user_turn(f"{PHRASE_INSTRUCTION}\n\nPassage: {span}\n\nQuestion: {question}")
        return Prompt(text, (), PHRASE_TOKENS, special=True)
    text = (
        f"{PHRASE_INSTRUCTION}\n\n{_PHRASE_EXAMPLES}\n"
        f"Passage: {span}\nQuestion: {question}\nAnswer:"
    )
    return Prompt(text, _PHRASE_STOPS, PHRASE_TOKENS)
