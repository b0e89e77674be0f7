"""Duty rosters (值班律师排班): a centre puts lawyers of the pool on duty at its district's stations and takes
them off a day; anyone who works with cases reads who is on duty where. The roster's changes are checked
against the pool's read model (active, criminal work) and race like a register's lines: one that lost a race
is checked again against the winner and recorded after it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from domain.actor import Actor
from domain.consultations import month_of
from domain.duty import DutyRoster, StationKind, roster_stream_id
from domain.duty_commands import ScheduleDuty, WithdrawDuty
from domain.errors import DomainError
from domain.vocabulary import Role
from infrastructure.ledger import CaseLedger
from infrastructure.principals import Principal
from projections.duty_rosters import duties
from projections.registry import ReadModels
from service.cases import actor_for
from service.queries import period_bounds
from service.registers import changed_after_races, find_monthly


def schedule_duty(ledger: CaseLedger, command: ScheduleDuty, actor: Actor, at: datetime) -> DutyRoster:
    """排班, in the centre's roster of the month of the first day (opened by its first duty)."""
    month, duty, pool = month_of(command.first_day), command.duty(), ledger.lawyer_pool

    def read() -> DutyRoster:
        roster = ledger.find(roster_stream_id(ledger.policy.city, actor.institution_id, month), DutyRoster)
        return roster or DutyRoster.open(actor, at, ledger.policy.city, month, ledger.directory())

    def schedule(roster: DutyRoster) -> None:
        elsewhere = partial(pool.duty_days, duty.lawyer, duty.first_day, duty.last_day)  # asked last
        roster.schedule(actor, at, duty, pool.lawyer(duty.lawyer), elsewhere)

    return changed_after_races(ledger, read, schedule)


def withdraw_duty(ledger: CaseLedger, command: WithdrawDuty, actor: Actor, at: datetime) -> DutyRoster:
    """调班: one day of one lawyer's duty at a station, off the centre's roster."""
    return changed_after_races(
        ledger,
        lambda: get_roster(ledger, actor.institution_id, month_of(command.day)),
        lambda roster: roster.withdraw(actor, at, command.station, command.day, command.lawyer, command.reason),
    )


def get_roster(ledger: CaseLedger, institution: str, month: str) -> DutyRoster:
    missing = DomainError("ROSTER_NOT_FOUND", f"{institution} 没有 {month} 的值班排班 (no duty roster that month).")
    return find_monthly(ledger, DutyRoster, roster_stream_id, institution, month, missing)


def roster_view(roster: DutyRoster) -> dict[str, Any]:
    """A roster as its signed records say: each day of the month with who is on duty at each station."""
    days = []
    for (day, station), lawyers in sorted(roster.on_duty.items()):
        if lawyers:
            days.append({"day": day.isoformat(), "station": station.value, "lawyers": sorted(lawyers)})
    return {
        "institution": roster.institution,
        "district": roster.district,
        "month": roster.month,
        "version": roster.version,
        "on_duty": days,
    }


class DutyService:
    def __init__(self, models: ReadModels) -> None:
        self.models = models

    def schedule(self, principal: Principal, command: ScheduleDuty, now: datetime) -> dict[str, Any]:
        return roster_view(schedule_duty(self.models.ledger, command, actor_for(principal, Role.STAFF), command.time(now)))

    def withdraw(self, principal: Principal, command: WithdrawDuty, now: datetime) -> dict[str, Any]:
        return roster_view(withdraw_duty(self.models.ledger, command, actor_for(principal, Role.STAFF), command.time(now)))

    def duties(self, district: str | None, station: str | None, lawyer: str | None, period: str | None, on: date | None) -> dict[str, Any]:
        """值班安排: who is on duty where, by day, from the duty read model."""
        if station is not None and station not in set(StationKind):
            raise DomainError(
                "UNKNOWN_STATION", f"{station!r} 不是值班站类别，可选: court, procuratorate, detention_centre (unknown station kind)."
            )
        if district is not None:
            self.models.ledger.directory().centre_for_district(district)  # UNKNOWN_DISTRICT, naming those there are
        start, end = (on.isoformat(), (on + timedelta(days=1)).isoformat()) if on else period_bounds(period)
        rows = duties(
            self.models.store,
            self.models.current("duty_rosters").current_table(),
            start,
            end,
            district=district,
            station=station,
            lawyer=lawyer,
        )
        return {"total": len(rows), "duties": rows}
