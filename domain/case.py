"""The legal aid case (法律援助案件): one aggregate, from application (受理) to archiving (归档) and subsidy.

Each command method checks the step (the checks live by concern in intake.py, transfer.py, decision.py
and closing.py) and records one event, or raises DomainError and records nothing; the event methods are
the only code that changes state, on recording and on replay. The domain never reads a clock."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from eventsourcing.domain import Aggregate, event

from domain import closing, decision, intake, quality, transfer
from domain.actor import Actor, iso
from domain.assignment import Choice, LawyerPool
from domain.case_status import CaseStatus, Progress
from domain.closing import SubsidyPayment
from domain.decision import Decision, Objection
from domain.fields import APPLICANT_DATA, By, PersonalData, Record
from domain.guards import required
from domain.intake import Application, Review
from domain.network import Directory
from domain.policy import PolicyProfile
from domain.quality import QualityCheck
from domain.transfer import Transfer
from domain.vocabulary import (
    AboveBandGround,
    Channel,
    DispatchMethod,
    FileGrade,
    MatterKind,
    ObjectionRuling,
    Recommendation,
    SubsidyKind,
    TerminationGround,
)


class Case(Aggregate):
    """A legal aid case from application (受理) to archiving (归档) and subsidy (办案补贴)."""

    class Event(Aggregate.Event):
        personal_data: ClassVar[PersonalData | None] = None  # set on the events that hold some

        def apply(self, aggregate: Aggregate) -> None:
            """After each event's own method: every event records when it happened (`at`), the case's last action."""
            setattr(aggregate, "last_at", self._as_dict()["at"])  # noqa: B010 (the aggregate's type is the library's)

    # ---------------------------------------------------------------- application (受理)
    @classmethod
    def receive_application(
        cls, actor: Actor, at: datetime, application: Application, *, directory: Directory, policy: PolicyProfile
    ) -> Case:
        """Any centre in the city accepts, whatever the district; it becomes first-receiving for good."""
        intake.check_application(actor, directory, application)
        case: Case = cls(by=actor.record(), at=iso(at), **application.recorded(policy))
        return case

    @event("ApplicationReceived")
    def __init__(
        self,
        by: By,
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
        notice: Record | None = None,
        cause_of_action: str = "",
    ) -> None:
        self.first_receiving_institution = by["institution"]  # 首次受理机构, fixed forever
        self.handling_institution = by["institution"]  # 承办机构, changes on transfer
        self.received_at = self.last_at = at
        self.channel = Channel(channel)
        self.matter_kind = MatterKind(matter_kind)
        self.authority, self.summary, self.cause_of_action = authority, summary, cause_of_action
        self.applicant, self.hardship = applicant, hardship
        self.key_groups = key_groups
        self.group_case, self.complex_case, self.emergency = group_case, complex_case, emergency
        self.possible_life_or_death = possible_life_or_death
        self.notice = notice  # 通知辩护/代理: no review, no decision (LAL 25, 28, 36)
        self.authority_informed = self.personal_data_erased = False
        self.missing_notices = 0
        self.outstanding_materials: list[str] = []
        self.review: Review | None = None
        self.transfer: Transfer | None = None
        self.designated_institution: str | None = None
        self.platform_entry: Record | None = None
        self.decision: Decision | None = None
        self.lawyer: Record | None = None
        self.lawyers_appointed: set[str] = set()  # licence numbers, ever (a complaint may name a former lawyer)
        self.objection: Objection | None = None
        self.closed: Record | None = None
        self.terminated = self.withdrawn = self.file_submitted = self.archived = False
        self.file_grade: str | None = None  # 卷宗质量等级, once the file is reviewed
        self.quality_checks = 0  # hearings attended, opinions asked, calls back (质量评查)
        self.above_band_approvals: dict[str, int] = {}
        self.subsidies_paid: dict[str, int] = {}

    # ---------------------------------------------------------------- derived state
    @property
    def status(self) -> CaseStatus:
        """One status function for the case and the index (domain/case_status.py)."""
        return Progress.of(self).status

    @property
    def involved_institutions(self) -> frozenset[str]:
        return Progress.of(self).involved

    # ---------------------------------------------------------------- materials (材料) and withdrawal
    def notify_missing_materials(self, actor: Actor, at: datetime, items: list[str]) -> None:
        """Tell the applicant every missing item at once (一次性告知); only one notice per application."""
        when, items = intake.check_missing_notice(self, actor, at, items)
        self._missing_materials_notified(by=actor.record(), at=when, items=items)

    @event("MissingMaterialsNotified")
    def _missing_materials_notified(self, by: By, at: str, items: list[str]) -> None:
        self.missing_notices += 1
        self.outstanding_materials = list(items)

    def supplement_materials(self, actor: Actor, at: datetime, items: list[str]) -> None:
        """The applicant supplies items the notice named (补充材料)."""
        when = intake.check_supplement(self, actor, at, items)
        self._materials_supplemented(by=actor.record(), at=when, items=list(items))

    @event("MaterialsSupplemented")
    def _materials_supplemented(self, by: By, at: str, items: list[str]) -> None:
        self.outstanding_materials = [i for i in self.outstanding_materials if i not in items]

    def withdraw(self, actor: Actor, at: datetime, reason: str, deemed: bool = False) -> None:
        """The applicant withdraws, or is deemed to have withdrawn after not supplementing (视为撤回)."""
        when = intake.check_withdrawal(self, actor, at, deemed)
        self._withdrawn(by=actor.record(), at=when, reason=required(reason, "撤回原因"), deemed=deemed)

    @event("ApplicationWithdrawn")
    def _withdrawn(self, by: By, at: str, reason: str, deemed: bool) -> None:
        self.withdrawn = True

    # ---------------------------------------------------------------- review (审查)
    def record_review_opinion(
        self, actor: Actor, at: datetime, *, reviewer: str, opinion: str, recommendation: Recommendation, policy: PolicyProfile
    ) -> None:
        """The reviewer's opinion on the review form (审查表), with eligibility against the city's standard."""
        when = intake.check_review(self, actor, at)
        eligible, reason = intake.assess_eligibility(self.hardship, policy)
        self._review_recorded(
            by=actor.record(),
            at=when,
            reviewer=required(reviewer, "审查人"),
            opinion=required(opinion, "审查意见"),
            recommendation=recommendation.value,
            eligible=eligible,
            eligibility_reason=reason,
        )

    @event("ReviewOpinionRecorded")
    def _review_recorded(
        self, by: By, at: str, reviewer: str, opinion: str, recommendation: str, eligible: bool, eligibility_reason: str
    ) -> None:
        self.review = Review(by["institution"], reviewer, recommendation, eligible, eligibility_reason)

    def sign_off_review(self, actor: Actor, at: datetime) -> None:
        """The head of the institution signs the review form (负责人签字)."""
        when = intake.check_sign_off(self, actor, at)
        self._review_signed_off(by=actor.record(), at=when)

    @event("ReviewSignedOff")
    def _review_signed_off(self, by: By, at: str) -> None:
        assert self.review is not None
        self.review = self.review.signed()

    # ---------------------------------------------------------------- transfer (转交)
    def designate_jurisdiction(self, actor: Actor, at: datetime, *, institution_id: str, reason: str, directory: Directory) -> None:
        """In a jurisdiction dispute the bureau designates the handling institution (指定管辖)."""
        when = transfer.check_designation(self, actor, at, institution_id, directory)
        self._jurisdiction_designated(by=actor.record(), at=when, institution_id=institution_id, reason=required(reason, "指定理由"))

    @event("JurisdictionDesignated")
    def _jurisdiction_designated(self, by: By, at: str, institution_id: str, reason: str) -> None:
        self.designated_institution = institution_id

    def request_transfer(self, actor: Actor, at: datetime, *, to_institution: str, applicant_consent: bool, directory: Directory) -> None:
        """Transfer to the centre where the case-handling authority sits, only with the applicant's consent."""
        when = transfer.check_request(self, actor, at, to_institution, applicant_consent, directory)
        self._transfer_requested(by=actor.record(), at=when, to_institution=to_institution, applicant_consent=True)

    @event("TransferRequested")
    def _transfer_requested(self, by: By, at: str, to_institution: str, applicant_consent: bool) -> None:
        self.transfer = Transfer(by["institution"], to_institution, requested_at=at)

    def dispatch_materials(self, actor: Actor, at: datetime, *, method: DispatchMethod, reference: str) -> None:
        """The sending institution dispatches the materials (寄送)."""
        when = transfer.check_dispatch(self, actor, at)
        self._materials_dispatched(by=actor.record(), at=when, method=method.value, reference=required(reference, "寄送单号"))

    @event("MaterialsDispatched")
    def _materials_dispatched(self, by: By, at: str, method: str, reference: str) -> None:
        assert self.transfer is not None
        self.transfer = self.transfer.dispatched(at, method, reference)

    def receive_materials(self, actor: Actor, at: datetime) -> None:
        """The handling institution confirms receipt; from now on it reviews, decides and appoints."""
        when = transfer.check_receipt(self, actor, at)
        self._materials_received(by=actor.record(), at=when)

    @event("MaterialsReceived")
    def _materials_received(self, by: By, at: str) -> None:
        assert self.transfer is not None
        self.transfer = self.transfer.received(at)
        self.handling_institution = by["institution"]
        self.review = None  # the handling institution reviews afresh

    # ---------------------------------------------------------------- platform and decision (录入审批、决定)
    def enter_on_platform(self, actor: Actor, at: datetime, *, platform_number: str) -> None:
        """Enter and approve the case on the provincial platform (省级平台录入审批)."""
        when = decision.check_platform_entry(self, actor, at)
        self._entered_on_platform(by=actor.record(), at=when, platform_number=required(platform_number, "平台编号"))

    @event("EnteredOnPlatform")
    def _entered_on_platform(self, by: By, at: str, platform_number: str) -> None:
        self.platform_entry = {"institution": by["institution"], "number": platform_number, "at": at}

    def grant_aid(self, actor: Actor, at: datetime, *, document_number: str) -> None:
        """Grant legal aid (给予法律援助决定书). Emergencies are granted first, formalities later (LAL art 44)."""
        when = decision.check_grant(self, actor, at)
        self._aid_granted(by=actor.record(), at=when, document_number=required(document_number, "决定书编号"))

    @event("AidGranted")
    def _aid_granted(self, by: By, at: str, document_number: str) -> None:
        self.decision = Decision.GRANTED

    def refuse_aid(self, actor: Actor, at: datetime, *, document_number: str, reasons: str, legal_basis: str) -> None:
        """Refuse, with reasons and legal basis (不予法律援助决定书)."""
        when, refusal = decision.check_refusal(self, actor, at, document_number, reasons, legal_basis)
        self._aid_refused(by=actor.record(), at=when, **refusal)

    @event("AidRefused")
    def _aid_refused(self, by: By, at: str, document_number: str, reasons: str, legal_basis: str) -> None:
        self.decision = Decision.REFUSED

    # ---------------------------------------------------------------- appointment (指派)
    def appoint_lawyer(self, actor: Actor, at: datetime, *, choice: Choice, lawyers: LawyerPool, policy: PolicyProfile) -> None:
        """Appoint a lawyer of the pool, the client's choice or by rotation, and tell the applicant the office
        address and phone (指派并告知); the record says how the lawyer was chosen."""
        when, told, assignment = decision.check_appointment(self, actor, at, choice, lawyers, policy)
        self._lawyer_appointed(by=actor.record(), at=when, lawyer=told, assignment=assignment)

    @event("LawyerAppointed")
    def _lawyer_appointed(self, by: By, at: str, lawyer: Record, assignment: Record | None = None) -> None:
        self.lawyer = lawyer  # records before the pool hold a lawyer typed in, and no assignment
        self.lawyers_appointed.update(filter(None, [lawyer.get("licence_number")]))

    def change_lawyer(self, actor: Actor, at: datetime, *, choice: Choice, reason: str, lawyers: LawyerPool, policy: PolicyProfile) -> None:
        """Change the appointed lawyer (更换律师), chosen as an appointment is."""
        when, told, assignment = decision.check_lawyer_change(self, actor, at, choice, lawyers, policy)
        self._lawyer_changed(by=actor.record(), at=when, lawyer=told, reason=required(reason, "更换原因"), assignment=assignment)

    @event("LawyerChanged")
    def _lawyer_changed(self, by: By, at: str, lawyer: Record, reason: str, assignment: Record | None = None) -> None:
        self.lawyer, self.authority_informed = lawyer, False
        self.lawyers_appointed.update(filter(None, [lawyer.get("licence_number")]))

    def inform_authority(self, actor: Actor, at: datetime, *, reference: str) -> None:
        """On a notice, tell the authority the lawyer's name and contact within 3 days (LAL 36, 告知办案机关)."""
        when, told = decision.check_authority_informed(self, actor, at)
        self._authority_informed(by=actor.record(), at=when, lawyer=told, reference=required(reference, "告知函编号"))

    @event("AuthorityInformed")
    def _authority_informed(self, by: By, at: str, lawyer: Record, reference: str) -> None:
        self.authority_informed = True

    # ---------------------------------------------------------------- termination, objection (终止、异议)
    def terminate(self, actor: Actor, at: datetime, *, ground: TerminationGround, document_number: str, facts: str) -> None:
        """End aid after verification (终止法律援助决定书, LAL art 48)."""
        when, termination = decision.check_termination(self, actor, at, ground, document_number, facts)
        self._terminated(by=actor.record(), at=when, **termination)

    @event("AidTerminated")
    def _terminated(self, by: By, at: str, ground: str, document_number: str, facts: str) -> None:
        self.terminated = True

    def file_objection(self, actor: Actor, at: datetime, *, grounds: str, directory: Directory) -> None:
        """The applicant objects to a refusal or termination before the bureau that set up the institution (LAL 49)."""
        when, against = decision.check_objection(self, actor, at, directory)
        self._objection_filed(by=actor.record(), at=when, against=against, grounds=required(grounds, "异议理由"))

    @event("ObjectionFiled")
    def _objection_filed(self, by: By, at: str, against: str, grounds: str) -> None:
        self.objection = Objection(against, filed_at=at)

    def decide_objection(self, actor: Actor, at: datetime, *, ruling: ObjectionRuling, reasons: str, directory: Directory) -> None:
        """Uphold, or order correction, telling the applicant of reconsideration and litigation (LAL 49); a corrected
        refusal goes back to review, a corrected termination resumes."""
        when = decision.check_objection_decision(self, actor, at, directory)
        reasons = required(reasons, "审查理由")
        self._objection_decided(by=actor.record(), at=when, ruling=ruling.value, reasons=reasons, remedies=decision.REMEDIES)

    @event("ObjectionDecided")
    def _objection_decided(self, by: By, at: str, ruling: str, reasons: str, remedies: str = "") -> None:
        assert self.objection is not None
        self.objection = self.objection.decided(ruling)
        if ruling == ObjectionRuling.CORRECTION_ORDERED.value and self.objection.against == "refusal":
            self.decision, self.review = None, None  # reviewed and decided again
        elif ruling == ObjectionRuling.CORRECTION_ORDERED.value:
            self.terminated = False  # the aid resumes

    # ---------------------------------------------------------------- personal information (个人信息)
    def erase_personal_data(self, actor: Actor, at: datetime, *, reason: str, directory: Directory) -> None:
        """The bureau erases the applicant's personal information (删除个人信息, PIPL art 47): this signed record,
        then the applicant's data key is destroyed."""
        when = closing.check_erasure(self, actor, at, directory)
        self._personal_data_erased(
            by=actor.record(), at=when, applicant_id=self.applicant["applicant_id"], reason=required(reason, "删除理由")
        )

    @event("PersonalDataErased")
    def _personal_data_erased(self, by: By, at: str, applicant_id: str, reason: str) -> None:
        self.personal_data_erased = True

    # ---------------------------------------------------------------- closing (结案、归档、补贴)
    def close(self, actor: Actor, at: datetime, *, outcome: str, amount_recovered_fen: int) -> None:
        """Close the case with its outcome (结案)."""
        when = closing.check_closing(self, actor, at, amount_recovered_fen)
        self._closed(by=actor.record(), at=when, outcome=required(outcome, "结案情况"), amount_recovered_fen=amount_recovered_fen)

    @event("CaseClosed")
    def _closed(self, by: By, at: str, outcome: str, amount_recovered_fen: int) -> None:
        self.closed = {"outcome": outcome, "amount_recovered_fen": amount_recovered_fen, "at": at}

    def submit_closing_file(self, actor: Actor, at: datetime, *, pages: int) -> None:
        """The lawyer's closed-case file (立卷材料) reaches the first-receiving or handling institution."""
        when = closing.check_file_submission(self, actor, at, pages)
        self._file_submitted(by=actor.record(), at=when, pages=pages)

    @event("ClosingFileSubmitted")
    def _file_submitted(self, by: By, at: str, pages: int) -> None:
        self.file_submitted = True

    def record_quality_check(self, actor: Actor, at: datetime, *, check: QualityCheck) -> None:
        """A hearing attended, the authority's opinion asked or the recipient called back (庭审旁听、征询意见、回访)."""
        self._quality_checked(by=actor.record(), **quality.check_quality_check(self, actor, at, check))

    @event("QualityCheckRecorded")
    def _quality_checked(self, by: By, at: str, kind: str, reviewer: str, satisfactory: bool, notes: str) -> None:
        self.quality_checks += 1

    def review_closing_file(self, actor: Actor, at: datetime, *, reviewer: str, grade: FileGrade, opinion: str) -> None:
        """The first-receiving institution reviews the lawyer's file within 30 days (卷宗审查), grading it; payment follows."""
        when = closing.check_file_review(self, actor, at)
        self._file_reviewed(by=actor.record(), at=when, reviewer=required(reviewer, "审查人"), grade=grade.value, opinion=opinion)

    @event("ClosingFileReviewed")
    def _file_reviewed(self, by: By, at: str, reviewer: str, grade: str, opinion: str) -> None:
        self.file_grade = grade

    def archive(self, actor: Actor, at: datetime, *, archive_number: str) -> None:
        """The first-receiving institution archives the case file, whoever handled it (000 三(二))."""
        when = closing.check_archiving(self, actor, at)
        self._archived(by=actor.record(), at=when, archive_number=required(archive_number, "档案号"))

    @event("CaseArchived")
    def _archived(self, by: By, at: str, archive_number: str) -> None:
        self.archived = True

    def approve_above_band_subsidy(
        self, actor: Actor, at: datetime, *, kind: SubsidyKind, amount_fen: int, ground: AboveBandGround, reason: str
    ) -> None:
        """Above the band only for remote evidence gathering or difficult cases, approved by the head (001 二(三))."""
        when = closing.check_above_band_approval(self, actor, at, amount_fen)
        self._above_band_approved(
            by=actor.record(), at=when, kind=kind.value, amount_fen=amount_fen, ground=ground.value, reason=required(reason, "超标准理由")
        )

    @event("AboveBandSubsidyApproved")
    def _above_band_approved(self, by: By, at: str, kind: str, amount_fen: int, reason: str, ground: str = "") -> None:
        # `ground` is empty in approvals recorded before it was required.
        self.above_band_approvals[kind] = amount_fen

    def pay_subsidy(self, actor: Actor, at: datetime, *, payment: SubsidyPayment, policy: PolicyProfile) -> None:
        """The first-receiving institution pays the case subsidy (办案补贴) after reviewing the file, within the band unless approved."""
        when, paid = closing.check_subsidy(self, actor, at, payment, policy)
        self._subsidy_paid(by=actor.record(), at=when, **paid)

    @event("SubsidyPaid")
    def _subsidy_paid(self, by: By, at: str, kind: str, amount_fen: int, working_days: int, payee: str, reference: str) -> None:
        self.subsidies_paid[kind] = amount_fen


# The application is the one event that holds personal data; its class is made by @event above.
Case.ApplicationReceived.personal_data = APPLICANT_DATA  # type: ignore[attr-defined]
