"""Complaints (投诉, LAL 55–56): a justice bureau accepts, investigates and decides them; the bureau and
auditors read them. Each lawyer's page in /lawyers shows how many were accepted and upheld about them."""

from __future__ import annotations

from datetime import datetime

from litestar import Controller, get, post
from litestar.handlers import HTTPRouteHandler

from api.controllers.keyed_commands import keyed_command_routes
from api.http_security import Services, allow
from api.openapi import CREATE, READ, READ_ONE
from api.register_shapes import ComplaintDetail, ComplaintList
from domain.actor import SHANGHAI
from domain.complaint_commands import COMPLAINT_COMMANDS, AcceptComplaint
from domain.complaints import RespondentKind
from domain.vocabulary import Role
from infrastructure.principals import Principal

READERS = (Role.BUREAU, Role.AUDITOR)  # a complaint's facts are the bureau's file, not the institutions'


class ComplaintController(Controller):
    path = "/complaints"
    tags = ("complaints",)
    guards = [allow(*READERS)]  # noqa: RUF012 - Litestar's controller attribute

    @get(summary="投诉列表 Complaints", responses=READ, sync_to_thread=True)
    def complaints(
        self, services: Services, respondent_kind: RespondentKind | None = None, respondent: str | None = None, bureau: str | None = None
    ) -> ComplaintList:
        """Newest first; `respondent_kind` institution or lawyer, `respondent` an institution id or a licence number."""
        return ComplaintList.model_validate(services.complaints.complaints(respondent_kind, respondent, bureau))

    @get("/{number:str}", summary="投诉 One complaint", responses=READ_ONE, sync_to_thread=True)
    def complaint(self, number: str, services: Services) -> ComplaintDetail:
        return ComplaintDetail.model_validate(services.complaints.complaint(number))

    @post(
        summary="受理投诉 Accept a complaint (a justice bureau)",
        status_code=201,
        guards=[allow(Role.BUREAU)],
        responses=CREATE,
        sync_to_thread=True,
    )
    def accept(self, data: AcceptComplaint, principal: Principal, services: Services) -> ComplaintDetail:
        return ComplaintDetail.model_validate(services.complaints.accept(principal, data, datetime.now(SHANGHAI)))


def complaint_command_handlers() -> list[HTTPRouteHandler]:
    """POST /complaints/{number}/<path> for each step of a complaint."""
    return keyed_command_routes(
        "complaints", "number", COMPLAINT_COMMANDS.values(), lambda services, *args: services.complaints.act(*args), ComplaintDetail
    )
