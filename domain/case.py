"""The legal aid case (法律援助案件): one aggregate whose methods enforce the rules of RULES.md.

Each public method checks who may act and whether the step is in order, then records exactly one
event. A refused command raises DomainError and records nothing. Times are passed in; the domain
never reads a clock.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor, iso
from domain.case_status import CaseStatus, Progress
from domain.errors import DomainError
from domain.network import MUNICIPAL_DISTRICT, Directory
from domain.policy import PolicyProfile
from domain.vocabulary import (
    Channel,
    DispatchMethod,
    HardshipBasis,
    KeyGroup,
    MatterKind,
    ObjectionRuling,
    Recommendation,
    Role,
    SubsidyKind,
    TerminationGround,
)

# Applicant fields that are personal information (PIPL): encrypted per person before signing.
PERSONAL_DATA_FIELDS = ("name", "id_number", "phone", "address")


Record = dict[str, Any]


def _required(value: str, what: str) -> str:
    if not value or not value.strip():
        raise DomainError("MISSING_FIELD", f"{what}不能为空 ({what} is required).")
    return value.strip()


class Case(Aggregate):
    """A legal aid case from application (受理) to archiving (归档) and subsidy (办案补贴)."""

    # ---------------------------------------------------------------- application (受理)
    @classmethod
    def receive_application(
        cls,
        actor: Actor,
        at: datetime,
        *,
        directory: Directory,
        policy: PolicyProfile,
        channel: Channel,
        matter_kind: MatterKind,
        authority_name: str,
        authority_district: str,
        applicant: Record,
        hardship: Record,
        key_groups: tuple[KeyGroup, ...] = (),
        group_case: bool = False,
        complex_case: bool = False,
        emergency: bool = False,
        possible_life_or_death: bool = False,
        summary: str = "",
    ) -> Case:
        """Any centre in the city accepts, whatever the district; it becomes first-receiving for good."""
        receiver = directory.get(actor.institution_id)
        if directory.is_bureau(receiver.institution_id):
            raise DomainError(
                "NOT_A_LEGAL_AID_CENTRE", "申请应由法律援助机构受理，司法局不直接受理 (only a legal aid centre accepts applications)."
            )
        if authority_district != MUNICIPAL_DISTRICT:
            directory.centre_for_district(authority_district)
        _required(authority_name, "办案机关")
        _required(str(applicant.get("applicant_id", "")), "申请人编号")
        _required(str(applicant.get("name", "")), "申请人姓名")
        if possible_life_or_death and matter_kind is not MatterKind.CRIMINAL:
            raise DomainError(
                "NOT_A_CRIMINAL_CASE", "只有刑事案件可能判处无期徒刑或死刑 (only criminal cases carry a life or death sentence)."
            )
        hardship_record = cls._checked_hardship(hardship, policy)
        case: Case = cls(
            by=actor.record(),
            at=iso(at),
            channel=channel.value,
            matter_kind=matter_kind.value,
            authority={"name": authority_name, "district": authority_district},
            applicant=dict(applicant),
            hardship=hardship_record,
            key_groups=sorted(g.value for g in key_groups),
            group_case=group_case,
            complex_case=complex_case,
            emergency=emergency,
            possible_life_or_death=possible_life_or_death,
            summary=summary,
        )
        return case

    @staticmethod
    def _checked_hardship(hardship: Record, policy: PolicyProfile) -> Record:
        try:
            basis = HardshipBasis(str(hardship.get("basis")))
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
            return {"basis": basis.value, "exemption": code, "legal_basis": policy.exemptions[code].legal_basis}
        return {"basis": basis.value}

    @event("ApplicationReceived")
    def __init__(
        self,
        by: dict[str, str],
        at: str,
        channel: str,
        matter_kind: str,
        authority: dict[str, str],
        applicant: Record,
        hardship: Record,
        key_groups: list[str],
        group_case: bool,
        complex_case: bool,
        emergency: bool,
        possible_life_or_death: bool,
        summary: str,
    ) -> None:
        self.first_receiving_institution = by["institution"]  # 首次受理机构, fixed forever
        self.handling_institution = by["institution"]  # 承办机构, changes on transfer
        self.received_at = at
        self.last_at = at
        self.channel = Channel(channel)
        self.matter_kind = MatterKind(matter_kind)
        self.authority = authority
        self.applicant = applicant
        self.hardship = hardship
        self.key_groups = key_groups
        self.group_case = group_case
        self.complex_case = complex_case
        self.emergency = emergency
        self.possible_life_or_death = possible_life_or_death
        self.summary = summary
        self.missing_notices = 0
        self.personal_data_erased = False
        self.outstanding_materials: list[str] = []
        self.review: Record | None = None
        self.review_signed_off = False
        self.transfer: Record | None = None
        self.designated_institution: str | None = None
        self.platform_entry: Record | None = None
        self.decision: str | None = None  # "granted" | "refused"
        self.lawyer: Record | None = None
        self.terminated = False
        self.withdrawn = False
        self.objection: Record | None = None
        self.closed: Record | None = None
        self.file_submitted = False
        self.archived = False
        self.above_band_approvals: dict[str, int] = {}
        self.subsidies_paid: dict[str, int] = {}

    # ---------------------------------------------------------------- derived state
    @property
    def status(self) -> CaseStatus:
        return self.progress().status

    @property
    def involved_institutions(self) -> frozenset[str]:
        return self.progress().involved

    def progress(self) -> Progress:
        """The facts the status and the involved institutions follow from (domain/case_status.py)."""
        transfer = self.transfer or {}
        return Progress(
            first_receiving=self.first_receiving_institution,
            handling=self.handling_institution,
            designated=self.designated_institution,
            transfer_from=transfer.get("from"),
            transfer_to=transfer.get("to"),
            transfer_dispatched=bool(transfer.get("dispatched")),
            transfer_received=bool(transfer.get("received")),
            outstanding_materials=tuple(self.outstanding_materials),
            decision=self.decision,
            lawyer_appointed=self.lawyer is not None,
            terminated=self.terminated,
            withdrawn=self.withdrawn,
            closed=self.closed is not None,
            archived=self.archived,
            objection_against=self.objection["against"] if self.objection else None,
        )

    # ---------------------------------------------------------------- guards
    def _in_order(self, at: datetime) -> str:
        when = iso(at)
        if datetime.fromisoformat(when) < datetime.fromisoformat(self.last_at):
            raise DomainError(
                "TIME_BEFORE_PREVIOUS_ACTION",
                f"操作时间 {when} 早于本案上一操作时间 {self.last_at} (an action cannot predate the case's last action).",
            )
        return when

    def _by_handling(self, actor: Actor, what: str) -> None:
        if actor.institution_id != self.handling_institution:
            raise DomainError(
                "NOT_HANDLING_INSTITUTION",
                f"只有承办机构 {self.handling_institution} 可以{what} (only the handling institution may do this).",
            )

    def _by_first_receiving(self, actor: Actor, what: str) -> None:
        if actor.institution_id != self.first_receiving_institution:
            raise DomainError(
                "NOT_FIRST_RECEIVING_INSTITUTION",
                f"只有首次受理机构 {self.first_receiving_institution} 可以{what} (only the first-receiving institution may do this).",
            )

    @staticmethod
    def _by_bureau(actor: Actor, directory: Directory, what: str) -> None:
        if not directory.is_bureau(actor.institution_id):
            raise DomainError("NOT_BUREAU", f"只有司法局可以{what} (only the justice bureau may do this).")

    def _active(self) -> None:
        """Work on the application itself stops once it is withdrawn, terminated or closed."""
        if self.withdrawn:
            raise DomainError("CASE_WITHDRAWN", "申请已撤回，不能再办理 (the application was withdrawn).")
        if self.terminated:
            raise DomainError("CASE_TERMINATED", "法律援助已终止，不能再办理 (legal aid was terminated).")
        if self.closed:
            raise DomainError("CASE_CLOSED", "案件已结案 (the case is closed).")

    def _undecided(self) -> None:
        self._active()
        if self.decision is not None:
            raise DomainError("ALREADY_DECIDED", "已作出是否给予法律援助的决定 (a decision was already made).")

    def _no_transfer_pending(self) -> None:
        if self.transfer is not None and not self.transfer.get("received"):
            raise DomainError("TRANSFER_PENDING", "材料正在转交，承办机构收到后方可办理 (materials are being transferred).")

    # ---------------------------------------------------------------- materials (材料)
    def notify_missing_materials(self, actor: Actor, at: datetime, items: list[str]) -> None:
        """Tell the applicant every missing item at once (一次性告知); only one notice per application."""
        when = self._in_order(at)
        self._by_handling(actor, "通知补充材料")
        self._undecided()
        self._no_transfer_pending()
        items = [_required(i, "需补充的材料") for i in items]
        if not items:
            raise DomainError("NO_MISSING_ITEMS", "补充材料通知须列明所需材料 (list the missing items).")
        if self.missing_notices >= 1:
            raise DomainError(
                "ONE_NOTICE_ONLY",
                "补充材料应一次性告知，本申请已发出过补充材料通知 (all missing items must be named in one notice).",
            )
        self._missing_materials_notified(by=actor.record(), at=when, items=items)

    @event("MissingMaterialsNotified")
    def _missing_materials_notified(self, by: dict[str, str], at: str, items: list[str]) -> None:
        self.last_at = at
        self.missing_notices += 1
        self.outstanding_materials = list(items)

    def supplement_materials(self, actor: Actor, at: datetime, items: list[str]) -> None:
        when = self._in_order(at)
        self._by_handling(actor, "登记补充材料")
        self._undecided()
        if not self.outstanding_materials:
            raise DomainError("NO_MATERIALS_OUTSTANDING", "本案没有待补充的材料 (no materials are outstanding).")
        unknown = [i for i in items if i not in self.outstanding_materials]
        if not items or unknown:
            raise DomainError("NOT_REQUESTED", f"补充的材料不在通知所列范围内: {unknown} (items were not requested in the notice).")
        self._materials_supplemented(by=actor.record(), at=when, items=list(items))

    @event("MaterialsSupplemented")
    def _materials_supplemented(self, by: dict[str, str], at: str, items: list[str]) -> None:
        self.last_at = at
        self.outstanding_materials = [i for i in self.outstanding_materials if i not in items]

    def withdraw(self, actor: Actor, at: datetime, reason: str, deemed: bool = False) -> None:
        """The applicant withdraws, or is deemed to have withdrawn after not supplementing (视为撤回)."""
        when = self._in_order(at)
        self._by_handling(actor, "登记撤回申请")
        self._active()
        if self.lawyer is not None:
            raise DomainError("ALREADY_APPOINTED", "已指派律师，应以终止法律援助处理 (after appointment, terminate instead).")
        if deemed and not self.outstanding_materials:
            raise DomainError(
                "NOT_DEEMED_WITHDRAWN",
                "只有未按通知补充材料的申请才视为撤回 (only an application with outstanding materials is deemed withdrawn).",
            )
        self._withdrawn(by=actor.record(), at=when, reason=_required(reason, "撤回原因"), deemed=deemed)

    @event("ApplicationWithdrawn")
    def _withdrawn(self, by: dict[str, str], at: str, reason: str, deemed: bool) -> None:
        self.last_at = at
        self.withdrawn = True

    # ---------------------------------------------------------------- review (审查)
    def record_review_opinion(
        self,
        actor: Actor,
        at: datetime,
        *,
        reviewer: str,
        opinion: str,
        recommendation: Recommendation,
        policy: PolicyProfile,
    ) -> None:
        """The reviewer's opinion on the review form (审查表), with eligibility against the city's standard."""
        when = self._in_order(at)
        self._by_handling(actor, "审查")
        self._undecided()
        self._no_transfer_pending()
        if self.outstanding_materials:
            raise DomainError("MATERIALS_OUTSTANDING", "申请材料尚未补齐，不能审查 (materials are still outstanding).")
        eligible, reason = self.assess_eligibility(policy)
        self._review_recorded(
            by=actor.record(),
            at=when,
            reviewer=_required(reviewer, "审查人"),
            opinion=_required(opinion, "审查意见"),
            recommendation=recommendation.value,
            eligible=eligible,
            eligibility_reason=reason,
        )

    def assess_eligibility(self, policy: PolicyProfile) -> tuple[bool, str]:
        """Financial hardship (经济困难) against the unified city standard, with exemptions."""
        basis = HardshipBasis(self.hardship["basis"])
        if basis is HardshipBasis.EXEMPTION:
            return True, f"免予核查经济困难: {self.hardship['exemption']} ({self.hardship['legal_basis']})"
        if basis is HardshipBasis.CREDIT_COMMITMENT:
            return True, "个人诚信承诺代替证明 (personal credit commitment)"
        per_person = self.hardship["household_monthly_income_fen"] // self.hardship["household_size"]
        standard = policy.hardship_monthly_income_per_person_fen
        if per_person <= standard:
            return True, f"家庭人均月收入 {per_person} 分，不高于标准 {standard} 分"
        return False, f"家庭人均月收入 {per_person} 分，高于标准 {standard} 分"

    @event("ReviewOpinionRecorded")
    def _review_recorded(
        self,
        by: dict[str, str],
        at: str,
        reviewer: str,
        opinion: str,
        recommendation: str,
        eligible: bool,
        eligibility_reason: str,
    ) -> None:
        self.last_at = at
        self.review = {
            "institution": by["institution"],
            "reviewer": reviewer,
            "recommendation": recommendation,
            "eligible": eligible,
            "eligibility_reason": eligibility_reason,
        }
        self.review_signed_off = False

    def sign_off_review(self, actor: Actor, at: datetime) -> None:
        """The head of the institution signs the review form (负责人签字)."""
        when = self._in_order(at)
        self._by_handling(actor, "签批审查表")
        self._undecided()
        if actor.role is not Role.HEAD:
            raise DomainError("NOT_HEAD", "审查表须由机构负责人签字 (only the head of the institution signs off).")
        if self.review is None or self.review["institution"] != actor.institution_id:
            raise DomainError("NO_REVIEW", "本机构尚未填写审查意见 (no review opinion of this institution).")
        if self.review_signed_off:
            raise DomainError("ALREADY_SIGNED_OFF", "审查表已签批 (the review is already signed off).")
        self._review_signed_off(by=actor.record(), at=when)

    @event("ReviewSignedOff")
    def _review_signed_off(self, by: dict[str, str], at: str) -> None:
        self.last_at = at
        self.review_signed_off = True

    # ---------------------------------------------------------------- transfer (转交)
    def designate_jurisdiction(self, actor: Actor, at: datetime, *, institution_id: str, reason: str, directory: Directory) -> None:
        """In a jurisdiction dispute the bureau designates the handling institution (指定管辖)."""
        when = self._in_order(at)
        self._by_bureau(actor, directory, "指定管辖")
        self._undecided()
        if directory.is_bureau(directory.get(institution_id).institution_id):
            raise DomainError("NOT_A_LEGAL_AID_CENTRE", "只能指定法律援助机构承办 (designate a legal aid centre).")
        self._jurisdiction_designated(by=actor.record(), at=when, institution_id=institution_id, reason=_required(reason, "指定理由"))

    @event("JurisdictionDesignated")
    def _jurisdiction_designated(self, by: dict[str, str], at: str, institution_id: str, reason: str) -> None:
        self.last_at = at
        self.designated_institution = institution_id

    def request_transfer(self, actor: Actor, at: datetime, *, to_institution: str, applicant_consent: bool, directory: Directory) -> None:
        """Transfer to the centre where the case-handling authority sits, only with the applicant's consent."""
        when = self._in_order(at)
        self._by_handling(actor, "转交")
        self._undecided()
        self._no_transfer_pending()
        if not applicant_consent:
            raise DomainError("NO_APPLICANT_CONSENT", "转交须经申请人同意 (the applicant has not consented to the transfer).")
        target = directory.get(to_institution)
        if target.institution_id == actor.institution_id:
            raise DomainError("TRANSFER_TO_SELF", "不能转交给本机构 (cannot transfer to yourself).")
        allowed = {self.designated_institution}
        district = self.authority["district"]
        allowed.add(
            directory.centre_for_district(district).institution_id
            if district != MUNICIPAL_DISTRICT
            else next(i.institution_id for i in directory.centres() if i.district == MUNICIPAL_DISTRICT)
        )
        if target.institution_id not in allowed:
            raise DomainError(
                "WRONG_TRANSFER_TARGET",
                f"只能转交给办案机关所在地或司法局指定的法律援助机构，{target.name} 不是 "
                "(transfer only to the centre where the authority sits, or one the bureau designated).",
            )
        self._transfer_requested(by=actor.record(), at=when, to_institution=to_institution, applicant_consent=True)

    @event("TransferRequested")
    def _transfer_requested(self, by: dict[str, str], at: str, to_institution: str, applicant_consent: bool) -> None:
        self.last_at = at
        self.transfer = {"from": by["institution"], "to": to_institution, "requested_at": at}

    def dispatch_materials(self, actor: Actor, at: datetime, *, method: DispatchMethod, reference: str) -> None:
        when = self._in_order(at)
        if self.transfer is None or self.transfer.get("received"):
            raise DomainError("NO_TRANSFER_REQUESTED", "本案没有待发送的转交 (no transfer is waiting to be sent).")
        if actor.institution_id != self.transfer["from"]:
            raise DomainError("NOT_TRANSFERRING_INSTITUTION", "只有转出机构可以寄送材料 (only the sending institution dispatches).")
        if self.transfer.get("dispatched"):
            raise DomainError("ALREADY_DISPATCHED", "材料已寄出 (materials were already dispatched).")
        self._active()
        self._materials_dispatched(by=actor.record(), at=when, method=method.value, reference=_required(reference, "寄送单号"))

    @event("MaterialsDispatched")
    def _materials_dispatched(self, by: dict[str, str], at: str, method: str, reference: str) -> None:
        self.last_at = at
        assert self.transfer is not None
        self.transfer = {**self.transfer, "dispatched": at, "method": method, "reference": reference}

    def receive_materials(self, actor: Actor, at: datetime) -> None:
        """The handling institution confirms receipt; from now on it reviews, decides and appoints."""
        when = self._in_order(at)
        if self.transfer is None or not self.transfer.get("dispatched") or self.transfer.get("received"):
            raise DomainError("NOTHING_IN_TRANSIT", "没有寄往本机构的材料 (no materials are in transit).")
        if actor.institution_id != self.transfer["to"]:
            raise DomainError("NOT_TRANSFER_TARGET", "只有接收机构可以签收材料 (only the receiving institution confirms receipt).")
        self._active()
        self._materials_received(by=actor.record(), at=when)

    @event("MaterialsReceived")
    def _materials_received(self, by: dict[str, str], at: str) -> None:
        self.last_at = at
        assert self.transfer is not None
        self.transfer = {**self.transfer, "received": at}
        self.handling_institution = by["institution"]
        self.review = None  # the handling institution reviews afresh
        self.review_signed_off = False

    # ---------------------------------------------------------------- platform and decision (录入审批、决定)
    def enter_on_platform(self, actor: Actor, at: datetime, *, platform_number: str) -> None:
        """Enter and approve the case on the provincial platform (省级平台录入审批)."""
        when = self._in_order(at)
        self._by_handling(actor, "录入平台")
        self._active()
        self._no_transfer_pending()
        if self.platform_entry is not None:
            raise DomainError("ALREADY_ON_PLATFORM", "案件已录入平台 (already entered on the platform).")
        if self.decision is not None and not (self.emergency and self.decision == "granted"):
            raise DomainError("ALREADY_DECIDED", "已作出决定，不能再录入 (a decision was already made).")
        self._entered_on_platform(by=actor.record(), at=when, platform_number=_required(platform_number, "平台编号"))

    @event("EnteredOnPlatform")
    def _entered_on_platform(self, by: dict[str, str], at: str, platform_number: str) -> None:
        self.last_at = at
        self.platform_entry = {"institution": by["institution"], "number": platform_number, "at": at}

    def _ready_to_decide(self, actor: Actor, what: str) -> None:
        self._by_handling(actor, what)
        self._undecided()
        self._no_transfer_pending()
        if self.outstanding_materials:
            raise DomainError("MATERIALS_OUTSTANDING", "申请材料尚未补齐 (materials are still outstanding).")

    def grant_aid(self, actor: Actor, at: datetime, *, document_number: str) -> None:
        """Grant legal aid (给予法律援助决定书). Emergencies are granted first, formalities later (LAL art 44)."""
        when = self._in_order(at)
        self._ready_to_decide(actor, "决定给予法律援助")
        if not self.emergency:
            if not (self.review and self.review_signed_off):
                raise DomainError("REVIEW_NOT_SIGNED_OFF", "审查表尚未经负责人签批 (the review is not signed off).")
            if self.platform_entry is None:
                raise DomainError("NOT_ON_PLATFORM", "案件尚未录入平台审批 (not yet entered on the platform).")
        if self.review is not None and not self.review["eligible"]:
            raise DomainError("NOT_ELIGIBLE", f"不符合经济困难标准: {self.review['eligibility_reason']} (not eligible).")
        self._aid_granted(by=actor.record(), at=when, document_number=_required(document_number, "决定书编号"))

    @event("AidGranted")
    def _aid_granted(self, by: dict[str, str], at: str, document_number: str) -> None:
        self.last_at = at
        self.decision = "granted"

    def refuse_aid(self, actor: Actor, at: datetime, *, document_number: str, reasons: str, legal_basis: str) -> None:
        """Refuse, with reasons and legal basis (不予法律援助决定书)."""
        when = self._in_order(at)
        self._ready_to_decide(actor, "决定不予法律援助")
        if not (self.review and self.review_signed_off):
            raise DomainError("REVIEW_NOT_SIGNED_OFF", "审查表尚未经负责人签批 (the review is not signed off).")
        self._aid_refused(
            by=actor.record(),
            at=when,
            document_number=_required(document_number, "决定书编号"),
            reasons=_required(reasons, "不予援助理由"),
            legal_basis=_required(legal_basis, "法律依据"),
        )

    @event("AidRefused")
    def _aid_refused(self, by: dict[str, str], at: str, document_number: str, reasons: str, legal_basis: str) -> None:
        self.last_at = at
        self.decision = "refused"

    # ---------------------------------------------------------------- appointment (指派)
    def _check_lawyer(self, lawyer: Record, policy: PolicyProfile) -> Record:
        for key, label in (("name", "律师姓名"), ("firm", "律师事务所"), ("office_address", "办公地址"), ("office_phone", "联系电话")):
            _required(str(lawyer.get(key, "")), label)
        years = lawyer.get("criminal_practice_years", 0)
        if not isinstance(years, int) or years < 0:
            raise DomainError("INVALID_PRACTICE_YEARS", "刑事执业年限须为非负整数 (practice years must be a whole number).")
        if self.possible_life_or_death and years < policy.serious_criminal_min_years:
            raise DomainError(
                "LAWYER_NOT_QUALIFIED",
                f"可能判处无期徒刑、死刑的案件，须指派具有{policy.serious_criminal_min_years}年以上刑事辩护执业经历的律师 "
                "(LAL art 26: a lawyer with 3+ years of criminal practice is required).",
            )
        return dict(lawyer)

    def appoint_lawyer(self, actor: Actor, at: datetime, *, lawyer: Record, policy: PolicyProfile) -> None:
        """Appoint a lawyer and give the applicant the office address and phone (指派并告知)."""
        when = self._in_order(at)
        self._by_handling(actor, "指派律师")
        self._active()
        if self.decision != "granted":
            raise DomainError("NOT_GRANTED", "尚未决定给予法律援助，不能指派 (no appointment before a grant).")
        if self.lawyer is not None:
            raise DomainError("ALREADY_APPOINTED", "已指派律师；更换请用更换律师 (already appointed; change the lawyer instead).")
        self._lawyer_appointed(by=actor.record(), at=when, lawyer=self._check_lawyer(lawyer, policy))

    @event("LawyerAppointed")
    def _lawyer_appointed(self, by: dict[str, str], at: str, lawyer: Record) -> None:
        self.last_at = at
        self.lawyer = lawyer

    def change_lawyer(self, actor: Actor, at: datetime, *, lawyer: Record, reason: str, policy: PolicyProfile) -> None:
        when = self._in_order(at)
        self._by_handling(actor, "更换律师")
        self._active()
        if self.lawyer is None:
            raise DomainError("NOT_APPOINTED", "尚未指派律师 (no lawyer is appointed).")
        checked = self._check_lawyer(lawyer, policy)
        self._lawyer_changed(by=actor.record(), at=when, lawyer=checked, reason=_required(reason, "更换原因"))

    @event("LawyerChanged")
    def _lawyer_changed(self, by: dict[str, str], at: str, lawyer: Record, reason: str) -> None:
        self.last_at = at
        self.lawyer = lawyer

    # ---------------------------------------------------------------- termination, objection (终止、异议)
    def terminate(self, actor: Actor, at: datetime, *, ground: TerminationGround, document_number: str, facts: str) -> None:
        """End aid after verification (终止法律援助决定书, LAL art 48)."""
        when = self._in_order(at)
        self._by_handling(actor, "终止法律援助")
        self._active()
        if self.decision != "granted":
            raise DomainError("NOT_GRANTED", "只有已给予的法律援助可以终止 (only granted aid can be terminated).")
        self._terminated(
            by=actor.record(),
            at=when,
            ground=ground.value,
            document_number=_required(document_number, "决定书编号"),
            facts=_required(facts, "核实情况"),
        )

    @event("AidTerminated")
    def _terminated(self, by: dict[str, str], at: str, ground: str, document_number: str, facts: str) -> None:
        self.last_at = at
        self.terminated = True

    def file_objection(self, actor: Actor, at: datetime, *, grounds: str, directory: Directory) -> None:
        """The applicant objects to a refusal or termination before the justice bureau (LAL art 49)."""
        when = self._in_order(at)
        self._by_bureau(actor, directory, "受理异议")
        if self.archived:
            raise DomainError("CASE_ARCHIVED", "案卷已归档 (the case file is archived).")
        if self.decision == "refused" and not self.terminated:
            against = "refusal"
        elif self.terminated:
            against = "termination"
        else:
            raise DomainError(
                "NOTHING_TO_OBJECT_TO", "只能对不予法律援助或终止法律援助的决定提出异议 (object only to a refusal or termination)."
            )
        if self.objection is not None and self.objection.get("ruling") is None:
            raise DomainError("OBJECTION_PENDING", "已有异议正在审查 (an objection is already pending).")
        self._objection_filed(by=actor.record(), at=when, against=against, grounds=_required(grounds, "异议理由"))

    @event("ObjectionFiled")
    def _objection_filed(self, by: dict[str, str], at: str, against: str, grounds: str) -> None:
        self.last_at = at
        self.objection = {"against": against, "filed_at": at, "ruling": None}

    def decide_objection(self, actor: Actor, at: datetime, *, ruling: ObjectionRuling, reasons: str, directory: Directory) -> None:
        """Uphold, or order correction; a corrected refusal goes back to review, a corrected termination resumes."""
        when = self._in_order(at)
        self._by_bureau(actor, directory, "作出异议审查决定")
        if self.objection is None or self.objection.get("ruling") is not None:
            raise DomainError("NO_OBJECTION_PENDING", "没有待审查的异议 (no objection is pending).")
        self._objection_decided(by=actor.record(), at=when, ruling=ruling.value, reasons=_required(reasons, "审查理由"))

    @event("ObjectionDecided")
    def _objection_decided(self, by: dict[str, str], at: str, ruling: str, reasons: str) -> None:
        self.last_at = at
        assert self.objection is not None
        self.objection = {**self.objection, "ruling": ruling}
        if ruling == ObjectionRuling.CORRECTION_ORDERED.value:
            if self.objection["against"] == "refusal":
                self.decision = None
                self.review = None
                self.review_signed_off = False
            else:
                self.terminated = False

    # ---------------------------------------------------------------- personal information (个人信息)
    def erase_personal_data(self, actor: Actor, at: datetime, *, reason: str, directory: Directory) -> None:
        """The bureau erases the applicant's personal information (删除个人信息, PIPL art 47). The record that it
        did so is signed like any action; the data itself is erased by destroying the applicant's data key."""
        when = self._in_order(at)
        self._by_bureau(actor, directory, "删除申请人个人信息")
        if self.personal_data_erased:
            raise DomainError("ALREADY_ERASED", "申请人个人信息已删除 (the applicant's personal data was already erased).")
        self._personal_data_erased(
            by=actor.record(), at=when, applicant_id=self.applicant["applicant_id"], reason=_required(reason, "删除理由")
        )

    @event("PersonalDataErased")
    def _personal_data_erased(self, by: dict[str, str], at: str, applicant_id: str, reason: str) -> None:
        self.last_at = at
        self.personal_data_erased = True

    # ---------------------------------------------------------------- closing (结案、归档、补贴)
    def close(self, actor: Actor, at: datetime, *, outcome: str, amount_recovered_fen: int) -> None:
        when = self._in_order(at)
        self._by_handling(actor, "结案")
        self._active()
        if self.lawyer is None:
            raise DomainError("NOT_APPOINTED", "尚未指派律师，不能结案 (no lawyer was appointed).")
        if not isinstance(amount_recovered_fen, int) or amount_recovered_fen < 0:
            raise DomainError("INVALID_AMOUNT", "挽回金额须为非负整数（分） (amount must be whole fen, not negative).")
        self._closed(by=actor.record(), at=when, outcome=_required(outcome, "结案情况"), amount_recovered_fen=amount_recovered_fen)

    @event("CaseClosed")
    def _closed(self, by: dict[str, str], at: str, outcome: str, amount_recovered_fen: int) -> None:
        self.last_at = at
        self.closed = {"outcome": outcome, "amount_recovered_fen": amount_recovered_fen, "at": at}

    def submit_closing_file(self, actor: Actor, at: datetime, *, pages: int) -> None:
        """The lawyer's closed-case file (立卷材料) reaches the first-receiving or handling institution."""
        when = self._in_order(at)
        if actor.institution_id not in (self.first_receiving_institution, self.handling_institution):
            raise DomainError("NOT_INVOLVED", "只有首次受理机构或承办机构可以接收结案材料 (not an institution of this case).")
        if self.lawyer is None or not (self.closed or self.terminated):
            raise DomainError("NOT_CLOSED", "案件尚未结案或终止，不能提交结案材料 (the case is not closed or terminated).")
        if self.file_submitted:
            raise DomainError("FILE_ALREADY_SUBMITTED", "结案材料已提交 (the closing file was already submitted).")
        if not isinstance(pages, int) or pages < 1:
            raise DomainError("INVALID_PAGES", "卷宗页数须为正整数 (page count must be positive).")
        self._file_submitted(by=actor.record(), at=when, pages=pages)

    @event("ClosingFileSubmitted")
    def _file_submitted(self, by: dict[str, str], at: str, pages: int) -> None:
        self.last_at = at
        self.file_submitted = True

    def archive(self, actor: Actor, at: datetime, *, archive_number: str) -> None:
        """The first-receiving institution archives the case file, whoever handled it (000 三(二))."""
        when = self._in_order(at)
        self._by_first_receiving(actor, "归档")
        if self.archived:
            raise DomainError("ALREADY_ARCHIVED", "案卷已归档 (already archived).")
        if self.objection is not None and self.objection.get("ruling") is None:
            raise DomainError("OBJECTION_PENDING", "异议审查期间不能归档 (an objection is pending).")
        finished_without_file = self.withdrawn or (self.decision == "refused") or (self.terminated and self.lawyer is None)
        if not (self.file_submitted or finished_without_file):
            raise DomainError(
                "NOT_READY_TO_ARCHIVE", "案件尚未办结或结案材料未提交，不能归档 (the case is not finished or its file not submitted)."
            )
        self._archived(by=actor.record(), at=when, archive_number=_required(archive_number, "档案号"))

    @event("CaseArchived")
    def _archived(self, by: dict[str, str], at: str, archive_number: str) -> None:
        self.last_at = at
        self.archived = True

    def approve_above_band_subsidy(self, actor: Actor, at: datetime, *, kind: SubsidyKind, amount_fen: int, reason: str) -> None:
        """Above the band only for remote evidence gathering or difficult cases, approved by the head (001 二(三))."""
        when = self._in_order(at)
        self._by_first_receiving(actor, "批准超标准补贴")
        if actor.role is not Role.HEAD:
            raise DomainError("NOT_HEAD", "超标准补贴须由首次受理机构负责人批准 (only the head approves above-band subsidies).")
        if not isinstance(amount_fen, int) or amount_fen <= 0:
            raise DomainError("INVALID_AMOUNT", "金额须为正整数（分） (amount must be positive whole fen).")
        self._above_band_approved(
            by=actor.record(), at=when, kind=kind.value, amount_fen=amount_fen, reason=_required(reason, "超标准理由")
        )

    @event("AboveBandSubsidyApproved")
    def _above_band_approved(self, by: dict[str, str], at: str, kind: str, amount_fen: int, reason: str) -> None:
        self.last_at = at
        self.above_band_approvals[kind] = amount_fen

    def pay_subsidy(
        self,
        actor: Actor,
        at: datetime,
        *,
        kind: SubsidyKind,
        amount_fen: int,
        payee: str,
        reference: str,
        policy: PolicyProfile,
        working_days: int = 1,
    ) -> None:
        """The first-receiving institution pays the case subsidy (办案补贴), within the band unless approved."""
        when = self._in_order(at)
        self._by_first_receiving(actor, "支付办案补贴")
        if not self.file_submitted:
            raise DomainError("FILE_NOT_SUBMITTED", "结案材料尚未提交审查，不能支付补贴 (the closing file has not been submitted).")
        expected = policy.subsidy_kind_for(self.matter_kind)
        if kind is not expected:
            raise DomainError(
                "WRONG_SUBSIDY_KIND", f"本案（{self.matter_kind.value}）不适用 {kind.value} 补贴 (wrong subsidy kind for this matter)."
            )
        if kind.value in self.subsidies_paid:
            raise DomainError("ALREADY_PAID", "本案该项补贴已支付，不能重复支付 (this subsidy was already paid).")
        band = policy.band(kind)
        units = working_days if band.per_working_day else 1
        if not isinstance(units, int) or units < 1:
            raise DomainError("INVALID_WORKING_DAYS", "值班天数须为正整数 (working days must be positive).")
        if not isinstance(amount_fen, int) or amount_fen <= 0:
            raise DomainError("INVALID_AMOUNT", "金额须为正整数（分） (amount must be positive whole fen).")
        if amount_fen < band.minimum_fen * units and not self.terminated:
            raise DomainError("BELOW_BAND", f"补贴 {amount_fen} 分低于标准下限 {band.minimum_fen * units} 分 (below the band).")
        if amount_fen > band.maximum_fen * units and amount_fen > self.above_band_approvals.get(kind.value, 0):
            raise DomainError(
                "ABOVE_BAND_NOT_APPROVED",
                f"补贴 {amount_fen} 分高于标准上限 {band.maximum_fen * units} 分，须经首次受理机构负责人批准 "
                "(above the band without the head's approval).",
            )
        self._subsidy_paid(
            by=actor.record(),
            at=when,
            kind=kind.value,
            amount_fen=amount_fen,
            working_days=units,
            payee=_required(payee, "收款人"),
            reference=_required(reference, "支付凭证号"),
        )

    @event("SubsidyPaid")
    def _subsidy_paid(self, by: dict[str, str], at: str, kind: str, amount_fen: int, working_days: int, payee: str, reference: str) -> None:
        self.last_at = at
        self.subsidies_paid[kind] = amount_fen
