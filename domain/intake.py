"""Intake and review (受理、补充材料、审查): the applicant's financial hardship and its exemptions, missing
materials named in one notice, withdrawal, and the review form (审查表) its head signs off."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from domain.actor import Actor
from domain.errors import DomainError
from domain.guards import active, by_handling, in_order, no_transfer_pending, required, undecided
from domain.network import MUNICIPAL_DISTRICT, Directory
from domain.policy import PolicyProfile, Waiver
from domain.vocabulary import Channel, HardshipBasis, KeyGroup, MatterKind, NoticeGround, Role

if TYPE_CHECKING:
    from domain.case import Case


@dataclass(frozen=True)
class Review:
    """The review form of the institution that reviewed, with eligibility against the city's standard."""

    institution: str
    reviewer: str
    recommendation: str
    eligible: bool
    eligibility_reason: str
    signed_off: bool = False

    def signed(self) -> Review:
        return replace(self, signed_off=True)


@dataclass(frozen=True)
class Application:
    """申请: what the applicant brings and the accepting centre records (the ApplicationReceived record)."""

    channel: Channel
    matter_kind: MatterKind
    authority_name: str  # 办案机关
    authority_district: str  # where it sits: a district id, or "municipal"
    applicant: dict[str, Any]
    hardship: dict[str, Any] | None  # none on an authority's notice, which is not means-tested
    key_groups: tuple[KeyGroup, ...] = ()  # 重点人群 (green channel)
    group_case: bool = False  # 群体性案件
    complex_case: bool = False  # 重大疑难复杂
    emergency: bool = False  # 紧急案件 (LAL 44)
    possible_life_or_death: bool = False  # 可能判处无期徒刑、死刑
    summary: str = ""
    notice: dict[str, Any] | None = None  # the authority's notice (通知辩护/代理): ground and document number
    authority_case_number: str = ""  # 办案机关案号, for the conflict check
    cause_of_action: str = ""  # 案由 or 罪名, as the register lists it

    def recorded(self, policy: PolicyProfile) -> dict[str, Any]:
        """The application as its record holds it, the hardship basis checked against the city's policy; an
        authority's notice is not means-tested and records its ground's legal basis instead."""
        authority = {"name": self.authority_name, "district": self.authority_district}
        if self.authority_case_number:
            authority["case_number"] = self.authority_case_number
        recorded = {
            "channel": self.channel.value,
            "matter_kind": self.matter_kind.value,
            "authority": authority,
            "applicant": dict(self.applicant),
            "hardship": _NOT_MEANS_TESTED if self.notice else checked_hardship(self.hardship or {}, self.matter_kind, policy),
            "key_groups": sorted(g.value for g in self.key_groups),
            "group_case": self.group_case,
            "complex_case": self.complex_case,
            "emergency": self.emergency,
            "possible_life_or_death": self.possible_life_or_death,
            "summary": self.summary,
        }
        if self.cause_of_action:  # recorded where given (records made before it was asked for have none)
            recorded["cause_of_action"] = self.cause_of_action
        if self.notice:
            ground = NoticeGround(self.notice["ground"])
            recorded["notice"] = {**self.notice, "ground": ground.value, "legal_basis": ground.legal_basis}
        return recorded


_NOT_MEANS_TESTED = {"basis": HardshipBasis.AUTHORITY_NOTICE.value}


def check_application(actor: Actor, directory: Directory, application: Application) -> None:
    """A legal aid centre accepts (not the bureau), for an authority of a known district, from a named applicant."""
    receiver = directory.get(actor.institution_id)
    if not directory.is_centre(receiver.institution_id):
        raise DomainError(
            "NOT_A_LEGAL_AID_CENTRE", "申请应由法律援助机构受理，司法局不直接受理 (only a legal aid centre accepts applications)."
        )
    if application.authority_district != MUNICIPAL_DISTRICT:
        directory.centre_for_district(application.authority_district)
    required(application.authority_name, "办案机关")
    required(str(application.applicant.get("applicant_id", "")), "申请人编号")
    required(str(application.applicant.get("name", "")), "申请人姓名")
    if application.possible_life_or_death and application.matter_kind is not MatterKind.CRIMINAL:
        raise DomainError("NOT_A_CRIMINAL_CASE", "只有刑事案件可能判处无期徒刑或死刑 (only criminal cases carry a life or death sentence).")
    _check_notice(application)


def _check_notice(application: Application) -> None:
    """An authority's notice (LAL 25, 28, 36) names its ground and document and is not means-tested; an
    application (including one a detention facility forwards, LAL 39) brings a hardship basis instead."""
    if not application.channel.is_authority_notice:
        if application.notice is not None:
            raise DomainError(
                "NOT_AN_AUTHORITY_NOTICE",
                "只有公安机关、人民检察院、人民法院的通知才是通知辩护/代理；看守所转交的是申请 (LAL art 39) "
                "(only a notice from the police, procuratorate or court is a notified defence; a forwarded request is an application).",
            )
        if application.hardship is None:
            raise DomainError("HARDSHIP_REQUIRED", "申请须提供经济困难依据 (an application needs a hardship basis).")
        return
    if application.notice is None:
        raise DomainError(
            "NOTICE_DETAILS_REQUIRED", "通知辩护/代理须写明通知理由和通知书编号 (a notice needs its ground and document number)."
        )
    if application.notice.get("ground") not in set(NoticeGround):
        raise DomainError("UNKNOWN_NOTICE_GROUND", f"通知理由须为以下之一: {', '.join(NoticeGround)} (unknown notice ground).")
    required(str(application.notice.get("document_number", "")), "通知书编号")
    if application.hardship is not None:
        raise DomainError(
            "NO_HARDSHIP_REVIEW_ON_NOTICE",
            "通知辩护/代理不审查经济困难，不应提供经济困难依据 (LAL arts 25, 28: a notified defence is not means-tested).",
        )
    if application.matter_kind is not MatterKind.CRIMINAL:
        raise DomainError(
            "NOTICE_NOT_CRIMINAL",
            "通知辩护/代理只适用于刑事诉讼（含强制医疗程序） (a notice is for criminal proceedings, compulsory treatment included).",
        )


# ---------------------------------------------------------------- financial hardship (经济困难)
def checked_hardship(hardship: dict[str, Any], matter: MatterKind, policy: PolicyProfile) -> dict[str, Any]:
    """The hardship basis as recorded: a statement with household income and size, a credit commitment,
    or an exemption of this city's policy that covers this matter (with its legal basis and what it waives)."""
    try:
        basis = HardshipBasis(str(hardship.get("basis")))
        if basis is HardshipBasis.AUTHORITY_NOTICE:
            raise ValueError(basis)  # recorded for a notice, never given by an applicant
    except ValueError:
        raise DomainError(
            "UNKNOWN_HARDSHIP_BASIS",
            "经济困难依据须为经济困难状况说明表、个人诚信承诺或免予核查之一 "
            "(hardship basis must be a hardship statement, a credit commitment or an exemption).",
        ) from None
    if basis is HardshipBasis.HARDSHIP_STATEMENT:
        income, size = hardship.get("household_monthly_income_fen"), hardship.get("household_size")
        if not isinstance(income, int) or income < 0 or not isinstance(size, int) or size < 1:
            raise DomainError(
                "INVALID_HARDSHIP_STATEMENT",
                "经济困难状况说明表需填写家庭月收入（分，不小于0）和家庭人口（不少于1人） "
                "(household income in fen and household size are required).",
            )
        return {"basis": basis.value, "household_monthly_income_fen": income, "household_size": size}
    if basis is HardshipBasis.EXEMPTION:
        code = hardship.get("exemption")
        if code not in policy.exemptions:
            raise DomainError("UNKNOWN_EXEMPTION", f"免予核查的类别 {code!r} 不在本市政策中 (not an exemption of this city's policy).")
        exemption = policy.exemptions[code]
        if not exemption.covers(matter):
            raise DomainError(
                "EXEMPTION_NOT_FOR_MATTER",
                f"“{exemption.description}”（{exemption.legal_basis}）不适用于{matter.value}案件 "
                f"(the exemption {code} does not cover a {matter.value} matter).",
            )
        return {"basis": basis.value, "exemption": code, "legal_basis": exemption.legal_basis, "waiver": exemption.waiver.value}
    return {"basis": basis.value}


_WAIVED = {
    Waiver.NO_HARDSHIP_CONDITION: "不受经济困难条件限制",
    Waiver.NO_VERIFICATION: "免予核查经济困难",
    Waiver.DEEMED_HARDSHIP: "视为经济困难",
}


def assess_eligibility(hardship: dict[str, Any], policy: PolicyProfile) -> tuple[bool, str]:
    """Financial hardship against the unified city standard, with exemptions: (eligible, why)."""
    basis = HardshipBasis(hardship["basis"])
    if basis is HardshipBasis.EXEMPTION:
        waiver = Waiver(hardship.get("waiver", Waiver.NO_VERIFICATION))  # older records did not name it
        return True, f"{_WAIVED[waiver]}: {hardship['exemption']} ({hardship['legal_basis']})"
    if basis is HardshipBasis.CREDIT_COMMITMENT:
        return True, "个人诚信承诺代替证明 (personal credit commitment)"
    per_person = hardship["household_monthly_income_fen"] // hardship["household_size"]
    standard = policy.hardship_monthly_income_per_person_fen
    if per_person <= standard:
        return True, f"家庭人均月收入 {per_person} 分，不高于标准 {standard} 分"
    return False, f"家庭人均月收入 {per_person} 分，高于标准 {standard} 分"


# ---------------------------------------------------------------- materials (材料) and withdrawal
def check_missing_notice(case: Case, actor: Actor, at: datetime, items: list[str]) -> tuple[str, list[str]]:
    """Every missing item in one notice (一次性告知); only one notice per application."""
    when = in_order(case, at)
    by_handling(case, actor, "通知补充材料")
    undecided(case)
    no_transfer_pending(case)
    items = [required(i, "需补充的材料") for i in items]
    if not items:
        raise DomainError("NO_MISSING_ITEMS", "补充材料通知须列明所需材料 (list the missing items).")
    if case.missing_notices >= 1:
        raise DomainError(
            "ONE_NOTICE_ONLY",
            "补充材料应一次性告知，本申请已发出过补充材料通知 (all missing items must be named in one notice).",
        )
    return when, items


def check_supplement(case: Case, actor: Actor, at: datetime, items: list[str]) -> str:
    when = in_order(case, at)
    by_handling(case, actor, "登记补充材料")
    undecided(case)
    if not case.outstanding_materials:
        raise DomainError("NO_MATERIALS_OUTSTANDING", "本案没有待补充的材料 (no materials are outstanding).")
    unknown = [i for i in items if i not in case.outstanding_materials]
    if not items or unknown:
        raise DomainError("NOT_REQUESTED", f"补充的材料不在通知所列范围内: {unknown} (items were not requested in the notice).")
    return when


def check_withdrawal(case: Case, actor: Actor, at: datetime, deemed: bool) -> str:
    """Before appointment only; deemed withdrawn (视为撤回) only with materials still outstanding."""
    when = in_order(case, at)
    by_handling(case, actor, "登记撤回申请")
    active(case)
    if case.lawyer is not None:
        raise DomainError("ALREADY_APPOINTED", "已指派律师，应以终止法律援助处理 (after appointment, terminate instead).")
    if deemed and not case.outstanding_materials:
        raise DomainError(
            "NOT_DEEMED_WITHDRAWN",
            "只有未按通知补充材料的申请才视为撤回 (only an application with outstanding materials is deemed withdrawn).",
        )
    return when


# ---------------------------------------------------------------- review (审查)
def check_review(case: Case, actor: Actor, at: datetime) -> str:
    when = in_order(case, at)
    by_handling(case, actor, "审查")
    undecided(case)
    no_transfer_pending(case)
    if case.outstanding_materials:
        raise DomainError("MATERIALS_OUTSTANDING", "申请材料尚未补齐，不能审查 (materials are still outstanding).")
    return when


def check_sign_off(case: Case, actor: Actor, at: datetime) -> str:
    """The head of the institution that reviewed signs the form (负责人签字), once."""
    when = in_order(case, at)
    by_handling(case, actor, "签批审查表")
    undecided(case)
    if actor.role is not Role.HEAD:
        raise DomainError("NOT_HEAD", "审查表须由机构负责人签字 (only the head of the institution signs off).")
    if case.review is None or case.review.institution != actor.institution_id:
        raise DomainError("NO_REVIEW", "本机构尚未填写审查意见 (no review opinion of this institution).")
    if case.review.signed_off:
        raise DomainError("ALREADY_SIGNED_OFF", "审查表已签批 (the review is already signed off).")
    return when
