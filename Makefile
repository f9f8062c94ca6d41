# The two commands of the README, and the ones behind them.
.PHONY: setup run test lint bench-indexing bench-generation

setup:
	./scripts/setup.sh

run: setup
	.venv/bin/docnook gui

test: setup
	./scripts/test.sh

lint:
	.venv/bin/ruff check src tests benchmarks scripts
	.venv/bin/ruff format --check src tests benchmarks scripts
	.venv/bin/lint-imports

bench-indexing: setup
	./scripts/fetch_r_manuals.sh
	.venv/bin/python benchmarks/bench_indexing.py

bench-generation: setup
	.venv/bin/python benchmarks/bench_generation.py
