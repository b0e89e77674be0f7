"""The commands after the case is closed (结案之后): the closing, the lawyer's file, its quality, archiving and
the subsidy. Defined as every case command is (domain/commands.py), which imports this module so that
`CASE_COMMANDS` always holds them, in the order of a case's life."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from domain.actor import Actor
from domain.case import Case
from domain.closing import SubsidyPayment
from domain.commands import CaseCommand, Context
from domain.fields import Fen, Printable, Text, short_text
from domain.quality import QualityCheck
from domain.vocabulary import AboveBandGround, FileGrade, QualityCheckKind, Role, SubsidyKind


class Close(CaseCommand, path="closure"):
    """结案."""

    outcome: Text = Field(description="结案情况")
    amount_recovered_fen: Fen = 0

    def run(self, case: Case, actor: Actor, at: datetime, context: Context) -> None:
        case.close(actor, at, outcome=self.outcome, amount_recovered_fen=self.amount_recovered_fen)


class SubmitClosingFile(CaseCommand, path="closing-file"):
    """提交结案材料 (立卷材料)."""

    pages: int = Field(ge=1, le=100_000, description="卷宗页数")

    def run(self, case: Case, actor: Actor, at: datetime, context: Context) -> None:
        case.submit_closing_file(actor, at, pages=self.pages)


class RecordQualityCheck(CaseCommand, path="quality-check"):
    """质量评查: a hearing attended (庭审旁听), the authority's opinion asked (征询办案机关意见) or the recipient
    called back after closing (回访), by the first-receiving or the handling institution."""

    kind: QualityCheckKind = Field(description="hearing_attendance 庭审旁听, authority_opinion 征询意见, follow_up_call 回访")
    reviewer: Text = Field(description="评查人")
    satisfactory: bool = Field(description="满意/认可: the lawyer's work was satisfactory, or on a call the recipient was satisfied")
    notes: Printable = short_text(2000, "评查记录")

    def run(self, case: Case, actor: Actor, at: datetime, context: Context) -> None:
        case.record_quality_check(actor, at, check=QualityCheck(self.kind, self.reviewer, self.satisfactory, self.notes))


class ReviewClosingFile(CaseCommand, path="closing-file-review"):
    """卷宗审查: the first-receiving institution reviews and grades the lawyer's file; the subsidy follows."""

    reviewer: Text = Field(description="审查人")
    grade: FileGrade = Field(description="质量等级: excellent 优秀, good 良好, qualified 合格, unqualified 不合格")
    opinion: Printable = short_text(2000, "审查意见")

    def run(self, case: Case, actor: Actor, at: datetime, context: Context) -> None:
        case.review_closing_file(actor, at, reviewer=self.reviewer, grade=self.grade, opinion=self.opinion)


class Archive(CaseCommand, path="archiving"):
    """归档 (first-receiving institution)."""

    archive_number: Text = Field(description="档案号")

    def run(self, case: Case, actor: Actor, at: datetime, context: Context) -> None:
        case.archive(actor, at, archive_number=self.archive_number)


class ApproveAboveBandSubsidy(CaseCommand, path="above-band-approval", acts_as=Role.HEAD):
    """超标准补贴审批 (head of the first-receiving institution), on one of the two grounds of 001 二(三)."""

    kind: SubsidyKind
    amount_fen: Fen
    ground: AboveBandGround = Field(description="异地取证 remote_evidence_gathering, or 疑难复杂 difficult_or_complex")
    reason: Text

    def run(self, case: Case, actor: Actor, at: datetime, context: Context) -> None:
        case.approve_above_band_subsidy(actor, at, kind=self.kind, amount_fen=self.amount_fen, ground=self.ground, reason=self.reason)


class PaySubsidy(CaseCommand, path="subsidy-payment"):
    """办案补贴 (first-receiving institution)."""

    kind: SubsidyKind
    amount_fen: Fen
    payee: Text
    reference: Text
    working_days: int = Field(default=1, ge=1, le=366, description="值班天数, for duty-lawyer subsidies")

    def run(self, case: Case, actor: Actor, at: datetime, context: Context) -> None:
        payment = SubsidyPayment(self.kind, self.amount_fen, self.payee, self.reference, self.working_days)
        case.pay_subsidy(actor, at, payment=payment, policy=context.policy)
