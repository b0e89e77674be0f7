"""A centre's commands on its duty roster (值班律师排班表): putting a lawyer on duty at one of its district's
stations for some days, and taking one off a day; read by the HTTP routes and the CLI."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from domain.commands import Command
from domain.duty import Duty, StationKind
from domain.fields import Text
from domain.pool_commands import LicenceNumber

STATION = Field(description="court 人民法院, procuratorate 人民检察院, detention_centre 看守所 (of the centre's district)")


class ScheduleDuty(Command):
    """排班: a lawyer of the pool on duty at a station of the centre's district, from one day to another in a month."""

    station: StationKind = STATION
    first_day: date = Field(description="值班起始日")
    last_day: date | None = Field(default=None, description="值班截止日 (inclusive, the same month); default: the first day")
    lawyer: LicenceNumber

    def duty(self) -> Duty:
        return Duty(self.station, self.first_day, self.last_day or self.first_day, self.lawyer)


class WithdrawDuty(Command):
    """调班: take a lawyer off one day's duty at a station, saying why."""

    station: StationKind = STATION
    day: date = Field(description="值班日")
    lawyer: LicenceNumber
    reason: Text = Field(description="调班理由")
