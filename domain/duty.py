"""Duty lawyers (值班律师, LAL 30): lawyers of the pool on duty at the legal aid stations in courts,
procuratorates and detention centres (seed 003: Baotou has them in 12 courts, 12 procuratorates and 7
detention centres), giving legal help to suspects and defendants who have no lawyer.

The centre of a district keeps the roster (值班排班表) of its district's stations, one stream a month signed
by the centre: who is on duty where, from which day to which. A station is named by its kind and district
(青山区人民法院); courts beyond one a district (a railway court, a development zone's) are not modelled. A
duty-lawyer matter is designated from the roster: a lawyer on duty at the station of the case's authority
that day (domain/assignment.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor, iso
from domain.errors import DomainError
from domain.fields import By
from domain.guards import required
from domain.lawyers import LawyerProfile, Specialty, not_on_roll
from domain.network import MUNICIPAL_DISTRICT, Directory


class StationKind(StrEnum):
    """Where a duty lawyer sits (法律援助工作站)."""

    COURT = "court"  # 人民法院
    PROCURATORATE = "procuratorate"  # 人民检察院
    DETENTION_CENTRE = "detention_centre"  # 看守所

    def name_in(self, district_name: str, district: str) -> str:
        """The station's authority as a caseworker writes it: 青山区人民法院, 包头市中级人民法院."""
        if self is StationKind.COURT:
            return f"{district_name}{'中级' if district == MUNICIPAL_DISTRICT else ''}人民法院"
        return f"{district_name}{'人民检察院' if self is StationKind.PROCURATORATE else '看守所'}"

    @classmethod
    def of_authority(cls, authority_name: str) -> StationKind | None:
        """The kind of station at an authority, from its name (法院, 检察院, 看守所), or None."""
        for marker, kind in (("法院", cls.COURT), ("检察院", cls.PROCURATORATE), ("看守所", cls.DETENTION_CENTRE)):
            if marker in authority_name:
                return kind
        return None


def month_days(month: str) -> tuple[date, date]:
    """The first and last day of a month written 2026-11."""
    first = date.fromisoformat(f"{month}-01")
    return first, (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def roster_stream_id(city: str, institution: str, month: str) -> UUID:
    """One roster per centre and month."""
    return uuid5(NAMESPACE_URL, f"tongban:duty-roster:{city}:{institution}:{month}")


@dataclass(frozen=True)
class Duty:
    """A lawyer on duty at one of the centre's stations, from one day to another (inclusive)."""

    station: StationKind
    first_day: date
    last_day: date
    lawyer: str  # licence number

    def days(self) -> list[date]:
        return [self.first_day + timedelta(n) for n in range((self.last_day - self.first_day).days + 1)]


class DutyRoster(Aggregate):
    """A centre's duty roster of one month for the stations of its district (值班律师排班表)."""

    @staticmethod
    def create_id(city: str, institution: str, month: str, **_: Any) -> UUID:
        return roster_stream_id(city, institution, month)

    @classmethod
    def open(cls, actor: Actor, at: datetime, city: str, month: str, directory: Directory) -> DutyRoster:
        centre = directory.get(actor.institution_id)  # UNKNOWN_INSTITUTION
        if not directory.is_centre(centre.institution_id):
            raise DomainError(
                "NOT_A_LEGAL_AID_CENTRE", "值班律师由法律援助中心安排 (a legal aid centre keeps the duty roster of its district)."
            )
        roster: DutyRoster = cls(
            city=city, institution=centre.institution_id, district=centre.district, month=month, by=actor.record(), at=iso(at)
        )
        return roster

    @event("Opened")
    def __init__(self, city: str, institution: str, district: str, month: str, by: By, at: str) -> None:
        self.institution, self.district, self.month = institution, district, month
        self.on_duty: dict[tuple[date, StationKind], set[str]] = {}

    def schedule(
        self, actor: Actor, at: datetime, duty: Duty, lawyer: LawyerProfile | None, elsewhere: Callable[[], Mapping[date, str]]
    ) -> None:
        """排班: a lawyer of the pool, active and doing criminal work, on duty at a station for some days, on none
        of which the lawyer is on duty in another district (`elsewhere`: day -> district, from the other rosters,
        asked last)."""
        self._own(actor)
        first, last = month_days(self.month)
        if not first <= duty.first_day <= duty.last_day <= last:
            raise DomainError(
                "NOT_THIS_MONTH", f"值班日期须在 {self.month} 之内且起止有序 (the days must lie in {self.month}, first to last)."
            )
        if lawyer is None:
            raise not_on_roll(duty.lawyer)
        if unavailable := lawyer.cannot_take(Specialty.CRIMINAL):  # duty lawyers do criminal work
            raise unavailable
        for day in duty.days():
            if any(duty.lawyer in lawyers for (d, _), lawyers in self.on_duty.items() if d == day):
                raise DomainError("ALREADY_ON_DUTY", f"{lawyer.name}律师 {day} 已在本中心排班 (the lawyer is already on duty that day).")
        busy = elsewhere()
        for day in duty.days():
            if (district := busy.get(day, self.district)) != self.district:
                raise DomainError(
                    "ON_DUTY_ELSEWHERE",
                    f"{lawyer.name}律师 {day} 已在 {district} 值班 (the lawyer is on duty in another district that day).",
                )
        self._scheduled(
            station=duty.station.value,
            district=self.district,
            first_day=duty.first_day.isoformat(),
            last_day=duty.last_day.isoformat(),
            lawyer=duty.lawyer,
            by=actor.record(),
            at=iso(at),
        )

    @event("Scheduled")
    def _scheduled(self, station: str, district: str, first_day: str, last_day: str, lawyer: str, by: By, at: str) -> None:
        duty = Duty(StationKind(station), date.fromisoformat(first_day), date.fromisoformat(last_day), lawyer)
        for day in duty.days():
            self.on_duty.setdefault((day, duty.station), set()).add(lawyer)

    def withdraw(self, actor: Actor, at: datetime, station: StationKind, day: date, lawyer: str, reason: str) -> None:
        """调班: take a lawyer off one day's duty (ill, swapped), saying why."""
        self._own(actor)
        if lawyer not in self.on_duty.get((day, station), set()):
            raise DomainError("NOT_ON_DUTY", f"{lawyer} {day} 未在该站值班 (that lawyer is not on duty there that day).")
        reason = required(reason, "调班理由")
        self._withdrawn(
            station=station.value, district=self.district, day=day.isoformat(), lawyer=lawyer, reason=reason, by=actor.record(), at=iso(at)
        )

    @event("Withdrawn")
    def _withdrawn(self, station: str, district: str, day: str, lawyer: str, reason: str, by: By, at: str) -> None:
        self.on_duty[(date.fromisoformat(day), StationKind(station))].discard(lawyer)

    def _own(self, actor: Actor) -> None:
        if actor.institution_id != self.institution:
            raise DomainError("NOT_YOUR_ROSTER", f"这是 {self.institution} 的值班排班表 (only {self.institution} changes its own roster).")
