"""Deciding and appointing (录入审批、决定、指派): the provincial platform, the grant or refusal, the lawyer
and their qualification, termination (LAL 48) and the applicant's objection to the bureau (LAL 49)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from domain.actor import Actor
from domain.assignment import Choice, LawyerPool, choose_lawyer
from domain.errors import DomainError
from domain.fields import Record
from domain.guards import active, by_handling, by_supervising_bureau, in_order, no_transfer_pending, required, undecided
from domain.network import Directory
from domain.policy import PolicyProfile
from domain.vocabulary import TerminationGround

if TYPE_CHECKING:
    from domain.case import Case


class Decision(StrEnum):
    GRANTED = "granted"  # 给予法律援助
    REFUSED = "refused"  # 不予法律援助


@dataclass(frozen=True)
class Objection:
    """异议: against a refusal or a termination; pending until the bureau rules."""

    against: str  # "refusal" | "termination"
    filed_at: str
    ruling: str | None = None

    @property
    def pending(self) -> bool:
        return self.ruling is None

    def decided(self, ruling: str) -> Objection:
        return replace(self, ruling=ruling)


def check_platform_entry(case: Case, actor: Actor, at: datetime) -> str:
    """Entered once; before the decision, or after it for an emergency granted first (LAL 44)."""
    when = in_order(case, at)
    by_handling(case, actor, "录入平台")
    active(case)
    no_transfer_pending(case)
    if case.platform_entry is not None:
        raise DomainError("ALREADY_ON_PLATFORM", "案件已录入平台 (already entered on the platform).")
    if case.decision is not None and not (case.emergency and case.decision is Decision.GRANTED):
        raise DomainError("ALREADY_DECIDED", "已作出决定，不能再录入 (a decision was already made).")
    return when


def _ready_to_decide(case: Case, actor: Actor, at: datetime, what: str) -> str:
    when = in_order(case, at)
    by_handling(case, actor, what)
    undecided(case)
    no_transfer_pending(case)
    if case.outstanding_materials:
        raise DomainError("MATERIALS_OUTSTANDING", "申请材料尚未补齐 (materials are still outstanding).")
    return when


def _review_signed_off(case: Case) -> None:
    if not (case.review and case.review.signed_off):
        raise DomainError("REVIEW_NOT_SIGNED_OFF", "审查表尚未经负责人签批 (the review is not signed off).")


def check_grant(case: Case, actor: Actor, at: datetime) -> str:
    """After a signed-off review and the platform, for an eligible applicant; an emergency first (LAL 44)."""
    when = _ready_to_decide(case, actor, at, "决定给予法律援助")
    if not case.emergency:
        _review_signed_off(case)
        if case.platform_entry is None:
            raise DomainError("NOT_ON_PLATFORM", "案件尚未录入平台审批 (not yet entered on the platform).")
    if case.review is not None and not case.review.eligible:
        raise DomainError("NOT_ELIGIBLE", f"不符合经济困难标准: {case.review.eligibility_reason} (not eligible).")
    return when


def check_refusal(case: Case, actor: Actor, at: datetime, document_number: str, reasons: str, legal_basis: str) -> tuple[str, Record]:
    """With reasons and legal basis; returns (when, what is recorded)."""
    when = _ready_to_decide(case, actor, at, "决定不予法律援助")
    _review_signed_off(case)
    return when, {
        "document_number": required(document_number, "决定书编号"),
        "reasons": required(reasons, "不予援助理由"),
        "legal_basis": required(legal_basis, "法律依据"),
    }


# ---------------------------------------------------------------- appointment (指派)
def aid_given(case: Case) -> bool:
    """Aid is being given: granted on an application, or owed on an authority's notice (LAL 36)."""
    return case.decision is Decision.GRANTED or case.notice is not None


def check_appointment(
    case: Case, actor: Actor, at: datetime, choice: Choice, pool: LawyerPool, policy: PolicyProfile
) -> tuple[str, Record, Record]:
    """After a grant, or on an authority's notice; returns (when, the lawyer as told, how they were chosen)."""
    when = in_order(case, at)
    by_handling(case, actor, "指派律师")
    active(case)
    if not aid_given(case):
        raise DomainError("NOT_GRANTED", "尚未决定给予法律援助，不能指派 (no appointment before a grant).")
    if case.lawyer is not None:
        raise DomainError("ALREADY_APPOINTED", "已指派律师；更换请用更换律师 (already appointed; change the lawyer instead).")
    return when, *choose_lawyer(case, pool, policy, datetime.fromisoformat(when).date(), choice)


def check_lawyer_change(
    case: Case, actor: Actor, at: datetime, choice: Choice, pool: LawyerPool, policy: PolicyProfile
) -> tuple[str, Record, Record]:
    when = in_order(case, at)
    by_handling(case, actor, "更换律师")
    active(case)
    if case.lawyer is None:
        raise DomainError("NOT_APPOINTED", "尚未指派律师 (no lawyer is appointed).")
    on, replacing = datetime.fromisoformat(when).date(), case.lawyer.get("licence_number")
    return when, *choose_lawyer(case, pool, policy, on, choice, replacing)


def check_authority_informed(case: Case, actor: Actor, at: datetime) -> tuple[str, dict[str, Any]]:
    """On a notice, the handling institution tells the authority who the lawyer is (LAL 36), again after a change;
    returns (when, what the authority is told)."""
    when = in_order(case, at)
    by_handling(case, actor, "告知办案机关")
    active(case)
    if case.notice is None:
        raise DomainError("NOT_AN_AUTHORITY_NOTICE", "本案不是办案机关通知辩护/代理的案件 (this case is not an authority's notice).")
    if case.lawyer is None:
        raise DomainError("NOT_APPOINTED", "尚未指派律师 (no lawyer is appointed).")
    if case.authority_informed:
        raise DomainError("AUTHORITY_ALREADY_INFORMED", "已将指派的律师告知办案机关 (the authority was already told of this lawyer).")
    return when, {key: case.lawyer[key] for key in ("name", "firm", "office_phone")}


# ---------------------------------------------------------------- termination, objection (终止、异议)
def check_termination(
    case: Case, actor: Actor, at: datetime, ground: TerminationGround, document_number: str, facts: str
) -> tuple[str, Record]:
    """After verification, on a ground of LAL 48; returns (when, what is recorded)."""
    when = in_order(case, at)
    by_handling(case, actor, "终止法律援助")
    active(case)
    if not aid_given(case):
        raise DomainError("NOT_GRANTED", "只有已给予的法律援助可以终止 (only granted aid can be terminated).")
    return when, {"ground": ground.value, "document_number": required(document_number, "决定书编号"), "facts": required(facts, "核实情况")}


# What the bureau's decision on an objection tells the applicant (LAL 49; 行政复议法, 行政诉讼法).
REMEDIES = (
    "申请人对异议审查决定不服的，可以依法申请行政复议或者提起行政诉讼 "
    "(the applicant may apply for administrative reconsideration or bring an administrative lawsuit)"
)


def check_objection(case: Case, actor: Actor, at: datetime, directory: Directory) -> tuple[str, str]:
    """Against a refusal or a termination, one at a time, before the file is archived; returns (when, against)."""
    when = in_order(case, at)
    by_supervising_bureau(case, actor, directory, "受理")
    if case.archived:
        raise DomainError("CASE_ARCHIVED", "案卷已归档 (the case file is archived).")
    if case.decision is Decision.REFUSED and not case.terminated:
        against = "refusal"
    elif case.terminated:
        against = "termination"
    else:
        raise DomainError(
            "NOTHING_TO_OBJECT_TO", "只能对不予法律援助或终止法律援助的决定提出异议 (object only to a refusal or termination)."
        )
    if case.objection is not None and case.objection.pending:
        raise DomainError("OBJECTION_PENDING", "已有异议正在审查 (an objection is already pending).")
    return when, against


def check_objection_decision(case: Case, actor: Actor, at: datetime, directory: Directory) -> str:
    when = in_order(case, at)
    by_supervising_bureau(case, actor, directory, "审查决定")
    if case.objection is None or not case.objection.pending:
        raise DomainError("NO_OBJECTION_PENDING", "没有待审查的异议 (no objection is pending).")
    return when
