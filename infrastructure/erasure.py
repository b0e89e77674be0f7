"""删除个人信息 (PIPL art 47): the bureau erases an applicant's personal data. A signed `PersonalDataErased` is recorded
on every case of theirs first, so that data is never gone without a record of who erased it and why; then their data
key is destroyed and their id retired (personal_data.py), which the database allows only once every case of theirs
has its erasure record (append_only.py).

A case of the person received while they are being erased is erased too: the database refuses to destroy the key
while a case of theirs has no erasure, so the cases are read again and the new one erased; a write that sealed with
the key holds it until it commits, and one that commits after the destruction is refused (recorders.py)."""

from __future__ import annotations

import sqlite3
import time
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

import psycopg.errors

from domain.actor import Actor
from domain.errors import DomainError
from infrastructure.event_table import EventTable
from infrastructure.sql_store import SqlStore

if TYPE_CHECKING:
    from infrastructure.ledger import CaseLedger

ATTEMPTS = 5  # readings of the applicant's cases, when new ones keep arriving while they are erased


def erase_personal_data(ledger: CaseLedger, actor: Actor, at: datetime, applicant_id: str, reason: str) -> list[UUID]:
    """The cases erased (all the applicant's): a signed erasure on each not yet erased, then the key destroyed."""
    if not ledger.directory().is_bureau(actor.institution_id):
        raise DomainError("NOT_BUREAU", "只有司法局可以删除申请人个人信息 (only the justice bureau may erase personal data).")
    if not reason.strip():
        raise DomainError("MISSING_FIELD", "删除理由不能为空 (a reason is required).")
    for attempt in range(ATTEMPTS):
        cases = [ledger.get_case(case_id) for case_id in cases_of_applicant(ledger, applicant_id)]
        if not cases:  # a key without a case encrypts nothing stored: a write that failed after making it
            raise DomainError("APPLICANT_NOT_FOUND", f"没有申请人 {applicant_id} 的记录 (no such applicant).")
        pending = [case for case in cases if not case.personal_data_erased]
        if not pending and attempt == 0 and ledger.vault.retired(applicant_id):
            raise DomainError("ALREADY_ERASED", "申请人个人信息已删除 (the applicant's personal data was already erased).")
        for case in pending:
            case.erase_personal_data(actor, at, reason=reason, directory=ledger.directory())
        ledger.save(*pending)
        # A crash here leaves the records and the key: verify names it, and erasing again finishes. An erasure by an
        # earlier version left no retired row: erasing again retires the id.
        try:
            ledger.vault.destroy_key(applicant_id)
        except (sqlite3.IntegrityError, psycopg.errors.InsufficientPrivilege):
            time.sleep(0.02 * (attempt + 1))  # a case of theirs was received meanwhile: let those in flight land, erase them too
            continue
        return [case.id for case in cases]
    raise DomainError(
        "VERSION_CONFLICT", "删除期间该申请人的新申请不断记录，请重试 (new applications of this person kept being recorded; retry)."
    )


def cases_of_applicant(ledger: CaseLedger, applicant_id: str) -> list[UUID]:
    """The cases an applicant applied in, in the order received (through the index of applications by applicant)."""
    with SqlStore(ledger.database) as store:
        return [UUID(stream) for stream in EventTable(store).applications_of(applicant_id)]
