"""Closing (结案、归档、补贴): the case closed, the lawyer's file submitted, the file archived and the subsidy
paid by the first-receiving institution, whoever handled the case (000 三(二), 001 二(三)); and the
bureau's erasure of the applicant's personal information (PIPL 47)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from domain.actor import Actor
from domain.decision import Decision
from domain.errors import DomainError
from domain.guards import active, by_bureau, by_first_receiving, by_handling, in_order, required
from domain.network import Directory
from domain.policy import PolicyProfile
from domain.vocabulary import FileGrade, Role, SubsidyKind

if TYPE_CHECKING:
    from domain.case import Case


def check_closing(case: Case, actor: Actor, at: datetime, amount_recovered_fen: int) -> str:
    when = in_order(case, at)
    by_handling(case, actor, "结案")
    active(case)
    if case.lawyer is None:
        raise DomainError("NOT_APPOINTED", "尚未指派律师，不能结案 (no lawyer was appointed).")
    if not isinstance(amount_recovered_fen, int) or amount_recovered_fen < 0:
        raise DomainError("INVALID_AMOUNT", "挽回金额须为非负整数（分） (amount must be whole fen, not negative).")
    return when


def check_file_submission(case: Case, actor: Actor, at: datetime, pages: int) -> str:
    """The lawyer's file (立卷材料) of a closed or terminated case, to the first-receiving or handling institution."""
    when = in_order(case, at)
    if actor.institution_id not in (case.first_receiving_institution, case.handling_institution):
        raise DomainError("NOT_INVOLVED", "只有首次受理机构或承办机构可以接收结案材料 (not an institution of this case).")
    if case.lawyer is None or not (case.closed or case.terminated):
        raise DomainError("NOT_CLOSED", "案件尚未结案或终止，不能提交结案材料 (the case is not closed or terminated).")
    if case.file_submitted:
        raise DomainError("FILE_ALREADY_SUBMITTED", "结案材料已提交 (the closing file was already submitted).")
    if not isinstance(pages, int) or pages < 1:
        raise DomainError("INVALID_PAGES", "卷宗页数须为正整数 (page count must be positive).")
    return when


def check_archiving(case: Case, actor: Actor, at: datetime) -> str:
    """The first-receiving institution archives, once the case is finished and any objection decided."""
    when = in_order(case, at)
    by_first_receiving(case, actor, "归档")
    if case.archived:
        raise DomainError("ALREADY_ARCHIVED", "案卷已归档 (already archived).")
    if case.objection is not None and case.objection.pending:
        raise DomainError("OBJECTION_PENDING", "异议审查期间不能归档 (an objection is pending).")
    finished_without_file = case.withdrawn or case.decision is Decision.REFUSED or (case.terminated and case.lawyer is None)
    if not (case.file_submitted or finished_without_file):
        raise DomainError(
            "NOT_READY_TO_ARCHIVE", "案件尚未办结或结案材料未提交，不能归档 (the case is not finished or its file not submitted)."
        )
    return when


def check_above_band_approval(case: Case, actor: Actor, at: datetime, amount_fen: int) -> str:
    """Above the band only with the approval of the first-receiving institution's head (001 二(三))."""
    when = in_order(case, at)
    by_first_receiving(case, actor, "批准超标准补贴")
    if actor.role is not Role.HEAD:
        raise DomainError("NOT_HEAD", "超标准补贴须由首次受理机构负责人批准 (only the head approves above-band subsidies).")
    if not isinstance(amount_fen, int) or amount_fen <= 0:
        raise DomainError("INVALID_AMOUNT", "金额须为正整数（分） (amount must be positive whole fen).")
    return when


class SubsidyPayment(NamedTuple):
    """A subsidy payment as finance records it (办案补贴支付)."""

    kind: SubsidyKind
    amount_fen: int
    payee: str
    reference: str
    working_days: int = 1  # for duty-lawyer days


def check_file_review(case: Case, actor: Actor, at: datetime) -> str:
    """The first-receiving institution, which archives the file and pays, reviews it once it is submitted."""
    when = in_order(case, at)
    by_first_receiving(case, actor, "审查结案卷宗")
    if not case.file_submitted:
        raise DomainError("FILE_NOT_SUBMITTED", "结案材料尚未提交 (the closing file has not been submitted).")
    if case.file_grade is not None:
        raise DomainError("FILE_ALREADY_REVIEWED", "结案卷宗已审查 (the closing file was already reviewed).")
    return when


def check_subsidy(case: Case, actor: Actor, at: datetime, payment: SubsidyPayment, policy: PolicyProfile) -> tuple[str, dict[str, Any]]:
    """Paid once per kind after the file is reviewed, within the band for the file's grade (per duty day where
    the band is) unless the head approved more; a terminated case may be paid below it. Returns (when, what is recorded)."""
    kind, amount_fen = payment.kind, payment.amount_fen
    when = in_order(case, at)
    by_first_receiving(case, actor, "支付办案补贴")
    if not case.file_submitted:
        raise DomainError("FILE_NOT_SUBMITTED", "结案材料尚未提交审查，不能支付补贴 (the closing file has not been submitted).")
    if case.file_grade is None:
        raise DomainError("FILE_NOT_REVIEWED", "结案卷宗尚未审查，不能支付补贴 (the closing file has not been reviewed).")
    if kind is not policy.subsidy_kind_for(case.matter_kind):
        raise DomainError(
            "WRONG_SUBSIDY_KIND", f"本案（{case.matter_kind.value}）不适用 {kind.value} 补贴 (wrong subsidy kind for this matter)."
        )
    if kind.value in case.subsidies_paid:
        raise DomainError("ALREADY_PAID", "本案该项补贴已支付，不能重复支付 (this subsidy was already paid).")
    band = policy.band(kind, case.file_grade)
    grade = FileGrade(case.file_grade)
    zh, en = (f"（{grade.zh}卷宗）", f" for a file graded {grade.value}") if policy.grades_subsidy(kind) else ("", "")
    units = payment.working_days if band.per_working_day else 1
    if not isinstance(units, int) or units < 1:
        raise DomainError("INVALID_WORKING_DAYS", "值班天数须为正整数 (working days must be positive).")
    if not isinstance(amount_fen, int) or amount_fen <= 0:
        raise DomainError("INVALID_AMOUNT", "金额须为正整数（分） (amount must be positive whole fen).")
    if amount_fen < band.minimum_fen * units and not case.terminated:
        raise DomainError("BELOW_BAND", f"补贴 {amount_fen} 分低于标准下限{zh} {band.minimum_fen * units} 分 (below the band{en}).")
    if amount_fen > band.maximum_fen * units and amount_fen > case.above_band_approvals.get(kind.value, 0):
        raise DomainError(
            "ABOVE_BAND_NOT_APPROVED",
            f"补贴 {amount_fen} 分高于标准上限{zh} {band.maximum_fen * units} 分，须经首次受理机构负责人批准 "
            f"(above the band{en} without the head's approval).",
        )
    payee, reference = required(payment.payee, "收款人"), required(payment.reference, "支付凭证号")
    return when, {"kind": kind.value, "amount_fen": amount_fen, "working_days": units, "payee": payee, "reference": reference}


def check_erasure(case: Case, actor: Actor, at: datetime, directory: Directory) -> str:
    when = in_order(case, at)
    by_bureau(actor, directory, "删除申请人个人信息")
    if case.personal_data_erased:
        raise DomainError("ALREADY_ERASED", "申请人个人信息已删除 (the applicant's personal data was already erased).")
    return when
