"""Verify reads a stored record with orjson when that gives the standard library's answer, and with the
standard library otherwise: for any bytes, the answer (the value, and whether it is canonical) is the one
the standard library's strict reading gives (docs/ledger-format.md: UTF-8, keys sorted, no whitespace, no floats)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infrastructure.records import _parse


def _refuse_float(literal: str) -> Any:
    raise ValueError(literal)


def standard_reading(stored: bytes) -> object:
    try:
        value = json.JSONDecoder(parse_float=_refuse_float).decode(stored.decode())
        return value, json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode() == stored
    except ValueError:
        return "unreadable"


def our_reading(stored: bytes) -> object:
    try:
        return _parse(stored)
    except (ValueError, TypeError):
        return "unreadable"


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=10,
)
layouts = st.sampled_from(
    [
        {"sort_keys": True, "separators": (",", ":"), "ensure_ascii": False},  # canonical, unless it holds a float
        {"sort_keys": True, "separators": (",", ":"), "ensure_ascii": True},
        {"sort_keys": False, "separators": (", ", ": "), "ensure_ascii": False},
    ]
)


@given(values, layouts)
def test_any_json_reads_as_the_standard_library_reads_it(value: object, layout: dict[str, Any]) -> None:
    try:
        stored = json.dumps({"body": value, "key_id": "k"}, **layout).encode()
    except UnicodeEncodeError:  # a lone surrogate cannot be written raw: written escaped instead
        stored = json.dumps({"body": value, "key_id": "k"}, sort_keys=True, separators=(",", ":")).encode()
    assert our_reading(stored) == standard_reading(stored)


@pytest.mark.parametrize(
    "stored",
    [
        b'{"body":{"amount":1.5}}',  # floats are refused, fast path or not
        b'{"body":{"amount":1e5}}',
        b'{"body":[-0.0]}',
        b'{"body":{"amount":1180591620717411303424}}',  # beyond 64 bits: orjson refuses, the standard library reads
        b'{"body":"\\ud800"}',  # a lone surrogate: readable JSON, which cannot be canonical UTF-8
        b'{"body":1,"body":2}',  # a duplicate key: read, never canonical
        b'{"body":{"note":":1.5 is text"}}',  # looks like a float, is a string
        b'{"body":"\xff"}',  # not UTF-8
        b'{"body":1} ',
        b"[1,2]",
    ],
)
def test_the_edges_read_as_the_standard_library_reads_them(stored: bytes) -> None:
    assert our_reading(stored) == standard_reading(stored)
