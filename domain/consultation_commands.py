"""An institution's commands on its consultation register (咨询登记簿): recording a line and striking one out,
read by the HTTP routes and the CLI as domain/commands.py is for cases."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from domain.actor import SHANGHAI, check_supported
from domain.commands import Command
from domain.consultations import ConsultationChannel, ConsultationLine, ConsultationTopic
from domain.fields import Text


class RecordConsultations(Command):
    """咨询登记: consultations of one day, channel and topic, counted; no personal data (an application that
    follows records the person)."""

    day: date | None = Field(default=None, description="咨询日期; default: the day the line is recorded")
    channel: ConsultationChannel = Field(description="walk_in 来访, hotline 12348热线, online 网络, outreach 上门/进村居")
    topic: ConsultationTopic = Field(
        description="labour 劳动争议, unpaid_wages 农民工欠薪, family 婚姻家事, injury 人身损害, civil 其他民事, "
        "criminal 刑事, administrative 行政, other 其他"
    )
    count: int = Field(default=1, ge=1, le=1000, description="咨询人次")
    told_how_to_apply: int = Field(default=0, ge=0, le=1000, description="其中属于法律援助范围、已告知申请程序的人次")

    def line(self, at: datetime) -> ConsultationLine:
        day = self.day or at.astimezone(SHANGHAI).date()
        check_supported(day)
        return ConsultationLine(day, self.channel, self.topic, self.count, self.told_how_to_apply)


class StrikeConsultationLine(Command):
    """更正: strike out a line of the institution's register entered wrongly, saying why."""

    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="登记簿月份, e.g. 2026-11")
    line: int = Field(ge=1, le=1_000_000, description="行号, as answered when the line was recorded")
    reason: Text = Field(description="更正理由")
