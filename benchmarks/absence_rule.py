"""Which words' absence declines a question: every key word, or only the telling ones.

"Your documents don't say: they never mention X" rests on X being in no passage of the library.
This asks, for every question of the answer set, which of its key words (`evidence.key_words`)
no passage holds, in two libraries: the whole benchmark corpus (ten documents) and the
question's own document alone (a person with one document), and counts the questions that
would be declined for it, answerable and not, under the two rules: any key word absent (the
rule before stop 24), or a telling word absent (`evidence.telling_words`: names and words
outside the embedder's common-English vocabulary). No model; the index of `bench_answers.py`
is reused (run that first).

    .venv/bin/python benchmarks/absence_rule.py
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import answer_set  # noqa: E402  (benchmarks/ is not a package)
import bench_answers  # noqa: E402


def main() -> int:
    from docnook.assistant.evidence import key_words, telling_words
    from docnook.library import Library

    questions = answer_set.load()
    files, _ = bench_answers.check_documents(questions, bench_answers.DEFAULT_CORPUS)
    data_dir, _ = bench_answers.prepare_index(files, reindex=False)
    counts: dict[tuple[str, str, bool], int] = {}
    with Library(data_dir) as library:
        ids = {Path(record.path).name: record.id for record in library.documents()}
        common = library.common_words()
        for question in questions:
            words = key_words(question.question)
            telling = set(telling_words(question.question, common))
            own = ids.get(question.document)
            for scope, scope_ids in (("library", None), ("own document", [own] if own else None)):
                if scope_ids is None and scope != "library":
                    continue
                absent = library.absent_words(words, scope_ids)
                for rule, declines in (
                    ("any key word", bool(absent)),
                    ("a telling word", any(word in telling for word in absent)),
                ):
                    key = (scope, rule, question.answerable)
                    counts[key] = counts.get(key, 0) + declines
    answerable = sum(q.answerable for q in questions)
    unanswerable = len(questions) - answerable
    print("| library | rule | answerable declined | unanswerable declined |")
    print("| --- | --- | ---: | ---: |")
    for scope in ("library", "own document"):
        for rule in ("any key word", "a telling word"):
            a = counts.get((scope, rule, True), 0)
            u = counts.get((scope, rule, False), 0)
            print(
                f"| {scope} | {rule} | {a}/{answerable} = {a / answerable:.3f} "
                f"| {u}/{unanswerable} = {u / unanswerable:.3f} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
