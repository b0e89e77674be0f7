"""Erasure (删除个人信息) on real SQLite and real PostgreSQL. An erased applicant's id is retired (编号停用): the key's
row is left empty, a new application under the id is refused with what to do instead, and verify tells an erasure
finished from one made by an earlier version, which left no row. An application recorded while the person is being
erased is erased too or refused, under threads, a held-open transaction and kill -9. The person's cases are found
through an index, not by reading the ledger."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from typing import Any

import pytest

from domain.actor import SHANGHAI, Actor
from domain.errors import DomainError
from domain.policy.baotou import BUREAU_ID
from domain.vocabulary import Role
from infrastructure.bootstrap import build_ledger, open_ledger, set_up
from infrastructure.config import Settings
from infrastructure.database import Database
from infrastructure.event_table import APPLICATION_TOPIC, BY_APPLICANT, EventTable, applicant_of
from infrastructure.ledger import CaseLedger
from infrastructure.personal_data import ERASED
from infrastructure.sql_store import SqlStore
from infrastructure.verification import verify_ledger
from tests.integration.test_personal_data import at_once, run_until_killed
from tests.raw_store import RawStore
from tests.walkthrough import APPLICANT, receive

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)
BUREAU = Actor(BUREAU_ID, "王科长", Role.BUREAU)
APPLICANT_ID = APPLICANT["applicant_id"]


def key_rows(raw: RawStore) -> list[tuple[str, bytes]]:
    rows = raw.conn.execute("SELECT applicant_id, wrapped_key FROM tongban_personal_data_keys ORDER BY applicant_id").fetchall()
    return [(str(a), bytes(k)) for a, k in rows]


def test_an_erased_applicant_applying_again_under_the_same_id_is_refused_and_nothing_is_written(ledger: CaseLedger, raw: RawStore) -> None:
    first = receive(ledger)
    ledger.erase_personal_data(BUREAU, NOW, APPLICANT_ID, "申请人依法请求删除个人信息")
    records, keys = raw.rows(), key_rows(raw)

    with pytest.raises(DomainError) as refused:
        receive(ledger)

    assert refused.value.code == "APPLICANT_ERASED"
    assert "另编申请人编号" in refused.value.message and "new applicant_id" in refused.value.message
    assert (raw.rows(), key_rows(raw)) == (records, keys)
    assert ledger.get_case(first).applicant["name"] == ERASED
    assert verify_ledger(ledger, processes=1).key_problems == []
    # under a new id the person applies as anyone does
    again = receive(ledger, applicant={**APPLICANT, "applicant_id": "applicant-0001-b"})
    assert ledger.get_case(again).applicant["name"] == APPLICANT["name"]


def test_the_erasure_empties_the_key_row_instead_of_deleting_it(ledger: CaseLedger, raw: RawStore) -> None:
    receive(ledger)
    assert [a for a, k in key_rows(raw) if len(k) > 12] == [APPLICANT_ID]

    ledger.erase_personal_data(BUREAU, NOW, APPLICANT_ID, "请求删除")

    assert key_rows(raw) == [(APPLICANT_ID, b"")]
    with pytest.raises(DomainError) as again:
        ledger.erase_personal_data(BUREAU, NOW, APPLICANT_ID, "请求删除")
    assert again.value.code == "ALREADY_ERASED"


def test_an_erasure_by_an_earlier_version_is_named_by_verify_and_erasing_again_retires_the_id(ledger: CaseLedger, raw: RawStore) -> None:
    case_id = receive(ledger)
    ledger.erase_personal_data(BUREAU, NOW, APPLICANT_ID, "请求删除")
    raw.conn.execute("DELETE FROM tongban_personal_data_keys")  # what an earlier version's erasure left: no row at all

    assert verify_ledger(ledger, processes=1).key_problems == [
        f"applicant {APPLICANT_ID}: erasure recorded, yet the applicant's id is not retired (erased by an earlier version): "
        "run erase-personal-data again to retire it (删除已记录但编号未停用)"
    ]

    assert ledger.erase_personal_data(BUREAU, NOW, APPLICANT_ID, "请求删除") == [case_id]
    assert key_rows(raw) == [(APPLICANT_ID, b"")]
    assert verify_ledger(ledger, processes=1).key_problems == []
    with pytest.raises(DomainError) as refused:
        receive(ledger)
    assert refused.value.code == "APPLICANT_ERASED"


def test_a_retired_row_put_in_for_an_applicant_nobody_erased_is_reported_as_a_missing_key(ledger: CaseLedger, raw: RawStore) -> None:
    case_id = receive(ledger)
    raw.conn.execute(f"UPDATE tongban_personal_data_keys SET wrapped_key = {raw.p}", (b"",))

    assert verify_ledger(ledger, processes=1).key_problems == [
        f"applicant {APPLICANT_ID}: data key missing, yet no signed erasure record (个人信息被删除而无删除记录)"
    ]
    assert ledger.get_case(case_id).applicant["name"] == ERASED


# ------------------------------------------------------------------ an erasure while the same person applies again
def test_applications_recorded_while_the_person_is_being_erased_are_erased_too_or_refused(ledger: CaseLedger, settings: Settings) -> None:
    """Windows keep receiving applications of the person while the bureau erases them: each one recorded before the
    key is destroyed gets its erasure record too, each one after is refused, and nothing is left that verify rejects."""
    for trial in range(4):
        person = {**APPLICANT, "applicant_id": f"applicant-race-{trial}"}
        receive(ledger, applicant=person)
        desks = [build_ledger(settings) for _ in range(3)]
        erased, refusals = threading.Event(), list[str]()

        def act(desk: CaseLedger, eraser: CaseLedger = desks[0], person: dict[str, str] = person) -> None:
            if desk is eraser:
                time.sleep(0.03)
                desk.erase_personal_data(BUREAU, NOW, person["applicant_id"], "请求删除")
                erased.set()
                return
            for _ in range(6):  # a person applying again and again, at the moments the erasure runs
                try:
                    receive(desk, applicant=person)
                except DomainError as refused:
                    refusals.append(refused.code)
                time.sleep(0.015)

        at_once(desks, act)

        assert erased.is_set()
        assert set(refusals) <= {"APPLICANT_ERASED", "VERSION_CONFLICT"}, refusals
        cases = [ledger.get_case(case_id) for case_id in ledger.cases_of_applicant(person["applicant_id"])]
        assert len(cases) >= 1 and all(case.personal_data_erased for case in cases), trial
        report = verify_ledger(ledger, processes=1)
        assert (report.key_problems, report.ok) == ([], True), trial


def test_an_application_signed_before_the_erasure_and_stored_after_it_is_refused(ledger: CaseLedger, settings: Settings) -> None:
    """The window read the person's key, then the bureau erased them before the window's write reached the database: the
    write finds the key gone inside its transaction and records nothing (else a case would be stored that nobody could
    read and no erasure explains)."""
    receive(ledger)
    window = build_ledger(settings)
    signed, erased = threading.Event(), threading.Event()
    store = window._sign_and_store

    def stored_after_the_erasure(*args: Any) -> Any:
        signed.set()
        erased.wait(30)
        return store(*args)

    window._sign_and_store = stored_after_the_erasure  # type: ignore[method-assign,assignment]
    outcome: list[str] = []

    def apply() -> None:
        try:
            outcome.append(str(receive(window)))
        except DomainError as refused:
            outcome.append(refused.code)

    applying = threading.Thread(target=apply)
    applying.start()
    assert signed.wait(30)
    assert ledger.erase_personal_data(BUREAU, NOW, APPLICANT_ID, "请求删除") != []
    erased.set()
    applying.join(30)
    window.close()

    assert outcome == ["APPLICANT_ERASED"]
    assert all(ledger.get_case(case_id).personal_data_erased for case_id in ledger.cases_of_applicant(APPLICANT_ID))
    assert verify_ledger(ledger, processes=1).key_problems == []


# ------------------------------------------------------------------ a database protected by an earlier version
OLD_GUARD = {
    "postgres": "CREATE FUNCTION tongban_destroy_data_key(applicant text) RETURNS boolean LANGUAGE sql AS $$ SELECT true $$",
    "sqlite": "CREATE TRIGGER tongban_personal_data_keys_delete BEFORE DELETE ON tongban_personal_data_keys BEGIN SELECT 1; END",
}


@pytest.mark.parametrize("left", ["a guard that destroys a key without retiring the id", "no index of applications by applicant"])
def test_a_database_whose_guards_an_earlier_init_installed_is_refused_until_init_runs_again(
    left: str, ledger: CaseLedger, settings: Settings
) -> None:
    database = Database(settings.db_url)
    with SqlStore(database) as owner:  # what an earlier `tongban init` left
        if left.startswith("no index"):
            owner.execute(f"DROP INDEX {BY_APPLICANT}")
        else:
            owner.execute(OLD_GUARD["postgres" if database.is_postgres else "sqlite"])

    with pytest.raises(DomainError) as refused:
        open_ledger(settings)
    assert refused.value.code == "GUARDS_OUTDATED"
    assert "tongban init" in refused.value.message

    set_up(ledger, database, NOW)
    open_ledger(settings).close()


KILLED_INSIDE_THE_WRITE = """
import os, signal, sys
from pathlib import Path
from infrastructure.bootstrap import open_ledger
from infrastructure.config import Settings
from infrastructure.event_table import APPLICATION_TOPIC, BY_APPLICANT, EventTable, applicant_of
from tests.walkthrough import receive
ledger = open_ledger(Settings(db_url=sys.argv[1], keystore_dir=Path(sys.argv[2]), key_passphrase=sys.argv[3]))
recorder = ledger.recorder
inside = "_insert_stored_events" if hasattr(recorder, "_insert_stored_events") else "_insert_events"
original = getattr(recorder, inside)
def killed(*args, **kwargs):
    original(*args, **kwargs)  # the case inserted and its applicant's key checked (and held), not committed
    os.kill(os.getpid(), signal.SIGKILL)
setattr(recorder, inside, killed)
receive(ledger)
"""


def test_a_write_killed_while_it_holds_the_persons_key_records_nothing_and_the_erasure_goes_ahead(
    ledger: CaseLedger, settings: Settings
) -> None:
    first = receive(ledger)
    run_until_killed(KILLED_INSIDE_THE_WRITE, settings)

    assert ledger.cases_of_applicant(APPLICANT_ID) == [first]
    assert ledger.erase_personal_data(BUREAU, NOW, APPLICANT_ID, "请求删除") == [first]
    report = verify_ledger(ledger, processes=1)
    assert (report.key_problems, report.ok) == ([], True)


def test_an_erasure_finds_the_persons_cases_through_the_index_of_applications_not_by_reading_the_ledger(
    ledger: CaseLedger, settings: Settings
) -> None:
    """Both the erasure's lookup and the database's check before a key is destroyed (which reads through the alias `a`)."""
    first = receive(ledger)
    receive(ledger, applicant={**APPLICANT, "applicant_id": "applicant-0002"})
    second = receive(ledger)
    assert ledger.cases_of_applicant(APPLICANT_ID) == [first, second]
    database = Database(settings.db_url)
    with SqlStore(database) as store:
        table = EventTable(store).name
        for column in ("state", "a.state"):
            where = f"topic LIKE '{APPLICATION_TOPIC}' AND {applicant_of(database.is_postgres, column)} = '{APPLICANT_ID}'"
            if database.is_postgres:  # a tiny table is read whole whatever the indexes: ask whether the index can be used
                store.execute("SET enable_seqscan = off")
                plan = store.fetchall(f"EXPLAIN SELECT 1 FROM {table} a WHERE {where.replace('%', '%%')}")
            else:
                plan = store.fetchall(f"EXPLAIN QUERY PLAN SELECT 1 FROM {table} a WHERE {where}")
            assert BY_APPLICANT in str(plan), (column, plan)


def test_a_key_is_not_destroyed_under_an_application_being_committed_the_erasure_waits_and_erases_it_too(
    ledger: CaseLedger, settings: Settings
) -> None:
    """The application's write has inserted its case and found the key, not yet committed, when the erasure, its
    records already stored, comes to destroy the key: the destruction waits for that write, then sees its case."""
    first = receive(ledger)
    window = build_ledger(settings)
    recorder: Any = window.recorder
    inside = "_fetch_ids_after_insert_events" if hasattr(recorder, "_fetch_ids_after_insert_events") else "_insert_events"
    in_transaction, applied = threading.Event(), list[Any]()

    def held_open(*args: Any, original: Any = getattr(recorder, inside), **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        if kwargs.get("sealed_for"):
            in_transaction.set()
            time.sleep(0.5)  # inserted and checked, not committed
        return result

    setattr(recorder, inside, held_open)
    destroy = ledger.vault.destroy_key

    def destroy_while_applying(applicant_id: str) -> bool:
        if not applied:
            applied.append(threading.Thread(target=lambda: applied.append(receive(window))))
            applied[0].start()
            assert in_transaction.wait(30)
        return destroy(applicant_id)

    ledger.vault.destroy_key = destroy_while_applying  # type: ignore[method-assign]
    erased = ledger.erase_personal_data(BUREAU, NOW, APPLICANT_ID, "请求删除")
    applied[0].join(30)
    window.close()

    assert sorted(erased) == sorted([first, applied[1]])
    assert all(ledger.get_case(case_id).personal_data_erased for case_id in erased)
    assert verify_ledger(ledger, processes=1).key_problems == []
