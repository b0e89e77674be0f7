"""The canonical byte form of a signed record (see docs/ledger-format.md)."""

from __future__ import annotations

import json
from typing import Any


class NotCanonical(ValueError):
    pass


def _no_floats(literal: str) -> Any:
    raise NotCanonical(f"float {literal} in a signed record: use integers (fen) or strings")


def canonical_json(value: Any) -> bytes:
    """UTF-8 JSON, keys sorted, no insignificant whitespace, no floats, no NaN."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    # Every float encodes with a "." or an exponent, and only floats do: parsing the output back with a
    # float hook that refuses is exact, and cheaper than walking the value in Python.
    json.loads(text, parse_float=_no_floats)
    return text.encode()
