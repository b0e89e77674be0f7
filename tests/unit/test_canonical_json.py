"""A record's body is written by orjson when that gives the standard library's bytes, and by the standard library
otherwise: for any value, the outcome (the bytes, or a refusal) is the one the standard library's canonical form with
floats refused gives (docs/ledger-format.md: UTF-8, keys sorted, no whitespace, no floats)."""

from __future__ import annotations

import json
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infrastructure.canonical import canonical_json
from infrastructure.records import parse_stored


class Status(StrEnum):
    RECEIVED = "received"


class Grade(IntEnum):
    A = 1


def standard(value: Any) -> object:
    """The specification, written out: the standard library's compact sorted UTF-8 JSON; a float anywhere refused."""

    def refuse(literal: str) -> Any:
        raise ValueError(literal)

    try:
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        json.loads(text, parse_float=refuse)
        return text.encode()
    except (ValueError, TypeError):  # UnicodeEncodeError (a lone surrogate) is a ValueError
        return "refused"


def ours(value: Any) -> object:
    try:
        return canonical_json(value)
    except (ValueError, TypeError):
        return "refused"


leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**63 - 2, max_value=2**64 + 2)  # where orjson stops
    | st.floats()
    | st.text()
    | st.sampled_from([Status.RECEIVED, Grade.A, datetime(2026, 11, 24), "\ud800", "\u2028\x7f\x00\x1f"])
)
keys = st.text(max_size=4) | st.integers(-2, 2) | st.none() | st.booleans()
values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=3) | st.tuples(inner) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=12,
)


@given(values)
def test_any_value_is_written_as_the_standard_library_writes_it_or_refused_as_it_refuses(value: Any) -> None:
    assert ours(value) == standard(value)


@pytest.mark.parametrize(
    "value",
    [
        {"amount": 1.5},  # a float is refused wherever it is
        {"a": [{"b": (0.0,)}]},
        {"amount": float("nan")},
        {"note": "1.5 looks like a float, is a string"},
        {"big": 2**64},  # orjson refuses: the standard library writes it
        {1: "a key that is not a string"},
        {"when": datetime(2026, 11, 24)},  # no JSON type: refused (orjson alone would write it)
        {"status": Status.RECEIVED, "grade": Grade.A},
    ],
)
def test_the_edges_are_written_or_refused_as_the_standard_library_does(value: Any) -> None:
    assert ours(value) == standard(value)


@given(values)
def test_what_is_written_reads_back_as_the_standard_library_reads_it(value: Any) -> None:
    written = ours(value)
    if isinstance(written, bytes):  # a record read back (records.py): orjson, or json where it refuses
        assert parse_stored(written) == json.loads(written)
