"""Views of one case shared by the CLI and the HTTP API: its timeline, verified, and its state."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from domain.case import Case
from domain.errors import DomainError
from domain.fields import PERSONAL_DATA_FIELDS
from infrastructure.ledger import CaseLedger
from infrastructure.records import GENESIS, check_record, record_hash


def case_history(
    ledger: CaseLedger, case_id: UUID, as_of: datetime | None, personal_data: bool = True
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The timeline, and the case's state as of `as_of` (now: None)."""
    timeline, version_as_of = case_timeline(ledger, case_id, as_of)
    state = case_state(ledger.get_case(case_id, version=version_as_of), personal_data) if version_as_of else {"status": "not yet received"}
    return timeline, state


def case_timeline(ledger: CaseLedger, case_id: UUID, as_of: datetime | None = None) -> tuple[list[dict[str, Any]], int]:
    """Each record of the case with its signature, chain and version checked; and the last version by `as_of`."""
    records = ledger.recorder.select_events(case_id)
    if not records or ":Case." not in records[0].topic:  # none, or the network's or a lawyer's stream
        raise DomainError("CASE_NOT_FOUND", f"案件 {case_id} 不存在 (no such case).")
    keyring, timeline, prev, version_as_of = ledger.keyring(), [], GENESIS, 0
    for expected_version, stored in enumerate(records, start=1):
        body, problems = check_record(stored.state, str(case_id), stored.originator_version, keyring, False)
        if stored.originator_version != expected_version:
            problems.append(f"version {expected_version} is missing")
        if body and body.get("prev") != prev:
            problems.append("previous-record hash does not match")
        prev = record_hash(stored.state)
        body = body or {}
        occurred = body.get("occurred_at", "")
        if as_of is None or (occurred and datetime.fromisoformat(occurred) <= as_of):
            version_as_of = stored.originator_version
        timeline.append(
            {
                "version": stored.originator_version,
                "type": str(body.get("type", "?")).removeprefix("Case."),
                "occurred_at": occurred,
                "recorded_at": body.get("recorded_at"),
                "institution": body.get("institution"),
                "person": body.get("person"),
                "verified": not problems,
                "problems": problems,
                "record_hash": prev,
            }
        )
    return timeline, version_as_of


def case_state(case: Case, personal_data: bool = True) -> dict[str, Any]:
    return {
        "case_id": str(case.id),
        "version": case.version,
        "status": case.status.value,
        "matter_kind": case.matter_kind.value,
        "cause_of_action": case.cause_of_action,
        "channel": case.channel.value,
        "notice": case.notice,
        "authority_informed": case.authority_informed,
        "first_receiving_institution": case.first_receiving_institution,
        "handling_institution": case.handling_institution,
        "received_at": case.received_at,
        "last_action_at": case.last_at,
        "authority": case.authority,
        "key_groups": case.key_groups,
        "applicant": case.applicant
        if personal_data
        else {k: ("[hidden]" if k in PERSONAL_DATA_FIELDS else v) for k, v in case.applicant.items()},
        "decision": case.decision,
        "lawyer": case.lawyer,
        "closed": case.closed,
        "archived": case.archived,
        "subsidies_paid_fen": case.subsidies_paid,
        "transfer": case.transfer.as_record() if case.transfer else None,
        "designated_institution": case.designated_institution,
    }
