"""Consultations (法律咨询): what an institution answered at its window, on the 12348 hotline, online or
out in the villages and communities, counted per institution and day (Baotou 2022: 7,323, seed 003).

No personal data: a line of the register holds a day, closed vocabularies and counts, and no free text in
which a name or a telephone number could slip. A person who then applies is recorded by the application
(ReceiveApplication), whose personal data the vault keeps. How many were within legal aid's scope and
told how to apply (告知申请程序, seed 004) is counted beside.

Each institution keeps one register a month (咨询登记簿), its own stream signed by the institution. A line
counts consultations of one day, channel and topic; a line entered wrongly is struck out (更正) by a later
record saying why, never altered. A register is a list, not a process: lines of different days may be
entered in any order (last Tuesday's outreach sheet after today's window), so no line is refused for its
time, and lines commute: two clerks recording at once both land (the ledger retries the second).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.actor import SHANGHAI, Actor, iso
from domain.errors import DomainError
from domain.fields import By
from domain.guards import required
from domain.network import Directory


class ConsultationChannel(StrEnum):
    """How the person asked (咨询方式)."""

    WALK_IN = "walk_in"  # 来访（便民服务窗口）
    HOTLINE = "hotline"  # 12348 热线
    ONLINE = "online"  # 网络（网站、微信、客户端）
    OUTREACH = "outreach"  # 上门、进村居（巡回咨询）

    @property
    def zh(self) -> str:
        return {"walk_in": "来访", "hotline": "12348热线", "online": "网络", "outreach": "上门"}[self.value]


class ConsultationTopic(StrEnum):
    """What it was about (咨询事项类别), for the consultation reports to the bureau (咨询类舆情分析, seed 004)."""

    LABOUR = "labour"  # 劳动争议
    UNPAID_WAGES = "unpaid_wages"  # 农民工欠薪
    FAMILY = "family"  # 婚姻家事
    INJURY = "injury"  # 人身损害（交通事故、医疗、工伤）
    CIVIL = "civil"  # 其他民事
    CRIMINAL = "criminal"  # 刑事
    ADMINISTRATIVE = "administrative"  # 行政
    OTHER = "other"  # 其他

    @property
    def zh(self) -> str:
        return _TOPICS_ZH[self.value]


_TOPICS_ZH = {
    "labour": "劳动争议",
    "unpaid_wages": "农民工欠薪",
    "family": "婚姻家事",
    "injury": "人身损害",
    "civil": "其他民事",
    "criminal": "刑事",
    "administrative": "行政",
    "other": "其他",
}


def month_of(day: date) -> str:
    return f"{day:%Y-%m}"


def register_stream_id(city: str, institution: str, month: str) -> UUID:
    """One register per institution and month: a month's lines are read and chained together."""
    return uuid5(NAMESPACE_URL, f"tongban:consultations:{city}:{institution}:{month}")


@dataclass(frozen=True)
class ConsultationLine:
    """One line of the register: `count` consultations of one day, channel and topic."""

    day: date
    channel: ConsultationChannel
    topic: ConsultationTopic
    count: int
    told_how_to_apply: int = 0  # within legal aid's scope, and told how to apply (告知申请程序)


class ConsultationRegister(Aggregate):
    """An institution's consultation register for one month (咨询登记簿)."""

    @staticmethod
    def create_id(city: str, institution: str, month: str, **_: Any) -> UUID:
        return register_stream_id(city, institution, month)

    @classmethod
    def open(cls, actor: Actor, at: datetime, city: str, day: date, directory: Directory) -> ConsultationRegister:
        """The first line of a month opens its register, for the actor's own institution."""
        directory.get(actor.institution_id)  # UNKNOWN_INSTITUTION
        register: ConsultationRegister = cls(
            city=city, institution=actor.institution_id, month=month_of(day), by=actor.record(), at=iso(at)
        )
        return register

    @event("Opened")
    def __init__(self, city: str, institution: str, month: str, by: By, at: str) -> None:
        self.institution, self.month = institution, month
        self.lines: list[ConsultationLine] = []
        self.struck: set[int] = set()  # line numbers, from 1

    def record(self, actor: Actor, at: datetime, line: ConsultationLine) -> int:
        """登记: add a line; returns its number in the register."""
        self._own(actor)
        if month_of(line.day) != self.month:
            raise DomainError("NOT_THIS_MONTH", f"该登记簿只登记 {self.month} 的咨询 (this register holds {self.month} only).")
        if line.day > at.astimezone(SHANGHAI).date():
            raise DomainError(
                "CONSULTED_IN_FUTURE", f"咨询日期 {line.day} 晚于登记时间 (consultations are recorded on or after their day)."
            )
        if not 0 <= line.told_how_to_apply <= line.count:
            raise DomainError(
                "MORE_TOLD_THAN_CONSULTED",
                f"告知申请程序的人次 {line.told_how_to_apply} 不能超过咨询人次 {line.count} (told how to apply cannot exceed the count).",
            )
        self._recorded(
            day=line.day.isoformat(),
            channel=line.channel.value,
            topic=line.topic.value,
            count=line.count,
            told_how_to_apply=line.told_how_to_apply,
            by=actor.record(),
            at=iso(at),
        )
        return len(self.lines)

    @event("Recorded")
    def _recorded(self, day: str, channel: str, topic: str, count: int, told_how_to_apply: int, by: By, at: str) -> None:
        line = ConsultationLine(date.fromisoformat(day), ConsultationChannel(channel), ConsultationTopic(topic), count, told_how_to_apply)
        self.lines.append(line)

    def strike(self, actor: Actor, at: datetime, line: int, reason: str) -> None:
        """更正: strike out a line entered wrongly, saying why; the line stays on record, uncounted."""
        self._own(actor)
        if not 1 <= line <= len(self.lines):
            raise DomainError("LINE_NOT_FOUND", f"{self.month} 登记簿没有第 {line} 行 (the register has no line {line}).")
        if line in self.struck:
            raise DomainError("LINE_ALREADY_STRUCK", f"第 {line} 行已更正 (line {line} was already struck out).")
        self._struck(line=line, reason=required(reason, "更正理由"), by=actor.record(), at=iso(at))

    @event("Struck")
    def _struck(self, line: int, reason: str, by: By, at: str) -> None:
        self.struck.add(line)

    @property
    def counted(self) -> int:
        """Consultations the register counts (lines struck out aside)."""
        return sum(line.count for n, line in enumerate(self.lines, 1) if n not in self.struck)

    def _own(self, actor: Actor) -> None:
        if actor.institution_id != self.institution:
            raise DomainError(
                "NOT_YOUR_REGISTER", f"这是 {self.institution} 的咨询登记簿 (only {self.institution} records in its own register)."
            )
