"""The bureau's commands on complaints (投诉): accepting one, and the table of what may follow, read by the
HTTP routes and the CLI as domain/commands.py is for cases."""

from __future__ import annotations

from abc import abstractmethod
from datetime import date, datetime
from uuid import UUID

from pydantic import Field

from domain.actor import Actor
from domain.commands import Command, Context, KeyedCommand
from domain.complaints import CaseFacts, Complainant, Complaint, ComplaintFiling, ComplaintOutcome, RespondentKind
from domain.fields import Printable, Text, short_text


class AcceptComplaint(Command):
    """受理投诉: the bureau that set up the institution complained of (or the city's bureau) accepts a
    complaint about an institution or a lawyer of a case (LAL 55–56)."""

    number: Text = Field(description="投诉编号, the bureau's, e.g. 包司投〔2026〕12号")
    case_id: UUID = Field(description="The case the complaint is about")
    received_on: date = Field(description="收到投诉之日: the acceptance deadline counts from it")
    complainant: Complainant = Field(description="投诉人: applicant 申请人, recipient 受援人, interested_party 利害关系人")
    respondent_kind: RespondentKind = Field(description="被投诉人: institution 法律援助机构, lawyer 律师")
    respondent: Text = Field(description="An institution id, or the lawyer's licence number (执业证号)")
    facts: Text = Field(description="投诉事实和理由")
    request: Printable = short_text(2000, "投诉请求")

    def open(self, actor: Actor, at: datetime, context: Context, case: CaseFacts) -> Complaint:
        filing = ComplaintFiling(
            self.number, self.received_on, self.complainant, self.respondent_kind, self.respondent, self.facts, self.request
        )
        return Complaint.accept(actor, at, context.policy.city, filing, case, context.directory)


COMPLAINT_COMMANDS: dict[str, type[ComplaintCommand]] = {}  # path under /complaints/{number}/ -> command


class ComplaintCommand(KeyedCommand, table=COMPLAINT_COMMANDS):
    """A step on an accepted complaint; `class X(ComplaintCommand, path="decision")` registers it."""

    @abstractmethod
    def run(self, complaint: Complaint, actor: Actor, at: datetime) -> None:
        """Ask the complaint to change (one event) or refuse."""


class InvestigateComplaint(ComplaintCommand, path="investigation"):
    """调查核实: what the bureau found."""

    findings: Text = Field(description="调查情况")

    def run(self, complaint: Complaint, actor: Actor, at: datetime) -> None:
        complaint.investigate(actor, at, self.findings)


class DecideComplaint(ComplaintCommand, path="decision"):
    """处理决定并答复投诉人: the finding, the measures taken and the written reply."""

    outcome: ComplaintOutcome = Field(description="substantiated 成立, partly_substantiated 部分成立, unsubstantiated 不成立")
    measures: Printable = short_text(2000, "处理措施, e.g. 批评教育、责令改正、更换律师、移送处罚 (required when upheld)")
    reply_reference: Text = Field(description="答复文书编号")

    def run(self, complaint: Complaint, actor: Actor, at: datetime) -> None:
        complaint.decide(actor, at, self.outcome, self.measures, self.reply_reference)
