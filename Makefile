# The two commands of the README, and the ones behind them.
.PHONY: setup setup-test run test test-fast lint bench-indexing bench-generation bench-answers \
	bench-library bench-summaries bench-sentiment bench-ocr package package-smoke

setup:
	./scripts/setup.sh

run: setup
	.venv/bin/docnook gui

# The test set-up adds what the real-desktop test drives the window with (Xvfb, xdotool).
setup-test:
	./scripts/setup.sh --test

test: setup-test
	./scripts/test.sh

# The fast tier: logic on real SQLite and real PDFs with a fake embedder and a fake engine
# (tests/fast, tests/fakes.py), and the unit tests; no model is loaded. Seconds, not minutes.
test-fast: setup
	QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest tests/fast tests/unit -m "not slow" -q

lint:
	.venv/bin/ruff check src tests benchmarks scripts packaging
	.venv/bin/ruff format --check src tests benchmarks scripts packaging
	.venv/bin/lint-imports

bench-indexing: setup
	./scripts/fetch_r_manuals.sh
	.venv/bin/python benchmarks/bench_indexing.py

bench-generation: setup
	.venv/bin/python benchmarks/bench_generation.py

# The labelled answer set (benchmarks/answers/): retrieval, citations, answers, declines and
# time to first token. The corpus index is cached in benchmarks/data/answers-index/.
bench-answers: setup
	./scripts/fetch_answer_corpus.sh
	.venv/bin/python benchmarks/bench_answers.py --json benchmarks/data/answers-results.json

bench-library: setup
	.venv/bin/python benchmarks/bench_library.py

# Key facts kept and nothing invented, brief and detailed, on the labelled summary set
# (benchmarks/summaries/); seconds per page for short and long documents.
bench-summaries: setup
	./scripts/fetch_summary_corpus.sh
	.venv/bin/python benchmarks/bench_summaries.py --json benchmarks/data/summaries-results.json

# 72 hand-labelled passages (benchmarks/sentiment/): raw against calibrated, accuracy, macro-F1.
bench-sentiment: setup
	.venv/bin/python benchmarks/bench_sentiment.py --json benchmarks/data/sentiment-results.json

# Scans of R manual pages (150 dpi, noise, JPEG) read by OCR through the indexing: CER, word
# recall, pages/s and CPU s/page, search recall against the originals (benchmarks/README.md).
bench-ocr: setup
	./scripts/fetch_r_manuals.sh
	.venv/bin/python benchmarks/bench_ocr.py --json benchmarks/data/ocr-results.json

# Installers (packaging/README.md): the .deb and tarball into dist/, then the smoke test that
# installs the .deb into a fresh root and starts it headless. Not part of `make test` or CI.
package: setup
	./packaging/linux/build.sh

package-smoke: package
	python3 packaging/linux/smoke_test.py --report dist/smoke-report.json
