"""The shapes of the registers' reads and answers, as the API document states them: the lawyer pool (律师库), complaints
(投诉), consultations (咨询登记簿) and duty rosters (值班排班表)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


class PoolLawyer(BaseModel):
    stream: str
    licence_number: str = Field(description="执业证号")
    name: str
    firm: str
    firm_district: str
    specialties: list[str] = Field(description="Verified specialties")
    criminal_practice_since: dt.date | None
    status: str = Field(description="active, suspended...")
    turns: int = Field(description="Appointments taken (轮派)")
    last_turn: int
    open_cases: int
    excellent: int = Field(description="Files graded 优秀")
    good: int
    qualified: int
    unqualified: int
    complaints: int = Field(description="Complaints accepted about the lawyer")
    complaints_upheld: int


class LawyerPool(BaseModel):
    """律师库 The pool, filtered."""

    total: int
    lawyers: list[PoolLawyer]


class ComplaintLine(BaseModel):
    stream: str
    number: str
    case_id: str
    complainant: str
    respondent_kind: str
    respondent: str
    answerable_institution: str
    bureau: str
    received_on: dt.date
    accepted_at: dt.datetime
    investigations: int
    decided_at: dt.datetime | None
    outcome: str | None


class ComplaintList(BaseModel):
    """投诉列表 Newest first."""

    total: int
    complaints: list[ComplaintLine]


class ConsultationDay(BaseModel):
    institution: str
    day: dt.date
    total: int
    told_how_to_apply: int
    walk_in: int
    hotline: int
    online: int
    outreach: int


class Consultations(BaseModel):
    """咨询统计 By channel and topic, and per institution and day."""

    period: str | None
    institution: str | None
    total: int
    by_channel: dict[str, int]
    by_topic: dict[str, int]
    told_how_to_apply: int
    total_seed_2022: int
    days: list[ConsultationDay]


class LawyerDetail(BaseModel):
    """律师 A lawyer as their signed records say; the pool's counts once they have a line in it."""

    licence_number: str
    name: str
    firm: str
    firm_district: str
    office_address: str
    office_phone: str
    specialties: list[str]
    criminal_practice_since: dt.date | None
    criminal_practice_years: int
    status: str
    version: int
    turns: int | None = None
    open_cases: int | None = None
    excellent: int | None = None
    good: int | None = None
    qualified: int | None = None
    unqualified: int | None = None
    complaints: int | None = None
    complaints_upheld: int | None = None


class ComplaintDetail(ComplaintLine):
    """投诉 One complaint with its findings."""

    findings: list[str]
    version: int


class RegisterEntry(BaseModel):
    line: int
    day: dt.date
    channel: str
    topic: str
    count: int
    told_how_to_apply: int
    struck: bool = Field(description="Struck out: on record, not counted")


class ConsultationRegister(BaseModel):
    """咨询登记簿 One institution's register of a month."""

    institution: str
    month: str
    version: int
    counted: int
    lines: list[RegisterEntry]


class Duty(BaseModel):
    district: str
    station: str
    day: dt.date
    lawyer: str
    institution: str
    withdrawn: bool


class Duties(BaseModel):
    """值班安排 Who is on duty where."""

    total: int
    duties: list[Duty]


class RosterDay(BaseModel):
    day: dt.date
    station: str
    lawyers: list[str]


class Roster(BaseModel):
    """值班排班表 A centre's roster of a month, as its signed records say."""

    institution: str
    district: str
    month: str
    version: int
    on_duty: list[RosterDay]
