#!/usr/bin/env bash
# Lint, architecture contracts, then the whole test suite on the real models, offscreen.
set -euo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check src tests benchmarks scripts packaging
.venv/bin/ruff format --check src tests benchmarks scripts packaging
.venv/bin/lint-imports
.venv/bin/python -m pytest "$@"
