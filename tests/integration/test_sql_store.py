"""The plain-SQL layer beside the event log reads rows by many keys at once, the same on both backends: every
row asked for that is there, none that is not, however many keys (past one statement's parameter cap)."""

from __future__ import annotations

import hashlib
import random

from infrastructure.database import Database
from infrastructure.sql_store import KEYS_A_STATEMENT, SqlStore


def test_rows_are_read_by_two_column_keys_every_one_asked_for_that_is_there_and_no_other(database_url: str) -> None:
    store = SqlStore(Database(database_url))
    store.execute("CREATE TABLE nodes (level INTEGER NOT NULL, idx BIGINT NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx))")
    stored = {(level, idx): hashlib.sha256(f"{level}/{idx}".encode()).digest() for level in range(4) for idx in range(0, 3_000, 1 + level)}
    with store.transaction():
        store.insert("nodes", [(level, idx, h) for (level, idx), h in stored.items()])
    rng = random.Random(7)
    wanted = sorted({(rng.randrange(5), rng.randrange(3_500)) for _ in range(3 * KEYS_A_STATEMENT)})  # some not stored

    rows = store.fetch_matching("SELECT level, idx, hash", "nodes", {"level": "integer", "idx": "bigint"}, wanted)

    assert sorted((int(level), int(idx), bytes(h)) for level, idx, h in rows) == [(*k, stored[k]) for k in wanted if k in stored]
    assert 0 < len(rows) < len(wanted)
    store.close()


def test_rows_are_read_by_one_column_keys(database_url: str) -> None:
    store = SqlStore(Database(database_url))
    store.execute("CREATE TABLE heads (stream_id TEXT PRIMARY KEY, ordinal BIGINT NOT NULL)")
    with store.transaction():
        store.insert("heads", [(f"case-{n}", n) for n in range(2_000)])
    wanted = [(f"case-{n}",) for n in range(1_500, 2_700)]

    rows = store.fetch_matching("SELECT stream_id, ordinal", "heads", {"stream_id": "text"}, wanted)

    assert sorted(int(ordinal) for _, ordinal in rows) == list(range(1_500, 2_000))
    assert store.fetch_matching("SELECT stream_id", "heads", {"stream_id": "text"}, []) == []
    store.close()


def test_rows_are_read_in_key_order_a_bounded_range_at_a_time_going_on_past_gaps(database_url: str) -> None:
    store = SqlStore(Database(database_url))
    store.execute("CREATE TABLE nodes (level INTEGER NOT NULL, idx BIGINT NOT NULL, PRIMARY KEY (level, idx))")
    stored = {0: [*range(10), *range(30, 35), 1_000], 1: list(range(5))}
    with store.transaction():
        store.insert("nodes", [(level, idx) for level, indexes in stored.items() for idx in indexes])

    def read(start: int, limit: int, level: int = 0) -> list[int]:
        return [int(idx) for (idx,) in store.ascending("SELECT idx", "nodes", "idx", start, limit, "level = ?", (level,))]

    assert read(0, 4) == [0, 1, 2, 3]
    assert read(8, 4) == [8, 9]  # the range ends in a gap: fewer than asked for
    assert read(10, 4) == [30, 31, 32, 33]  # starts in a gap: from the next index there is
    assert read(35, 100) == [1_000]
    assert read(1_001, 4) == [] and read(5, 4, level=1) == []
    walked, start = [], 0  # a walk from the start, going on after the last row each time, meets every row once
    while rows := read(start, 3):
        walked += rows
        start = rows[-1] + 1
    assert walked == stored[0]
    store.close()


AWKWARD = ["it's", 'a "quoted" one', "comma, inside", "{braces}", "back\\slash", "NULL", " ", "王五"]  # what an array literal escapes


def test_rows_are_read_and_deleted_by_a_list_of_keys_with_parameters_after_them(database_url: str) -> None:
    store = SqlStore(Database(database_url))
    store.execute("CREATE TABLE states (case_id TEXT NOT NULL, rule TEXT NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (case_id, rule))")
    cases = [*AWKWARD, *(f"case-{n}" for n in range(2 * KEYS_A_STATEMENT))]
    with store.transaction():
        store.insert("states", [(case, rule, n) for n, case in enumerate(cases) for rule in ("a", "b")])
    wanted = [*(f"case-{n}" for n in range(0, 3 * KEYS_A_STATEMENT, 2)), *AWKWARD]  # past what is stored, too

    rows = store.fetch_in("SELECT case_id, n FROM states WHERE case_id IN ({keys}) AND rule = ?", wanted, ["b"])

    assert sorted(rows) == sorted((case, n) for n, case in enumerate(cases) if case in set(wanted))
    assert store.fetch_in("SELECT case_id FROM states WHERE case_id IN ({keys})", []) == []
    with store.transaction():
        store.delete_in("states", "case_id", wanted)
        store.delete_in("states", "case_id", [])
    left = {case for (case,) in store.fetchall("SELECT case_id FROM states")}
    assert left == set(cases) - set(wanted) and left
    store.close()
