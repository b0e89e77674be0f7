"""The standalone verifier of audit bundles (审计包独立核验程序): one file, verifier/audit_verifier.py, written
from docs/ledger-format.md and docs/transparency-log.md alone. It imports nothing from tongban, so that it
checks what the ledger writes rather than agreeing with it; tests/unit/test_formats_agree.py proves that it and
the writer (infrastructure/formats.py) give the same bytes."""
