#!/usr/bin/env bash
# The main job on the embedded SQLite store: set up, create the Baotou network, record demo cases, verify.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/tongban init
.venv/bin/tongban demo --cases "${CASES:-1889}"
.venv/bin/tongban checkpoint > data/checkpoint.txt   # an auditor keeps this: later logs must extend it
.venv/bin/tongban verify
case_id=$(.venv/bin/python - <<'PY'
from infrastructure.bootstrap import build_ledger
ledger = build_ledger()
for n in ledger.all_records():
    if n.topic.endswith(":Case.ApplicationReceived"):
        print(n.originator_id)
        break
PY
)
.venv/bin/tongban audit export "$case_id" --out data/audit-bundle.json
.venv/bin/python verifier/audit_verifier.py data/audit-bundle.json --root-key data/keys/root.pub | tail -n 2
cat <<NEXT

What to do next (the ledger is in data/tongban.sqlite3, keys in data/keys):
  .venv/bin/tongban history $case_id            # one case's timeline, each record verified
  .venv/bin/tongban history $case_id --as-of 2025-01-03
  .venv/bin/tongban verify --json                # check every record, machine-readable
  .venv/bin/tongban audit check --since data/checkpoint.txt   # prove the log still extends the saved checkpoint
  python3 verifier/audit_verifier.py data/audit-bundle.json --root-key data/keys/root.pub   # offline, anywhere
  .venv/bin/tongban keys rotate baotou-kundulun  # rotate an institution's key; old records stay valid
  .venv/bin/tongban worklist --institution baotou-qingshan --date 2026-06-01   # what is due and overdue
  .venv/bin/tongban compliance --period 2025     # deadline compliance per rule
  .venv/bin/tongban ledger --period 2025 --xlsx ledger-2025.xlsx   # the institutions' ledger (台账)
  .venv/bin/tongban subsidies --period 2025      # subsidy reconciliation for finance
  .venv/bin/tongban serve                        # the HTTP API on http://127.0.0.1:8000 (tokens printed above)
  curl -H "Authorization: Bearer <token>" http://127.0.0.1:8000/cases?page_size=5
  .venv/bin/tongban --help
NEXT
