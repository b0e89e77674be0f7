"""An erased applicant's id is retired (编号停用), on real SQLite and real PostgreSQL: the erasure leaves the key's
row emptied, a new application under that id is refused with what to do instead, and verify tells an erasure
finished from one cut short or one made by an earlier version, which left no retired row."""

from __future__ import annotations

from datetime import datetime

import pytest

from domain.actor import SHANGHAI, Actor
from domain.errors import DomainError
from domain.policy.baotou import BUREAU_ID
from domain.vocabulary import Role
from infrastructure.ledger import CaseLedger
from infrastructure.personal_data import ERASED
from infrastructure.verification import verify_ledger
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
