#!/usr/bin/env bash
# Set up, check the code's form (ruff lint and format, mypy --strict), and run the whole test suite
# (SQLite and PostgreSQL; see tests/conftest.py for how PostgreSQL is found).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
.venv/bin/ruff check --quiet .
.venv/bin/ruff format --check --quiet .
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
