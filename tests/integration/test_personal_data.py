"""Applicants' personal data (个人信息) on real SQLite and real PostgreSQL: encrypted under a key of
their own, erased by a signed record and then the key, and every way the keys can be tampered with is
reported, never a crash."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import UUID

import psycopg
import pytest

from domain.actor import SHANGHAI, Actor
from domain.errors import DomainError
from domain.policy.baotou import BUREAU_ID
from domain.vocabulary import Role
from infrastructure import personal_data
from infrastructure.audit import check_extends, export_bundle
from infrastructure.bootstrap import build_ledger
from infrastructure.config import Settings
from infrastructure.database import Database
from infrastructure.ledger import CaseLedger
from infrastructure.personal_data import ERASED, KEY_INVALID
from infrastructure.sql_store import SqlStore
from infrastructure.transparency_log import TransparencyLog
from infrastructure.verification import verify_ledger
from tests.raw_store import RawStore
from tests.server import ROOT
from tests.walkthrough import APPLICANT, FIRST_RECEIVING, RECEIVED_AT, receive, walk_whole_case
from verifier.audit_verifier import verify_bundle

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
BUREAU = Actor(BUREAU_ID, "王科长", Role.BUREAU)
OTHER_APPLICANT = {**APPLICANT, "applicant_id": "applicant-0002", "name": "巴特尔"}


def run_until_killed(script: str, settings: Settings, *args: str) -> None:
    """Run `script` in a process of its own over the ledger (argv: db url, keystore, passphrase, then `args`): it kills
    itself with SIGKILL where it means to stop."""
    process = subprocess.run(
        [sys.executable, "-c", script, settings.db_url, str(settings.keys), settings.key_passphrase, *args],
        capture_output=True,
        timeout=60,
        cwd=ROOT,
    )
    assert process.returncode == -signal.SIGKILL, process.stderr.decode()


def key_problems(ledger: CaseLedger) -> list[str]:
    return verify_ledger(ledger, processes=1).key_problems


def verifies(ledger: CaseLedger) -> bool:
    return verify_ledger(ledger).ok


def erasures_of(ledger: CaseLedger, applicant_id: str) -> int:
    return sum(
        1
        for n in ledger.all_records()
        if n.topic.endswith(".PersonalDataErased") and json.loads(n.state)["body"]["payload"]["applicant_id"] == applicant_id
    )


def test_personal_data_is_unreadable_in_the_stored_bytes_but_readable_through_the_ledger(ledger: CaseLedger, raw: RawStore) -> None:
    case_id = receive(ledger)

    stored = b"".join(row[3] for row in raw.rows())
    for field in ("name", "id_number", "phone", "address"):
        assert APPLICANT[field].encode() not in stored, field
    assert ledger.get_case(case_id).applicant == APPLICANT


@pytest.mark.parametrize(
    "change", ["DELETE FROM tongban_personal_data_keys", "UPDATE tongban_personal_data_keys SET wrapped_key = wrapped_key"]
)
def test_the_database_keeps_a_data_key_until_its_signed_erasure_is_recorded_and_never_replaces_one(
    change: str, ledger: CaseLedger, database_url: str
) -> None:
    case_id = walk_whole_case(ledger)
    store = SqlStore(Database(database_url))

    with pytest.raises((sqlite3.IntegrityError, psycopg.errors.InsufficientPrivilege), match="signed erasure record"):
        store.execute(change)
    with pytest.raises((sqlite3.IntegrityError, psycopg.errors.InsufficientPrivilege), match="signed erasure record"):
        ledger.vault.destroy_key(APPLICANT["applicant_id"])

    store.close()
    assert ledger.get_case(case_id).applicant == APPLICANT
    assert key_problems(ledger) == []


# ------------------------------------------------------------------ erasure (删除个人信息)
def test_erasing_a_person_records_a_signed_erasure_and_everything_still_verifies(
    ledger: CaseLedger, log: TransparencyLog, settings: Settings
) -> None:
    first, second = walk_whole_case(ledger), receive(ledger)
    other = receive(ledger, applicant={**APPLICANT, "applicant_id": "applicant-0002", "name": "其他人"})
    before = log.checkpoint(NOW)

    erased = ledger.erase_personal_data(BUREAU, NOW, "applicant-0001", "申请人依法请求删除个人信息")

    assert sorted(erased) == sorted([first, second])
    for case_id in (first, second):
        case = ledger.get_case(case_id)
        assert case.personal_data_erased
        assert {k: case.applicant[k] for k in ("name", "id_number", "phone", "address")} == dict.fromkeys(
            ("name", "id_number", "phone", "address"), ERASED
        )
    assert ledger.get_case(other).applicant["name"] == "其他人"
    elsewhere = build_ledger(settings)  # another process reads it as erased too
    assert elsewhere.get_case(first).applicant["name"] == ERASED
    elsewhere.close()
    erasure = json.loads(ledger.recorder.select_events(first, desc=True, limit=1)[0].state)["body"]
    assert (erasure["type"], erasure["institution"], erasure["payload"]["reason"]) == (
        "Case.PersonalDataErased",
        BUREAU_ID,
        "申请人依法请求删除个人信息",
    )
    assert verify_ledger(ledger).ok
    assert check_extends(ledger, log, before).ok
    assert verify_bundle(export_bundle(ledger, log, first, NOW), bytes.fromhex(ledger.keystore.root_public_key_hex())).ok


@pytest.mark.parametrize(
    ("who", "applicant_id", "reason", "code"),
    [
        (Actor(FIRST_RECEIVING, "caseworker", Role.HEAD), "applicant-0001", "请求删除", "NOT_BUREAU"),
        (BUREAU, "applicant-9999", "请求删除", "APPLICANT_NOT_FOUND"),
        (BUREAU, "applicant-0001", "  ", "MISSING_FIELD"),
    ],
)
def test_an_erasure_that_is_refused_changes_nothing(
    who: Actor, applicant_id: str, reason: str, code: str, ledger: CaseLedger, raw: RawStore
) -> None:
    case_id = walk_whole_case(ledger)
    before = raw.rows()

    with pytest.raises(DomainError) as refused:
        ledger.erase_personal_data(who, NOW, applicant_id, reason)

    assert refused.value.code == code
    assert raw.rows() == before
    assert ledger.get_case(case_id).applicant == APPLICANT


def test_erasing_twice_is_refused(ledger: CaseLedger) -> None:
    receive(ledger)
    ledger.erase_personal_data(BUREAU, NOW, "applicant-0001", "请求删除")

    with pytest.raises(DomainError) as again:
        ledger.erase_personal_data(BUREAU, NOW, "applicant-0001", "请求删除")

    assert again.value.code == "ALREADY_ERASED"


def test_a_data_key_deleted_without_an_erasure_record_is_reported(ledger: CaseLedger, raw: RawStore) -> None:
    case_id = receive(ledger)
    assert key_problems(ledger) == []
    raw.conn.execute(f"DELETE FROM tongban_personal_data_keys WHERE applicant_id = {raw.p}", (APPLICANT["applicant_id"],))

    assert key_problems(ledger) == [
        f"applicant {APPLICANT['applicant_id']}: data key missing, yet no signed erasure record (个人信息被删除而无删除记录)"
    ]
    assert ledger.get_case(case_id).applicant["name"] == ERASED  # shown as gone, and reported as unexplained


def test_a_data_key_swapped_for_another_applicants_is_reported_and_reads_do_not_crash(ledger: CaseLedger, raw: RawStore) -> None:
    case_id = receive(ledger)
    receive(ledger, applicant=OTHER_APPLICANT)
    raw.conn.execute(
        "UPDATE tongban_personal_data_keys SET wrapped_key = "
        f"(SELECT wrapped_key FROM tongban_personal_data_keys WHERE applicant_id = {raw.p}) WHERE applicant_id = {raw.p}",
        (OTHER_APPLICANT["applicant_id"], APPLICANT["applicant_id"]),
    )

    assert [p.split(":")[0] for p in key_problems(ledger)] == [f"applicant {APPLICANT['applicant_id']}"]
    assert "swapped" in key_problems(ledger)[0]
    assert ledger.get_case(case_id).applicant["name"] == KEY_INVALID
    with pytest.raises(DomainError) as refused:  # no new data is sealed under a key that is not the applicant's
        receive(ledger)
    assert refused.value.code == "DATA_KEY_INVALID"


def test_an_erasure_with_its_signed_record_is_not_a_key_problem(ledger: CaseLedger) -> None:
    receive(ledger)
    ledger.erase_personal_data(
        Actor(BUREAU_ID, "审核员", Role.BUREAU), RECEIVED_AT + timedelta(days=1), APPLICANT["applicant_id"], "PIPL 47"
    )
    assert key_problems(ledger) == []


# ------------------------------------------------------------------ erasure under crashes and concurrency
KILLED_BETWEEN_RECORD_AND_KEY = """
import os, signal, sys
from pathlib import Path
from datetime import datetime
from domain.actor import Actor
from domain.vocabulary import Role
from infrastructure.bootstrap import open_ledger
from infrastructure.config import Settings
ledger = open_ledger(Settings(db_url=sys.argv[1], keystore_dir=Path(sys.argv[2]), key_passphrase=sys.argv[3]))
ledger.vault.destroy_key = lambda applicant_id: os.kill(os.getpid(), signal.SIGKILL)
ledger.erase_personal_data(Actor(sys.argv[4], "王科长", Role.BUREAU), datetime.fromisoformat(sys.argv[5]), "applicant-0001", "请求删除")
"""


def test_an_erasure_killed_after_its_record_is_named_by_verify_and_finished_by_erasing_again(
    ledger: CaseLedger, settings: Settings
) -> None:
    case_id = walk_whole_case(ledger)
    run_until_killed(KILLED_BETWEEN_RECORD_AND_KEY, settings, BUREAU_ID, NOW.isoformat())

    assert erasures_of(ledger, "applicant-0001") == 1
    assert key_problems(ledger) == [
        "applicant applicant-0001: erasure recorded, yet the data key is still held: run erase-personal-data again "
        "to finish (删除已记录但密钥未销毁)"
    ]
    assert verifies(ledger)  # the records themselves are sound: only the key outlived them

    assert ledger.erase_personal_data(BUREAU, NOW, "applicant-0001", "请求删除") == [case_id]
    assert erasures_of(ledger, "applicant-0001") == 1  # finishing records nothing twice
    assert key_problems(ledger) == []
    assert ledger.get_case(case_id).applicant["name"] == ERASED


def at_once(desks: list[CaseLedger], act: Callable[[CaseLedger], None]) -> None:
    """Each desk (a ledger of its own, as another process would hold) acts in a thread of its own; then they close."""
    threads = [threading.Thread(target=act, args=(desk,)) for desk in desks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for desk in desks:
        desk.close()


def test_two_bureau_officials_erasing_the_same_person_at_once_leave_one_record_and_no_key(ledger: CaseLedger, settings: Settings) -> None:
    cases = [walk_whole_case(ledger), receive(ledger)]
    desks = [build_ledger(settings) for _ in range(2)]
    start, outcomes = threading.Barrier(2), list[list[UUID] | str]()

    def erase(desk: CaseLedger) -> None:
        start.wait()
        try:
            outcomes.append(sorted(desk.erase_personal_data(BUREAU, NOW, "applicant-0001", "请求删除")))
        except DomainError as refused:
            outcomes.append(refused.code)

    at_once(desks, erase)

    assert sorted(cases) in outcomes
    assert set(map(str, outcomes)) <= {str(sorted(cases)), "VERSION_CONFLICT", "ALREADY_ERASED"}
    assert erasures_of(ledger, "applicant-0001") == 2  # one per case, whoever won
    assert ledger.vault.retired("applicant-0001")
    assert key_problems(ledger) == []
    assert verifies(ledger)


def test_the_key_check_reads_the_keys_a_few_applicants_at_a_time_and_misses_none(
    ledger: CaseLedger, raw: RawStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    applicants = [f"applicant-{n:04d}" for n in range(1, 6)]
    for applicant_id in applicants:
        receive(ledger, applicant={**APPLICANT, "applicant_id": applicant_id})
    raw.conn.execute(f"DELETE FROM tongban_personal_data_keys WHERE applicant_id = {raw.p}", ("applicant-0005",))
    monkeypatch.setattr(personal_data, "KEYS_A_QUERY", 2)  # three queries: 1-2, 3-4, 5

    assert key_problems(ledger) == ["applicant applicant-0005: data key missing, yet no signed erasure record (个人信息被删除而无删除记录)"]


# ------------------------------------------------------------------ data keys made on the write path
def data_keys_of(raw: RawStore, applicant_id: str) -> int:
    row = raw.conn.execute(f"SELECT COUNT(*) FROM tongban_personal_data_keys WHERE applicant_id = {raw.p}", (applicant_id,)).fetchone()
    return int(row[0])


def test_windows_receiving_one_new_applicant_at_once_seal_every_case_under_the_one_key_made(
    ledger: CaseLedger, settings: Settings, raw: RawStore
) -> None:
    desks = [build_ledger(settings) for _ in range(4)]
    start, cases, failures = threading.Barrier(4), list[UUID](), list[BaseException]()

    def receiving(desk: CaseLedger) -> None:
        start.wait()
        try:
            cases.append(receive(desk, applicant=OTHER_APPLICANT))
        except BaseException as exc:
            failures.append(exc)

    at_once(desks, receiving)

    assert failures == [] and len(cases) == 4
    assert data_keys_of(raw, "applicant-0002") == 1  # whoever lost the race sealed with the winner's key
    assert {ledger.get_case(case).applicant["name"] for case in cases} == {"巴特尔"}
    assert key_problems(ledger) == []
    assert verifies(ledger)


KILLED_BETWEEN_KEY_AND_RECORD = """
import os, signal, sys
from pathlib import Path
from infrastructure.bootstrap import open_ledger
from infrastructure.config import Settings
from tests.walkthrough import APPLICANT, receive
ledger = open_ledger(Settings(db_url=sys.argv[1], keystore_dir=Path(sys.argv[2]), key_passphrase=sys.argv[3]))
ledger._sign_and_store = lambda *_: os.kill(os.getpid(), signal.SIGKILL)
receive(ledger, applicant={**APPLICANT, "applicant_id": "applicant-0002", "name": "巴特尔"})  # OTHER_APPLICANT
"""


def test_a_write_killed_after_its_data_key_was_made_leaves_a_key_nothing_uses_and_the_next_write_seals_with_it(
    ledger: CaseLedger, settings: Settings, raw: RawStore
) -> None:
    before = [n.id for n in ledger.all_records()]
    run_until_killed(KILLED_BETWEEN_KEY_AND_RECORD, settings)

    assert [n.id for n in ledger.all_records()] == before  # nothing recorded
    assert data_keys_of(raw, "applicant-0002") == 1
    assert key_problems(ledger) == [] and verifies(ledger)  # a key no record uses is no damage
    case = receive(ledger, applicant=OTHER_APPLICANT)
    assert data_keys_of(raw, "applicant-0002") == 1
    assert ledger.get_case(case).applicant["name"] == "巴特尔"


def test_keys_for_many_applicants_are_made_for_those_without_and_kept_for_those_with(ledger: CaseLedger, raw: RawStore) -> None:
    vault = ledger.vault
    with vault.keys_for([f"earlier-{n}" for n in range(40)]):
        pass
    keys_before = dict(raw.conn.execute("SELECT applicant_id, wrapped_key FROM tongban_personal_data_keys").fetchall())
    wanted = [f"earlier-{n}" for n in range(0, 40, 2)] + [f"new-{n}" for n in range(600)]  # past one statement's rows

    with vault.keys_for(wanted + wanted[:5]):  # named twice: one key each
        sealed = {a: vault.seal(a, {"name": a}) for a in wanted}

    keys_after = dict(raw.conn.execute("SELECT applicant_id, wrapped_key FROM tongban_personal_data_keys").fetchall())
    assert {a: bytes(k) for a, k in keys_after.items() if a in keys_before} == {a: bytes(k) for a, k in keys_before.items()}
    assert set(keys_after) == set(keys_before) | {f"new-{n}" for n in range(600)}
    assert all(vault.unseal(a, sealed[a], ["name"]) == {"name": a} for a in wanted)  # read afresh, outside the write
