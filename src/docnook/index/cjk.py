"""Keyword search for Chinese, Japanese and Korean, which write words without spaces.

FTS5's `unicode61` tokenizer splits on spaces and punctuation, so a run of Han or kana is one
long "word" and a two-character word inside it is never found. The text of chunks that hold
CJK is therefore also indexed as overlapping character pairs (北京是中国 → 北京 京是 是中 中国)
in `chunks_cjk`: a query word of two characters is one pair, a longer one is a phrase of
consecutive pairs, a single character a prefix. Only chunks with CJK get a row, so a library
without any costs nothing.

Why pairs and not FTS5's built-in `trigram` tokenizer: a trigram index cannot look up a word
of two characters (the commonest length of a Chinese word); FTS5 falls back to scanning every
chunk (1 s over 100,000 chunks here), and a trigram table over every chunk of that library
weighs 146 MB against 19 MB for the unicode61 one, and takes 5x as long to build. Measured in
benchmarks/README.md.
"""

from __future__ import annotations

import re

from docnook import text as textrules

SQL_FUNCTION = "docnook_cjk_pairs"  # registered on every connection by `Store`

_CJK_RUN = re.compile(f"[{textrules.CJK_CHARACTERS}]+")


def pair_text(text: str | None) -> str | None:
    """The CJK of `text` as space-separated character pairs, or None when it has none (the
    trigger then adds no row)."""
    if not text:
        return None
    runs = _CJK_RUN.findall(text)
    if not runs:
        return None
    return " ".join(" ".join(textrules.character_pairs(run)) for run in runs)


def cjk_phrases(query: str) -> list[str]:
    """FTS5 phrases over `chunks_cjk` for the query's CJK words, to be ORed."""
    terms = []
    for run in dict.fromkeys(_CJK_RUN.findall(query)):
        if len(run) == 1:
            terms.append(f'"{run}"*')
        else:
            terms.append('"' + " ".join(textrules.character_pairs(run)) + '"')
    return terms


def latin_part(query: str) -> str:
    """The query without its CJK, for the `unicode61` index."""
    return _CJK_RUN.sub(" ", query)
