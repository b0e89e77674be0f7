"""A real case walked through the ledger's commands, shared by the storage and CLI tests."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from domain.actor import SHANGHAI, Actor
from domain.closing_commands import Archive, Close, PaySubsidy, ReviewClosingFile, SubmitClosingFile
from domain.commands import (
    AppointLawyer,
    CaseCommand,
    DispatchMaterials,
    EnterOnPlatform,
    GrantAid,
    ReceiveApplication,
    ReceiveMaterials,
    RecordReviewOpinion,
    RequestTransfer,
    SignOffReview,
)
from domain.fields import Applicant, Hardship
from domain.lawyers import Specialty, lawyer_stream_id
from domain.pool_commands import RegisterLawyer
from domain.vocabulary import Channel, DispatchMethod, FileGrade, HardshipBasis, MatterKind, Recommendation, Role, SubsidyKind
from infrastructure.ledger import CaseLedger

FIRST_RECEIVING = "baotou-kundulun"  # 昆都仑区法律援助中心 accepts the application
HANDLING = "baotou-qingshan"  # 青山区法律援助中心, where the court sits, handles it
RECEIVED_AT = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)

APPLICANT = {
    "applicant_id": "applicant-0001",
    "name": "乌云其其格",
    "id_number": "150203198805061234",
    "phone": "13947200000",
    "address": "包头市昆都仑区钢铁大街 88 号",
}


def staff(institution: str) -> Actor:
    return Actor(institution, f"{institution}/caseworker", Role.STAFF)


def head(institution: str) -> Actor:
    return Actor(institution, f"{institution}/head", Role.HEAD)


def application(applicant: dict[str, str] | None = None) -> ReceiveApplication:
    return ReceiveApplication(
        channel=Channel.WINDOW,
        matter_kind=MatterKind.CIVIL,
        authority_name="青山区人民法院",
        authority_district="qingshan",
        cause_of_action="追索劳动报酬纠纷",
        applicant=Applicant(**(applicant or APPLICANT)),
        hardship=Hardship(basis=HardshipBasis.HARDSHIP_STATEMENT, household_monthly_income_fen=360_000, household_size=3),
    )


def receive(ledger: CaseLedger, at: datetime = RECEIVED_AT, applicant: dict[str, str] | None = None) -> UUID:
    return ledger.receive_application(application(applicant), staff(FIRST_RECEIVING), at)


BUREAU = Actor("baotou-bureau", "律师工作科", Role.BUREAU)
POOL_REGISTERED = datetime(2026, 1, 5, 9, 0, tzinfo=SHANGHAI)
LAWYER = "11502201810123456"  # 张律师 of a Qingshan firm, criminal and civil, criminal practice since 2018


def pool_lawyer(licence: str, name: str, district: str, specialties: list[Specialty], since: date | None) -> RegisterLawyer:
    return RegisterLawyer(
        licence_number=licence,
        name=name,
        firm=f"内蒙古慧丰律师事务所{district}分所",
        firm_district=district,
        office_address=f"{district} 幸福路 1 号",
        office_phone="0472-1234567",
        specialties=specialties,
        criminal_practice_since=since,
        verification="执业证及办案记录核验",
    )


POOL = (
    pool_lawyer(LAWYER, "张律师", "qingshan", [Specialty.CRIMINAL, Specialty.CIVIL], date(2018, 5, 1)),
    pool_lawyer("11502202010000002", "李律师", "qingshan", [Specialty.CRIMINAL, Specialty.CIVIL, Specialty.MINORS], date(2020, 3, 1)),
    pool_lawyer("11502202410000003", "王律师", "kundulun", [Specialty.CRIMINAL, Specialty.CIVIL], date(2024, 9, 1)),
)


def register_pool(ledger: CaseLedger) -> None:
    """The bureau registers the walkthrough's three lawyers, once."""
    for command in POOL:
        if not ledger.recorder.select_events(lawyer_stream_id(ledger.policy.city, command.licence_number), limit=1):
            ledger.register_lawyer(command, BUREAU, POOL_REGISTERED)


def whole_life_steps() -> list[tuple[CaseCommand, Actor]]:
    """Each step of a whole case's life after its receipt, with who takes it."""
    return [
        (RequestTransfer(to_institution=HANDLING, applicant_consent=True), staff(FIRST_RECEIVING)),
        (DispatchMaterials(method=DispatchMethod.ELECTRONIC, reference="EMS-1"), staff(FIRST_RECEIVING)),
        (ReceiveMaterials(), staff(HANDLING)),
        (RecordReviewOpinion(reviewer="审查员", opinion="材料齐全", recommendation=Recommendation.GRANT), staff(HANDLING)),
        (SignOffReview(), head(HANDLING)),
        (EnterOnPlatform(platform_number="NMG-2026-1"), staff(HANDLING)),
        (GrantAid(document_number="青援决字〔2026〕1号"), staff(HANDLING)),
        (AppointLawyer(client_choice=LAWYER), staff(HANDLING)),
        (Close(outcome="调解结案", amount_recovered_fen=1_250_000), staff(HANDLING)),
        (SubmitClosingFile(pages=32), staff(FIRST_RECEIVING)),
        (ReviewClosingFile(reviewer="审查员", grade=FileGrade.GOOD, opinion="卷宗完整"), staff(FIRST_RECEIVING)),
        (
            PaySubsidy(kind=SubsidyKind.CIVIL_ADMINISTRATIVE_CASE, amount_fen=150_000, payee="张律师", reference="PAY-1"),
            staff(FIRST_RECEIVING),
        ),
        (Archive(archive_number="昆档-2026-1"), staff(FIRST_RECEIVING)),
    ]


def walk(ledger: CaseLedger, until: type[CaseCommand] | None = None) -> UUID:
    """Received in Kundulun, transferred to Qingshan, granted, appointed, closed, archived and paid
    (or walked only as far as the step `until`)."""
    register_pool(ledger)
    case_id = receive(ledger)
    t = RECEIVED_AT
    for command, actor in whole_life_steps():
        t += timedelta(hours=5)
        ledger.act(case_id, command, actor, t)
        if isinstance(command, until or ()):
            break
    return case_id


WHOLE_CASE_RECORDS = 1 + len(whole_life_steps())  # the application and each step of a whole case's life


def walk_whole_case(ledger: CaseLedger) -> UUID:
    return walk(ledger)


def appointed_case(ledger: CaseLedger) -> UUID:
    """A case transferred to Qingshan, granted, with a lawyer appointed: ready for a change of lawyer."""
    return walk(ledger, until=AppointLawyer)
