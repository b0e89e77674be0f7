#!/usr/bin/env bash
# Set up and run the whole test suite (SQLite and PostgreSQL; see tests/conftest.py for how PostgreSQL is found).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
.venv/bin/python -m pytest "$@"
