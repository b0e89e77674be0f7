"""The canonical byte form of a signed record (see docs/ledger-format.md)."""

from __future__ import annotations

import json
from typing import Any


class NotCanonical(ValueError):
    pass


def _reject_floats(value: Any) -> None:
    if isinstance(value, float):
        raise NotCanonical("floats are not allowed in a signed record; use integers (fen) or strings")
    if isinstance(value, dict):
        for item in value.values():
            _reject_floats(item)
    elif isinstance(value, list):
        for item in value:
            _reject_floats(item)


def canonical_json(value: Any) -> bytes:
    """UTF-8 JSON, keys sorted, no insignificant whitespace, no floats, no NaN."""
    _reject_floats(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()
