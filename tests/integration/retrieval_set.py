"""A small question set over a handbook the tests generate: some questions name exact codes
(where word matching shines), some paraphrase the page (where embeddings shine)."""

from __future__ import annotations

_FILING = (
    "Procedure for permit applications. Applicants submit form {code} to the regional office "
    "together with a copy of their identity card and proof of address. The office reviews "
    "the application within thirty days and replies in writing. Incomplete applications are "
    "returned to the applicant with a list of the missing documents."
)

PAGES: list[str] = [
    _FILING.format(code="XK-4471"),
    _FILING.format(code="XK-4417"),
    _FILING.format(code="XK-7441"),
    _FILING.format(code="XK-1744"),
    "The sloth spends up to twenty hours a day motionless, suspended from branches high in the "
    "rainforest canopy, descending to the forest floor only about once a week.",
    "Heat pumps move warmth from the outside air into a building. Even in frosty weather, a "
    "refrigerant circuit extracts energy from cold air and releases it indoors.",
    "The tenant must pay the monthly rent on the first business day. Late payment incurs a "
    "surcharge of five percent, and repeated lateness allows the landlord to end the lease.",
    "Photosynthesis in plant leaves converts sunlight, water and carbon dioxide into sugars, "
    "releasing oxygen as a by-product through small pores called stomata.",
    "Glaciers carve U-shaped valleys as they slowly flow downhill, grinding bedrock with "
    "embedded stones and leaving moraines of debris where the ice finally melts.",
    "Vaccines train the immune system by presenting a harmless piece of a pathogen, so that "
    "memory cells recognise and neutralise the real infection quickly later on.",
    "Reference number ZX-0077 identifies the archived correspondence of the harbour master "
    "between 1911 and 1923, stored in box 14 of the municipal archive.",
    "Compound interest means earning returns on previous returns: savings grow exponentially "
    "when the interest is reinvested rather than withdrawn each year.",
]

# (question, 1-based page that answers it)
QUESTIONS: list[tuple[str, int]] = [
    ("Where do I send form XK-4417?", 2),
    ("How long does the review of form XK-1744 take?", 4),
    ("What must accompany form XK-7441?", 3),
    ("What happens when form XK-4471 is incomplete?", 1),
    ("Where is ZX-0077 kept?", 11),
    ("Which creature is famously sluggish, dangling above the jungle?", 5),
    ("How can a building be warmed using chilly outdoor air?", 6),
    ("What happens if I am behind on what I owe my landlord?", 7),
    ("How does foliage turn sunshine into nourishment?", 8),
    ("What sculpts alpine scenery during an ice age?", 9),
    ("How does immunisation prepare the body against disease?", 10),
    ("Why does money left to grow multiply faster over time?", 12),
]
