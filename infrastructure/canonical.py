"""The canonical byte form of a signed record (see docs/ledger-format.md)."""

from __future__ import annotations

import json
from typing import Any

import orjson


class NotCanonical(ValueError):
    pass


def _no_floats(literal: str) -> Any:
    raise NotCanonical(f"float {literal} in a signed record: use integers (fen) or strings")


def _plain(value: Any) -> bool:
    """Whether the value holds only objects, arrays, strings, integers, booleans and nulls: what orjson writes exactly as
    the standard library does (no floats, nothing the standard library would refuse or orjson write its own way)."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str or kind is int or kind is bool or item is None:
            continue
        if kind is dict or kind is list or kind is tuple:
            stack.extend(item.values() if kind is dict else item)
        elif isinstance(item, dict | list | tuple | float) or not isinstance(item, str | int):
            return False  # a subclass of a container, a float, or no JSON type: the standard library decides
    return True


def _standard(value: Any) -> bytes:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    # Every float encodes with a "." or an exponent, and only floats do: parsing the output back with a
    # float hook that refuses is exact.
    json.loads(text, parse_float=_no_floats)
    return text.encode()


def canonical_json(value: Any) -> bytes:
    """UTF-8 JSON, keys sorted, no insignificant whitespace, no floats, no NaN. Written by orjson (a twentieth of the
    standard library's time with its check) when the value is plain; otherwise, and where orjson refuses (a key that is
    not a string, an integer beyond 64 bits, a lone surrogate), by the standard library, whose bytes these are."""
    if _plain(value):
        try:
            return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:
            pass
    return _standard(value)
