"""verify reads the ledger in parts: ranges of streams of about equal rows, each read a page at a time by the
process that checks it. The parts together are the whole ledger, once; and however it is cut, and in however
many processes, verify finds the same problems."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from itertools import pairwise

import pytest

from domain.actor import SHANGHAI
from infrastructure import event_table, log_check, verification
from infrastructure.audit import newest_valid_checkpoint, records_beside_log
from infrastructure.event_table import EventTable
from infrastructure.formats import Checkpoint
from infrastructure.ledger import CaseLedger
from infrastructure.personal_data import KeyAudit
from infrastructure.records import record_hash
from infrastructure.sql_store import SqlStore
from infrastructure.transparency_log import TransparencyLog
from infrastructure.verification import verify_ledger
from tests.raw_store import RawStore
from tests.walkthrough import APPLICANT, receive, walk_whole_case


def test_the_ranges_hold_every_record_once_in_stream_and_version_order(
    ledger: CaseLedger, raw: RawStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(40):
        receive(ledger)
    walk_whole_case(ledger)
    monkeypatch.setattr(event_table, "PAGE", 7)  # many pages per range
    with SqlStore(ledger.database) as store:
        table = EventTable(store)
        edges = table.boundaries(4)
        parts = [list(table.rows(low, high)) for low, high in pairwise([None, *edges, None])]

    assert len(edges) >= 2 and edges == sorted(edges)
    read = [(row[0], row[1], row[3]) for part in parts for row in part]
    stored = raw.rows()
    assert sorted(read) == sorted((row[0], row[1], row[3]) for row in stored) and len(read) == len(stored)
    assert read == sorted(read)  # each range in (stream, version) order, and the ranges in order


def test_verify_finds_the_same_problems_in_one_process_or_two_and_in_small_pages(
    ledger: CaseLedger, raw: RawStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    others = {f"applicant-{n:04d}" for n in range(30)}
    cases = [walk_whole_case(ledger) for _ in range(3)] + [
        receive(ledger, applicant={**APPLICANT, "applicant_id": a}) for a in sorted(others)
    ]
    raw.set_state(cases[1], 4, raw.state(cases[1], 4).replace(b"baotou", b"baotoU", 1))
    raw.delete(cases[2], 6)
    raw.conn.execute(
        f"DELETE FROM tongban_personal_data_keys WHERE applicant_id IN ({raw.p}, {raw.p})", ("applicant-0007", "applicant-0021")
    )

    told: list[int] = []
    one = verify_ledger(ledger, processes=1)
    two = verify_ledger(ledger, processes=2, progress=told.append)
    monkeypatch.setattr(verification, "RECORDS_A_PART", 2)  # a part a stream or so: the key check is fed ~30 times
    monkeypatch.setattr(event_table, "SAMPLES_PER_PART", 1)
    fed, add = list[int](), KeyAudit.add

    def feeding(keys: KeyAudit, applicants: Iterable[str], erased: Iterable[str]) -> None:
        fed.append(1)
        add(keys, applicants, erased)

    monkeypatch.setattr(KeyAudit, "add", feeding)
    many = verify_ledger(ledger, processes=1)
    monkeypatch.setattr(event_table, "PAGE", 3)
    paged = verify_ledger(ledger, processes=1)

    assert one.bad_cases() == sorted([str(cases[1]), str(cases[2])])
    assert one.problems == two.problems == many.problems == paged.problems
    assert one.records == two.records == many.records == paged.records == len(raw.rows()) == sum(told)  # progress told of every record
    assert one.cases == two.cases == many.cases == paged.cases == 33
    missing = [
        f"applicant applicant-{n}: data key missing, yet no signed erasure record (个人信息被删除而无删除记录)" for n in ("0007", "0021")
    ]
    assert one.key_problems == two.key_problems == many.key_problems == paged.key_problems == missing
    assert len(fed) > 20


@pytest.mark.parametrize(
    "planted",
    [
        b'{"body":[],"key_id":"k","signature":""}',  # a body that is no object
        "key id no string",  # a well-formed body signed by a key id that is a list
        "time no string",  # a well-formed body whose recording time is a number
        b'{"body":{"amount":1.5},"key_id":"k","signature":""}',  # a float
        b'{"body":"\\ud800","key_id":"k","signature":""}',  # a lone surrogate
        b'{"body":{},"body":{},"key_id":"k","signature":""}',  # a key twice
        b"\xff\xfe",  # not UTF-8
    ],
)
def test_a_record_of_any_shape_planted_in_the_database_is_reported_not_a_crash(
    ledger: CaseLedger, raw: RawStore, planted: bytes | str
) -> None:
    case_id, untouched = receive(ledger), receive(ledger)
    if isinstance(planted, str):
        record = json.loads(raw.state(case_id, 1))
        record["body"]["version"], record["body"]["prev"] = 2, record_hash(raw.state(case_id, 1))
        if planted == "key id no string":
            record["key_id"] = [record["key_id"]]
        else:
            record["body"]["recorded_at"] = 20260101
        planted = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    raw.insert(case_id, 2, raw.topic(case_id, 1), planted)

    report = verify_ledger(ledger, processes=1)

    assert report.bad_cases() == [str(case_id)]
    assert {p.version for p in report.problems} == {2}
    assert str(untouched) not in report.bad_cases()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # PostgreSQL's columns hold only their own types
def test_a_row_of_the_wrong_types_planted_in_sqlite_is_reported_not_a_crash(ledger: CaseLedger, raw: RawStore) -> None:
    case_id = receive(ledger)
    raw.conn.execute("INSERT INTO stored_events VALUES (?, ?, ?, ?)", (case_id.hex, "two", None, "text, not bytes"))

    report = verify_ledger(ledger, processes=1)

    assert report.bad_cases() == [str(case_id)]


# ------------------------------------------------------------------ the log, beside the records, a page at a time
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)


def newest(ledger: CaseLedger, log: TransparencyLog) -> Checkpoint:
    found, problems = newest_valid_checkpoint(ledger, log)
    assert found is not None and problems == []
    return found[1]


def test_an_untouched_log_agrees_with_its_records_in_pages_of_any_size(
    ledger: CaseLedger, log: TransparencyLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    walk_whole_case(ledger)
    log.checkpoint(NOW)
    receive(ledger)  # committed after the checkpoint, and not logged yet
    for page in (2, 3, 5000):
        monkeypatch.setattr(log_check, "PAGE", page)
        monkeypatch.setattr(event_table, "PAGE", page)
        assert records_beside_log(ledger, log, newest(ledger, log), processes=1)[1] == []


def test_a_log_leaf_deleted_in_the_middle_is_named_and_so_is_its_record(
    ledger: CaseLedger, log: TransparencyLog, raw: RawStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = walk_whole_case(ledger)
    log.checkpoint(NOW)
    (position,) = raw.conn.execute(
        f"SELECT leaf_index FROM tongban_log_leaves WHERE stream_id = {raw.p} AND version = 5", (str(case_id),)
    ).fetchone()
    raw.conn.execute(f"DELETE FROM tongban_log_leaves WHERE leaf_index = {raw.p}", (position,))
    monkeypatch.setattr(log_check, "PAGE", 3)

    problems = records_beside_log(ledger, log, newest(ledger, log), processes=1)[1]

    assert any(f"positions {position} to {position} are not stored" in p for p in problems)
    assert any(f"case {case_id} version 5 is not where the log has it (it is in no leaf)" in p for p in problems)
    assert any("do not reproduce the root of the checkpoint" in p for p in problems)


def test_a_log_node_planted_where_no_leaf_reaches_is_named(ledger: CaseLedger, log: TransparencyLog, raw: RawStore) -> None:
    walk_whole_case(ledger)
    log.checkpoint(NOW)
    raw.conn.execute(f"INSERT INTO tongban_log_nodes VALUES (40, 0, {raw.p})", (b"\x00" * 32,))
    raw.conn.execute(f"INSERT INTO tongban_log_nodes VALUES (1, 999, {raw.p})", (b"\x00" * 32,))

    problems = records_beside_log(ledger, log, newest(ledger, log), processes=1)[1]

    assert problems == ["日志节点 log nodes not implied by the records: 2, e.g. (level 1, index 999), (level 40, index 0)"]
