"""The lawyer pool (律师库): the bureau registers lawyers and records their changes; every institution reads
the pool, each lawyer's verified experience, turns and workload."""

from __future__ import annotations

from datetime import datetime

from litestar import Controller, get, post
from litestar.handlers import HTTPRouteHandler

from api.controllers.keyed_commands import keyed_command_routes
from api.http_security import Services, allow
from api.openapi import CREATE, READ, READ_ONE
from api.register_shapes import LawyerDetail, LawyerPool
from domain.actor import SHANGHAI
from domain.lawyers import LawyerStatus, Specialty
from domain.pool_commands import POOL_COMMANDS, RegisterLawyer
from domain.vocabulary import Role
from infrastructure.principals import Principal


class LawyerController(Controller):
    path = "/lawyers"
    tags = ("lawyers",)

    @get(summary="律师库 The lawyer pool", responses=READ, sync_to_thread=True)
    def pool(
        self, services: Services, district: str | None = None, specialty: Specialty | None = None, status: LawyerStatus | None = None
    ) -> LawyerPool:
        """Every lawyer with their firm's district, verified specialties, status, turns taken and open cases."""
        return LawyerPool.model_validate(services.lawyers.pool(district, specialty, status))

    @get("/{licence_number:str}", summary="律师 One lawyer of the pool", responses=READ_ONE, sync_to_thread=True)
    def lawyer(self, licence_number: str, services: Services) -> LawyerDetail:
        return LawyerDetail.model_validate(services.lawyers.lawyer(licence_number, datetime.now(SHANGHAI).date()))

    @post(
        summary="登记入库 Register a lawyer (the city's bureau)",
        status_code=201,
        guards=[allow(Role.BUREAU)],
        responses=CREATE,
        sync_to_thread=True,
    )
    def register(self, data: RegisterLawyer, principal: Principal, services: Services) -> LawyerDetail:
        return LawyerDetail.model_validate(services.lawyers.register(principal, data, datetime.now(SHANGHAI)))


def pool_command_handlers() -> list[HTTPRouteHandler]:
    """POST /lawyers/{licence_number}/<path> for each of the bureau's pool commands."""
    return keyed_command_routes(
        "lawyers", "licence_number", POOL_COMMANDS.values(), lambda services, *args: services.lawyers.change(*args), LawyerDetail
    )
