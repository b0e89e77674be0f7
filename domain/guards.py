"""The checks every step of a case makes before it records anything: in time order, by the right
institution, on a case still being worked. Each raises DomainError with a stable code."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from domain.actor import Actor, iso
from domain.errors import DomainError
from domain.network import Directory

if TYPE_CHECKING:
    from domain.case import Case


def required(value: str, what: str) -> str:
    if not value or not value.strip():
        raise DomainError("MISSING_FIELD", f"{what}不能为空 ({what} is required).")
    return value.strip()


class HasLastAction(Protocol):
    last_at: str


def in_order(record: HasLastAction, at: datetime, whose: tuple[str, str] = ("本案", "the case's")) -> str:
    """The action's time as recorded; no action predates the last one of the case (or of the lawyer, `whose`)."""
    when = iso(at)
    if datetime.fromisoformat(when) < datetime.fromisoformat(record.last_at):
        raise DomainError(
            "TIME_BEFORE_PREVIOUS_ACTION",
            f"操作时间 {when} 早于{whose[0]}上一操作时间 {record.last_at} (an action cannot predate {whose[1]} last action).",
        )
    return when


def by_handling(case: Case, actor: Actor, what: str) -> None:
    if actor.institution_id != case.handling_institution:
        raise DomainError(
            "NOT_HANDLING_INSTITUTION",
            f"只有承办机构 {case.handling_institution} 可以{what} (only the handling institution may do this).",
        )


def by_first_receiving(case: Case, actor: Actor, what: str) -> None:
    if actor.institution_id != case.first_receiving_institution:
        raise DomainError(
            "NOT_FIRST_RECEIVING_INSTITUTION",
            f"只有首次受理机构 {case.first_receiving_institution} 可以{what} (only the first-receiving institution may do this).",
        )


def by_bureau(actor: Actor, directory: Directory, what: str) -> None:
    if not directory.is_bureau(actor.institution_id):
        raise DomainError("NOT_BUREAU", f"只有司法局可以{what} (only the justice bureau may do this).")


def by_supervising_bureau(case: Case, actor: Actor, directory: Directory, what: str) -> None:
    """LAL 49: the justice bureau that set up the institution that refused or terminated hears the objection."""
    bureau = directory.bureau_over(case.handling_institution)
    if actor.institution_id != bureau.institution_id:
        raise DomainError(
            "NOT_SUPERVISING_BUREAU",
            f"对{directory.get(case.handling_institution).name}决定的异议，由设立该机构的{bureau.name}{what} "
            "(LAL art 49: only the justice bureau that set up the institution may do this).",
        )


def active(case: Case) -> None:
    """Work on the application itself stops once it is withdrawn, terminated or closed."""
    if case.withdrawn:
        raise DomainError("CASE_WITHDRAWN", "申请已撤回，不能再办理 (the application was withdrawn).")
    if case.terminated:
        raise DomainError("CASE_TERMINATED", "法律援助已终止，不能再办理 (legal aid was terminated).")
    if case.closed:
        raise DomainError("CASE_CLOSED", "案件已结案 (the case is closed).")


def undecided(case: Case) -> None:
    """Still to be reviewed and decided: an application, not an authority's notice (LAL 25, 28, 36)."""
    active(case)
    if case.notice is not None:
        raise DomainError(
            "NOTIFIED_DEFENCE_NOT_REVIEWED",
            "通知辩护/代理不审查经济困难、不作是否给予的决定，应在3日内指派律师并告知办案机关 "
            "(a notified defence is neither means-tested nor decided: appoint a lawyer and tell the authority within 3 days).",
        )
    if case.decision is not None:
        raise DomainError("ALREADY_DECIDED", "已作出是否给予法律援助的决定 (a decision was already made).")


def no_transfer_pending(case: Case) -> None:
    if case.transfer is not None and case.transfer.pending:
        raise DomainError("TRANSFER_PENDING", "材料正在转交，承办机构收到后方可办理 (materials are being transferred).")
