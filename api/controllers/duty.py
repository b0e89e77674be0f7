"""Duty lawyers (值班律师): a centre keeps the roster of its district's stations in courts, procuratorates and
detention centres; whoever works with cases reads who is on duty where. A duty-lawyer matter is designated
from the roster (POST /cases/{id}/appointment)."""

from __future__ import annotations

from datetime import date, datetime

from litestar import Controller, get, post

from api.http_security import Services, allow, scope_institution
from api.openapi import KEYED, READ, READ_ONE
from api.register_shapes import Duties, Roster
from domain.actor import SHANGHAI
from domain.duty import StationKind
from domain.duty_commands import ScheduleDuty, WithdrawDuty
from domain.vocabulary import Role
from infrastructure.principals import Principal
from service.duty import get_roster, roster_view

KEEPERS = (Role.STAFF, Role.HEAD)  # a centre's staff keep its roster


class DutyController(Controller):
    path = "/duty"
    tags = ("duty lawyers",)
    guards = [allow(*KEEPERS, Role.BUREAU, Role.AUDITOR)]  # noqa: RUF012 - Litestar's controller attribute

    @get(summary="值班安排 Who is on duty where", responses=READ, sync_to_thread=True)
    def duties(
        self,
        services: Services,
        district: str | None = None,
        station: StationKind | None = None,
        lawyer: str | None = None,
        period: str | None = None,
        on: date | None = None,
    ) -> Duties:
        """By day, district and station; `on` one day, `period` 2026, 2026-Q1 or 2026-03; `lawyer` a licence number."""
        return Duties.model_validate(services.duty.duties(district, station, lawyer, period, on))

    @get(
        "/rosters/{institution:str}/{month:str}", summary="值班排班表 A centre's roster of a month", responses=READ_ONE, sync_to_thread=True
    )
    def roster(self, institution: str, month: str, principal: Principal, services: Services) -> Roster:
        scope_institution(principal, services, institution)
        return Roster.model_validate(roster_view(get_roster(services.ledger, institution, month)))

    @post(
        "/schedule",
        summary="排班 Put a lawyer on duty (a centre)",
        status_code=200,
        guards=[allow(*KEEPERS)],
        responses=KEYED,
        sync_to_thread=True,
    )
    def schedule(self, data: ScheduleDuty, principal: Principal, services: Services) -> Roster:
        return Roster.model_validate(services.duty.schedule(principal, data, datetime.now(SHANGHAI)))

    @post(
        "/withdrawal",
        summary="调班 Take a lawyer off a day (a centre)",
        status_code=200,
        guards=[allow(*KEEPERS)],
        responses=KEYED,
        sync_to_thread=True,
    )
    def withdraw(self, data: WithdrawDuty, principal: Principal, services: Services) -> Roster:
        return Roster.model_validate(services.duty.withdraw(principal, data, datetime.now(SHANGHAI)))
