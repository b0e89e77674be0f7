"""Consultations (咨询): an institution's staff record the day's consultations, counted by channel and topic
without personal data, and strike out a line entered wrongly; each institution reads its own counts, the
bureau and auditors every institution's."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Controller, Request, Response, get, post

from api.controllers.commands import answer, request_key
from api.http_security import Services, allow, scope_institution
from api.openapi import CREATE, KEYED, READ, READ_ONE, REPLAYED, IdempotencyKey
from api.register_shapes import ConsultationRegister, Consultations
from api.responses import ConsultationsRecorded
from domain.actor import SHANGHAI
from domain.consultation_commands import RecordConsultations, StrikeConsultationLine
from domain.vocabulary import Role
from infrastructure.principals import Principal

RECORDERS = (Role.STAFF, Role.HEAD, Role.BUREAU)


class ConsultationController(Controller):
    path = "/consultations"
    tags = ("consultations",)
    guards = [allow(*RECORDERS, Role.AUDITOR)]  # noqa: RUF012 - Litestar's controller attribute

    @get(summary="咨询统计 Consultations per institution and day", responses=READ, sync_to_thread=True)
    def consultations(
        self, principal: Principal, services: Services, institution: str | None = None, period: str | None = None
    ) -> Consultations:
        """By channel and topic, and per institution and day; `period` 2026, 2026-Q1 or 2026-03. A caseworker's
        own institution only."""
        return Consultations.model_validate(services.queries.consultations(scope_institution(principal, services, institution), period))

    @get(
        "/registers/{institution:str}/{month:str}",
        summary="咨询登记簿 One institution's register of a month",
        responses=READ_ONE,
        sync_to_thread=True,
    )
    def register(self, institution: str, month: str, principal: Principal, services: Services) -> ConsultationRegister:
        """Every line with its number (to strike one out), those struck out marked."""
        scope_institution(principal, services, institution)
        return ConsultationRegister.model_validate(services.consultations.register(institution, month))

    @post(
        summary="咨询登记 Record consultations",
        status_code=201,
        guards=[allow(*RECORDERS)],
        responses=CREATE,
        response_headers=[REPLAYED],
        sync_to_thread=True,
    )
    def record(
        self,
        request: Request[Any, Any, Any],
        data: RecordConsultations,
        principal: Principal,
        services: Services,
        idempotency_key: IdempotencyKey = None,
    ) -> Response[ConsultationsRecorded]:
        """A line in the principal's institution's register of the month: one day, channel and topic, counted.
        With an `Idempotency-Key`, a retry gets the first answer and records nothing more."""
        key = request_key(request, principal, data, idempotency_key)
        return answer(services.consultations.record(principal, data, datetime.now(SHANGHAI), key), ConsultationsRecorded)

    @post(
        "/strike",
        summary="更正 Strike out a line of the register",
        status_code=200,
        guards=[allow(*RECORDERS)],
        responses=KEYED,
        sync_to_thread=True,
    )
    def strike(self, data: StrikeConsultationLine, principal: Principal, services: Services) -> ConsultationRegister:
        return ConsultationRegister.model_validate(services.consultations.strike(principal, data, datetime.now(SHANGHAI)))
