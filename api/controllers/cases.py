"""Cases (案件): receiving an application, the list an institution may see, one case's state or history, its
audit bundle. The commands on a case are in api/controllers/commands.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter

from api.case_views import case_state, case_timeline
from api.controllers.commands import answer, request_key
from api.http_security import Services, own_unless_overseer
from api.openapi import CREATE, ETAG, LOCATION, READ, READ_ONE, REPLAYED, IdempotencyKey
from api.replica_reads import WRITES
from api.report_shapes import AuditBundle
from api.responses import CaseHistory, CasePage, CaseState, Received
from domain.actor import SHANGHAI, check_time
from domain.case_status import CaseStatus
from domain.commands import ReceiveApplication
from domain.errors import DomainError
from domain.vocabulary import MatterKind
from infrastructure.audit import export_bundle
from infrastructure.principals import Principal
from service.cases import CaseService


class CaseController(Controller):
    path = "/cases"
    tags = ("reads",)

    @get(summary="案件列表 Cases this principal may see", responses=READ, sync_to_thread=True)
    def list_cases(
        self,
        principal: Principal,
        services: Services,
        status: CaseStatus | None = None,
        matter_kind: MatterKind | None = None,
        period: str | None = None,
        page: int = Parameter(default=1, ge=1, le=1_000_000),
        page_size: int = Parameter(default=50, ge=1, le=500),
    ) -> CasePage:
        """Paginated, newest first; filter by status, matter kind and the period the application was received in."""
        found = services.queries.cases(own_unless_overseer(principal, services), status, matter_kind, period, page, page_size)
        return CasePage.model_validate(found)

    @post(
        summary="受理 Receive an application",
        tags=["commands"],
        status_code=201,
        responses=CREATE,
        response_headers=[LOCATION, ETAG, REPLAYED],
        sync_to_thread=True,
    )
    def receive_application(
        self,
        request: Request[Any, Any, Any],
        data: ReceiveApplication,
        principal: Principal,
        services: Services,
        idempotency_key: IdempotencyKey = None,
    ) -> Response[Received]:
        """Any legal aid centre of the city accepts an application, whatever the district; it becomes the
        first-receiving institution (首次受理机构) for good."""
        key = request_key(request, principal, data, idempotency_key)
        received = answer(services.cases.receive(principal, data, datetime.now(SHANGHAI), key), Received)
        received.headers["Location"] = f"/cases/{received.content.case_id}"
        return received

    @get(
        "/{case_id:uuid}",
        summary="案件 A case's current state (or as of a time)",
        responses=READ_ONE,
        response_headers=[ETAG],
        sync_to_thread=True,
    )
    def case(self, case_id: UUID, principal: Principal, services: Services, as_of: datetime | None = None) -> Response[CaseState]:
        case = services.cases.case_for(principal, case_id)
        personal = CaseService.may_see_personal_data(principal, case.involved_institutions)
        if as_of is not None:
            check_time(as_of)
            _, version = case_timeline(services.ledger, case_id, as_of if as_of.tzinfo else as_of.replace(tzinfo=SHANGHAI))
            if not version:
                raise DomainError("CASE_NOT_FOUND", f"案件 {case_id} 在 {as_of} 尚未受理 (the case had not been received by then).")
            shown = services.ledger.get_case(case_id, version=version)
        else:
            shown = case
        # The ETag is the case's version now, the one a command's If-Match names, whatever time is shown.
        return Response(CaseState.model_validate(case_state(shown, personal)), headers={"ETag": f'"{case.version}"'})

    @get(
        "/{case_id:uuid}/history", summary="案件记录 Timeline with each record's signature status", responses=READ_ONE, sync_to_thread=True
    )
    def history(self, case_id: UUID, principal: Principal, services: Services) -> CaseHistory:
        case = services.cases.case_for(principal, case_id)
        timeline, _ = case_timeline(services.ledger, case_id)
        state = case_state(case, CaseService.may_see_personal_data(principal, case.involved_institutions))
        return CaseHistory.model_validate(
            {"case_id": case_id, "verified": all(e["verified"] for e in timeline), "timeline": timeline, "state": state}
        )

    @get(
        "/{case_id:uuid}/audit-bundle",
        summary="审计包 A case's audit bundle, verifiable offline with the root key",
        tags=["audit"],
        responses=READ_ONE,
        opt=WRITES,  # integrates the log (and may sign a checkpoint): the primary answers
        sync_to_thread=True,
    )
    def audit_bundle(self, case_id: UUID, principal: Principal, services: Services) -> AuditBundle:
        services.cases.case_for(principal, case_id)
        return AuditBundle.model_validate(export_bundle(services.ledger, services.log, case_id, datetime.now(SHANGHAI)))
