"""Who is asking, and what they may ask: the bearer-token middleware, the role guards, the services every
handler is given, and the scope of an institution's reads.

Every request but /health and the API document is authenticated: a principal belongs to one institution
and has roles. Guards refuse a role before a handler runs; which case an institution may touch is the
service's decision (service/cases.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import Guard

from domain.errors import DomainError
from domain.vocabulary import Role
from infrastructure.ledger import CaseLedger
from infrastructure.principals import Principal, PrincipalStore
from infrastructure.transparency_log import TransparencyLog
from projections.registry import ReadModels
from service.cases import CaseService, raise_role_not_allowed
from service.complaints import ComplaintService
from service.consultations import ConsultationService
from service.duty import DutyService
from service.lawyers import LawyerService
from service.queries import Queries

PUBLIC_PATHS = ["^/health$", "^/schema"]  # liveness and the API document need no token


@dataclass
class Services:
    """What the handlers work with, built once per app in create_app."""

    models: ReadModels
    principals: PrincipalStore
    cases: CaseService
    queries: Queries
    log: TransparencyLog
    lawyers: LawyerService
    complaints: ComplaintService
    consultations: ConsultationService
    duty: DutyService

    def close(self) -> None:
        """Close every connection the app holds (the read models' and the ledger's, the log's, the idempotency records')."""
        self.log.store.close()
        self.cases.idempotency.store.close()
        self.models.close()

    @property
    def ledger(self) -> CaseLedger:
        return self.cases.ledger


class BearerAuthentication(AbstractAuthenticationMiddleware):
    """`Authorization: Bearer <token>`; an unknown, revoked or missing token is 401 UNAUTHENTICATED."""

    async def authenticate_request(self, connection: ASGIConnection[Any, Any, Any, Any]) -> AuthenticationResult:
        services: Services = connection.app.state.services
        scheme, _, token = connection.headers.get("authorization", "").partition(" ")
        token = token.strip()
        principal = None
        if scheme.lower() == "bearer" and token:
            principal = await anyio.to_thread.run_sync(services.principals.authenticate, token)
        if principal is None:
            raise DomainError("UNAUTHENTICATED", "缺少或无效的访问令牌 (missing, unknown or revoked bearer token).")
        connection.scope.setdefault("state", {})["principal_id"] = principal.principal_id  # for the request's log line
        return AuthenticationResult(user=principal, auth=token)


def allow(*roles: Role) -> Guard:
    """A guard: the principal must hold one of `roles` (403 ROLE_NOT_ALLOWED)."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        principal: Principal = connection.user
        if not principal.has(*roles):
            raise_role_not_allowed(*roles)

    return guard


def provide_principal(request: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    principal: Principal = request.user
    return principal


def own_unless_overseer(principal: Principal, services: Services) -> str | None:
    """None (every institution) for the bureau and auditors; else the principal's own institution."""
    return None if services.cases.sees_everything(principal) else principal.institution_id


def scope_institution(principal: Principal, services: Services, institution: str | None) -> str | None:
    """The institution a read may cover: any (or all, None) for the bureau and auditors, else only its own."""
    if services.cases.sees_everything(principal):
        return institution
    if institution not in (None, principal.institution_id):
        raise DomainError("NOT_YOUR_INSTITUTION", "只能查看本机构的数据 (you may only read your own institution's data).")
    return principal.institution_id
