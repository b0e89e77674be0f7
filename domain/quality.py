"""Quality review (质量评查): what an institution of the case sees of the lawyer's work beside the file
review: a hearing attended, the authority's opinion asked, the recipient called back (004 三(六); LAL 59).
The file's grade (ClosingFileReviewed) sums it up; a profile may pay the subsidy by that grade."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from domain.actor import Actor
from domain.errors import DomainError
from domain.fields import Record
from domain.guards import in_order, required
from domain.vocabulary import QualityCheckKind

if TYPE_CHECKING:
    from domain.case import Case


class QualityCheck(NamedTuple):
    """One check: who made it, whether the lawyer's work (or, on a call, the recipient) was satisfied, and notes."""

    kind: QualityCheckKind
    reviewer: str
    satisfactory: bool
    notes: str = ""


def check_quality_check(case: Case, actor: Actor, at: datetime, check: QualityCheck) -> Record:
    """By the first-receiving or the handling institution, once a lawyer acts; a recipient is called back
    once the case is closed or terminated. Returns what is recorded."""
    when = in_order(case, at)
    if actor.institution_id not in (case.first_receiving_institution, case.handling_institution):
        raise DomainError("NOT_INVOLVED", "只有首次受理机构或承办机构可以记录质量检查 (not an institution of this case).")
    if case.lawyer is None:
        raise DomainError("NOT_APPOINTED", "尚未指派律师，无从评查 (no lawyer was appointed, there is no work to check).")
    if check.kind is QualityCheckKind.FOLLOW_UP_CALL and not (case.closed or case.terminated):
        raise DomainError("NOT_CLOSED", "案件尚未结案或终止，不能回访 (the recipient is called back after closing or termination).")
    return {
        "at": when,
        "kind": check.kind.value,
        "reviewer": required(check.reviewer, "评查人"),
        "satisfactory": bool(check.satisfactory),
        "notes": check.notes.strip(),
    }
