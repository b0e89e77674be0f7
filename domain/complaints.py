"""Complaints (投诉, LAL 55–56; 法律援助投诉处理办法): an applicant, a recipient or an interested party says an
institution or a lawyer did not do their duty in a case, and a justice bureau accepts, investigates and
decides it, telling the complainant the result.

Each complaint is an aggregate of its own, numbered by the bureau (投诉编号) and signed by it: a stream
apart from the case, as the bureau's complaint file is apart from the case file. The bureau that set up
the institution complained of handles it (属地管理; for a lawyer, the bureau over the institution that
appointed them), or the city's bureau. The time limits are the policy profile's (COMPLAINT_ACCEPT,
COMPLAINT); the deadline projection counts them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor, iso
from domain.errors import DomainError
from domain.fields import By
from domain.guards import in_order, required
from domain.network import Directory

if TYPE_CHECKING:
    from domain.case import Case


class Complainant(StrEnum):
    """Who complains (投诉人); the record names the role, not the person (their data stays with the case)."""

    APPLICANT = "applicant"  # 法律援助申请人
    RECIPIENT = "recipient"  # 受援人
    INTERESTED_PARTY = "interested_party"  # 利害关系人


class RespondentKind(StrEnum):
    """Who is complained of (被投诉人)."""

    INSTITUTION = "institution"  # 法律援助机构
    LAWYER = "lawyer"  # 法律援助人员（律师）


class ComplaintOutcome(StrEnum):
    """The bureau's finding (处理结果)."""

    SUBSTANTIATED = "substantiated"  # 投诉成立
    PARTLY_SUBSTANTIATED = "partly_substantiated"  # 部分成立
    UNSUBSTANTIATED = "unsubstantiated"  # 投诉不成立

    @property
    def upheld(self) -> bool:
        return self is not ComplaintOutcome.UNSUBSTANTIATED


def complaint_stream_id(city: str, number: str) -> UUID:
    """One stream per complaint number: the same complaint is not recorded twice."""
    return uuid5(NAMESPACE_URL, f"tongban:complaint:{city}:{number}")


@dataclass(frozen=True)
class CaseFacts:
    """What a complaint is checked against: the case's institutions and every lawyer appointed in it."""

    case_id: UUID
    institutions: frozenset[str]
    handling_institution: str
    lawyers: frozenset[str]  # licence numbers (执业证号)

    @classmethod
    def of(cls, case: Case) -> CaseFacts:
        return cls(case.id, case.involved_institutions, case.handling_institution, frozenset(case.lawyers_appointed))


@dataclass(frozen=True)
class ComplaintFiling:
    number: str  # 投诉编号, the bureau's
    received_on: date  # the day the complaint arrived (收到投诉之日)
    complainant: Complainant
    respondent_kind: RespondentKind
    respondent: str  # an institution id, or a lawyer's licence number
    facts: str  # 投诉事实和理由
    request: str  # 投诉请求


class Complaint(Aggregate):
    """A complaint from acceptance (受理) to the decision told to the complainant (处理并答复)."""

    @staticmethod
    def create_id(city: str, number: str, **_: Any) -> UUID:
        return complaint_stream_id(city, number)

    @classmethod
    def accept(cls, actor: Actor, at: datetime, city: str, filing: ComplaintFiling, case: CaseFacts, directory: Directory) -> Complaint:
        """The competent bureau accepts a complaint about someone who acted in the case."""
        if filing.received_on > at.date():
            raise DomainError(
                "RECEIVED_AFTER_ACCEPTANCE", "收到投诉的日期不能晚于受理时间 (a complaint is received before it is accepted)."
            )
        if filing.respondent_kind is RespondentKind.INSTITUTION:
            if filing.respondent not in case.institutions:
                raise DomainError(
                    "NOT_OF_THIS_CASE", f"{filing.respondent} 未参与该案 (the institution complained of had no part in the case)."
                )
            answerable = filing.respondent
        else:
            if filing.respondent not in case.lawyers:
                raise DomainError(
                    "NOT_OF_THIS_CASE", f"律师 {filing.respondent} 未被指派办理该案 (that lawyer was never appointed in the case)."
                )
            answerable = case.handling_institution
        bureau = _competent(actor, directory, answerable)
        complaint: Complaint = cls(
            city=city,
            number=required(filing.number, "投诉编号"),
            case_id=str(case.case_id),
            received_on=filing.received_on.isoformat(),
            complainant=filing.complainant.value,
            respondent_kind=filing.respondent_kind.value,
            respondent=filing.respondent,
            answerable_institution=answerable,
            bureau=bureau,
            facts=required(filing.facts, "投诉事实和理由"),
            request=filing.request.strip(),
            by=actor.record(),
            at=iso(at),
        )
        return complaint

    @event("Accepted")
    def __init__(
        self,
        city: str,
        number: str,
        case_id: str,
        received_on: str,
        complainant: str,
        respondent_kind: str,
        respondent: str,
        answerable_institution: str,
        bureau: str,
        facts: str,
        request: str,
        by: By,
        at: str,
    ) -> None:
        self.number, self.case_id, self.bureau = number, case_id, bureau
        self.respondent_kind, self.respondent, self.answerable_institution = (
            RespondentKind(respondent_kind),
            respondent,
            answerable_institution,
        )
        self.findings: list[str] = []
        self.outcome: ComplaintOutcome | None = None
        self.last_at = at

    def investigate(self, actor: Actor, at: datetime, findings: str) -> None:
        """调查核实: what the bureau found, from the file, the parties or the authority; as often as needed."""
        when = self._by_bureau_while_open(actor, at)
        self._investigated(findings=required(findings, "调查情况"), by=actor.record(), at=when)

    @event("Investigated")
    def _investigated(self, findings: str, by: By, at: str) -> None:
        self.findings.append(findings)
        self.last_at = at

    def decide(self, actor: Actor, at: datetime, outcome: ComplaintOutcome, measures: str, reply_reference: str) -> None:
        """处理决定: the finding, what is done about it (批评教育、责令改正、更换律师、移送处罚...) and the written
        reply to the complainant. A complaint is decided once."""
        when = self._by_bureau_while_open(actor, at)
        if outcome.upheld and not measures.strip():
            raise DomainError("MEASURES_REQUIRED", "投诉成立的，须写明处理措施 (a complaint upheld needs the measures taken).")
        self._decided(
            outcome=outcome.value,
            measures=measures.strip(),
            reply_reference=required(reply_reference, "答复文书编号"),
            by=actor.record(),
            at=when,
        )

    @event("Decided")
    def _decided(self, outcome: str, measures: str, reply_reference: str, by: By, at: str) -> None:
        self.outcome = ComplaintOutcome(outcome)
        self.last_at = at

    def _by_bureau_while_open(self, actor: Actor, at: datetime) -> str:
        if actor.institution_id != self.bureau:
            raise DomainError(
                "NOT_HANDLING_BUREAU", f"本投诉由 {self.bureau} 处理 (only the bureau that accepted the complaint may act on it)."
            )
        if self.outcome is not None:
            raise DomainError("COMPLAINT_ALREADY_DECIDED", "该投诉已作出处理决定 (the complaint was already decided).")
        return in_order(self, at, ("该投诉", "the complaint's"))


def _competent(actor: Actor, directory: Directory, answerable: str) -> str:
    """The bureau that set up the institution answerable (属地管理), or the city's bureau."""
    over = directory.bureau_over(answerable) if directory.is_centre(answerable) else directory.bureau()
    if actor.institution_id not in (over.institution_id, directory.bureau().institution_id):
        raise DomainError(
            "NOT_COMPETENT_BUREAU",
            f"该投诉应由 {over.name} 或市司法局受理 (only {over.institution_id} or the city's bureau may accept this complaint).",
        )
    return actor.institution_id
