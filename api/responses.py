"""The shapes of the API's answers, as the document states them and the handlers return them."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar
from uuid import UUID

from pydantic import BaseModel, Field

from domain.case_status import CaseStatus
from domain.decision import Decision
from domain.vocabulary import Channel, KeyGroup, MatterKind, SubsidyKind


class Received(BaseModel):
    """受理 The new case, at version 1."""

    case_id: UUID
    version: int = Field(description="案件版本 The case's version (its ETag)")


class CommandAnswer(BaseModel):
    """办理 A command recorded: the case's new version and the command's name."""

    case_id: UUID
    version: int = Field(description="案件版本 The case's version after the command (its ETag)")
    action: str = Field(description="The command recorded, e.g. grant_aid")


class ConsultationsRecorded(BaseModel):
    """咨询登记 The line written in the institution's register of the month."""

    institution: str
    month: str = Field(description="e.g. 2026-03")
    line: int = Field(description="行号 The line's number in the register (to strike it out)")
    version: int


class Erased(BaseModel):
    """删除个人信息 The applicant's data key destroyed; the cases it sealed."""

    applicant_id: str
    cases: list[UUID]


# ---------------------------------------------------------------------------------------------- reads
class CaseListItem(BaseModel):
    case_id: UUID
    first_receiving: str = Field(description="首次受理机构 The first-receiving institution's id")
    handling: str = Field(description="承办机构 The handling institution's id")
    involved: list[str] = Field(description="Every institution with a part in the case (who may read it)")
    matter_kind: MatterKind
    status: CaseStatus
    received_at: dt.datetime
    last_at: dt.datetime = Field(description="The time of the case's last action")
    version: int


class CasePage(BaseModel):
    """案件列表 A page of cases, newest first."""

    page: int
    page_size: int
    total: int = Field(description="Cases matching the filters, on every page")
    items: list[CaseListItem]


class CaseState(BaseModel):
    """案件 A case as its records say, at its version (its ETag)."""

    case_id: UUID
    version: int
    status: CaseStatus
    matter_kind: MatterKind
    cause_of_action: str = Field(description="案由或罪名; empty for cases received before it was recorded")
    channel: Channel
    notice: dict[str, Any] | None = Field(description="通知辩护/代理: the authority's notice, its ground and legal basis")
    authority_informed: bool
    first_receiving_institution: str
    handling_institution: str
    received_at: dt.datetime
    last_action_at: dt.datetime
    authority: dict[str, str] = Field(description="办案机关: name, district and case number")
    key_groups: list[KeyGroup]
    applicant: dict[str, Any] = Field(description="申请人; name, id number, phone and address [hidden] from who may not see them")
    decision: Decision | None
    lawyer: dict[str, Any] | None = Field(description="The lawyer appointed now, with the assignment's reasons")
    closed: dict[str, Any] | None = Field(description="结案: outcome, amount recovered, time")
    archived: bool
    subsidies_paid_fen: dict[SubsidyKind, int] = Field(description="Subsidies paid, in fen, by kind")
    transfer: dict[str, Any] | None
    designated_institution: str | None


class TimelineRecord(BaseModel):
    version: int
    type: str = Field(description="The record's kind, e.g. AidGranted")
    occurred_at: dt.datetime | None
    recorded_at: dt.datetime | None
    institution: str | None = Field(description="The institution that acted and signed")
    person: str | None
    verified: bool = Field(description="Signed by a key valid for the institution then, chained to the previous record")
    problems: list[str]
    record_hash: str


class CaseHistory(BaseModel):
    """案件记录 The case's records, each checked, and its state now."""

    case_id: UUID
    verified: bool
    timeline: list[TimelineRecord]
    state: CaseState


class WorkItem(BaseModel):
    status: str = Field(description="overdue, due_soon, provisional or open")
    rule: str = Field(description="The limit's rule, e.g. TRANSFER")
    rule_description: str = Field(description="The rule in words, e.g. 受理后2个工作日内转交材料")
    case_id: str = Field(description="The case (or, for a complaint's limits, the complaint)")
    rule_key: str
    rule_id: str
    started_at: dt.datetime
    due_day: dt.date
    provisional: bool = Field(description="Due on a day the holiday calendar has not yet published")
    done_at: dt.datetime | None
    stopped_at: dt.datetime | None
    responsible: str = Field(description="The institution that must act")
    first_receiving: str
    paused_at: dt.datetime | None
    resumed_at: dt.datetime | None
    case_status: CaseStatus | None = None
    matter_kind: MatterKind | None = None
    authority_name: str | None = None
    applicant_name: str | None = Field(default=None, description="Only to those who may see the case's personal data")


class Worklist(BaseModel):
    """待办 The institution's open limits, overdue first, then due soonest."""

    institution: str
    date: dt.date
    items: list[WorkItem]


class RuleCompliance(BaseModel):
    total: int
    met: int
    missed: int = Field(description="Done, but after the limit")
    overdue: int = Field(description="Not done, and past the limit")
    stopped: int = Field(description="No longer owed (withdrawn, transferred, ended)")
    open: int
    late: int = Field(description="missed + overdue")
    rate: float | None = Field(description="met / (met + missed + overdue); none when none was judged")


class Compliance(BaseModel):
    """期限合规 Per rule, the limits due in the period, as of the end of `as_of`."""

    institution: str | None
    period: str | None
    as_of: dt.date
    rules: dict[str, RuleCompliance]


class MonthCompliance(BaseModel):
    month: str = Field(description="e.g. 2026-03")
    all: RuleCompliance = Field(description="Every rule together")
    rules: dict[str, RuleCompliance]


class ComplianceByMonth(BaseModel):
    """期限合规趋势 For each month limits fell due in."""

    institution: str | None
    period: str | None
    as_of: dt.date
    months: list[MonthCompliance]


Shaped = TypeVar("Shaped", Received, CommandAnswer, ConsultationsRecorded)
