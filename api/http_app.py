"""The HTTP API (Litestar): every command and every read model, for institutions, finance and auditors.

This module composes the app: the services, the bearer-token middleware and role guards
(api/http_security.py), the controllers (api/controllers/), refusals as RFC 9457 problem details with
the domain's stable code (api/problems.py), and the background loop that keeps read models and the
global log current. OpenAPI: /schema/openapi.json (Swagger UI at /schema/swagger, ReDoc at /schema/redoc; api/openapi.py).
"""

from __future__ import annotations

import threading
from pathlib import Path

from litestar import Controller, Litestar, get
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.middleware import DefineMiddleware
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig

from api.background import keep_current
from api.boundary import check_request, request_logging
from api.cli_errors import log_to_stderr
from api.controllers.audit import AuditController
from api.controllers.cases import CaseController
from api.controllers.commands import ApplicantController, case_command_handlers
from api.controllers.complaints import ComplaintController, complaint_command_handlers
from api.controllers.consultations import ConsultationController
from api.controllers.duty import DutyController
from api.controllers.lawyers import LawyerController, pool_command_handlers
from api.controllers.network import NetworkController
from api.controllers.reports import ReportController
from api.http_security import PUBLIC_PATHS, BearerAuthentication, Services, provide_principal
from api.openapi import ASSETS, PUBLIC, REQUEST_ID, openapi_config
from api.problems import EXCEPTION_HANDLERS
from api.replica_reads import position_after_commands, provide_services
from api.web.finance_pages import FinancePages
from api.web.pages import SignInPages, WorkPages, not_found
from api.web.session import APP, csrf_secret
from infrastructure.bootstrap import build_transparency_log, principal_store
from infrastructure.config import Settings
from infrastructure.database import Database
from infrastructure.idempotency import IdempotencyStore
from infrastructure.leadership import Leadership
from infrastructure.principals import PrincipalStore
from infrastructure.sql_store import SqlStore
from infrastructure.transparency_log import TransparencyLog
from projections.registry import ReadModels, build_read_models, build_replica_models
from service.cases import CaseService
from service.complaints import ComplaintService
from service.consultations import ConsultationService
from service.duty import DutyService
from service.lawyers import LawyerService
from service.queries import Queries

WEB = Path(__file__).parent / "web"


class HealthController(Controller):
    @get("/health", summary="Liveness (no authentication)", tags=["reads"], security=[], responses=PUBLIC)
    async def health(self) -> dict[str, str]:
        return {"status": "ok"}

    @get("/", include_in_schema=False)
    async def home(self) -> Redirect:
        """People who open the server's address get the pages."""
        return Redirect(f"{APP}/")


def served_app() -> Litestar:
    """The app of one worker process of `tongban serve --workers N`, its settings from the environment."""
    log_to_stderr()
    return create_app()


def services_on(models: ReadModels, log: TransparencyLog, idempotency: IdempotencyStore, principals: PrincipalStore) -> Services:
    """What the handlers work with, on one database: the primary's, or the replica's for reads."""
    cases = CaseService(models.ledger, idempotency)
    return Services(
        models,
        principals,
        cases,
        Queries(models),
        log,
        LawyerService(models),
        ComplaintService(models),
        ConsultationService(models, idempotency),
        DutyService(models),
    )


def close_services(app: Litestar) -> None:
    """Close every connection the app's services hold, on the primary and on the replica."""
    replica: Services | None = app.state.get("replica")
    if replica is not None:  # its idempotency records and principals are the primary's
        replica.log.store.close()
        replica.models.close()
    app.state.services.close()


def create_app(settings: Settings | None = None, background: bool = True) -> Litestar:
    settings = settings or Settings()
    models = build_read_models(settings)
    log = build_transparency_log(models.ledger, SqlStore(Database(settings.db_url)))
    idempotency = IdempotencyStore(SqlStore(Database(settings.db_url)))
    services = services_on(models, log, idempotency, principal_store(models.ledger, settings, log=log))
    replica = None
    if settings.read_db_url:  # reads from a hot standby; authentication and commands stay on the primary
        on_standby = build_replica_models(settings)
        standby_log = TransparencyLog(SqlStore(on_standby.ledger.database))
        replica = services_on(on_standby, standby_log, idempotency, services.principals)
    stop = threading.Event()

    def start() -> None:
        if background:
            threading.Thread(
                target=keep_current,
                args=(models, log, stop, settings.checkpoint_seconds, Leadership(Database(settings.db_url))),
                daemon=True,
                name="background",
            ).start()

    def shutdown() -> None:
        stop.set()

    return Litestar(
        route_handlers=[
            HealthController,
            CaseController,
            *case_command_handlers(),
            ApplicantController,
            LawyerController,
            *pool_command_handlers(),
            ComplaintController,
            *complaint_command_handlers(),
            ConsultationController,
            DutyController,
            ReportController,
            NetworkController,
            AuditController,
            SignInPages,
            WorkPages,
            FinancePages,
            create_static_files_router(path=f"{APP}/static", directories=[WEB / "static"], include_in_schema=False),
            create_static_files_router(path=ASSETS, directories=[WEB / "vendor"], include_in_schema=False),
        ],
        template_config=TemplateConfig(directory=WEB / "templates", engine=JinjaTemplateEngine),
        # Forms under /app carry a CSRF token; the JSON API takes no cookie, so it needs none.
        csrf_config=CSRFConfig(
            secret=csrf_secret(settings.keys),
            cookie_path=APP,
            cookie_samesite="strict",
            cookie_httponly=True,
            exclude=[f"^/(?!{APP[1:]}(/|$))."],
        ),
        state=State({"services": services, "replica": replica}),
        dependencies={
            "services": Provide(provide_services),
            "principal": Provide(provide_principal, sync_to_thread=False),
        },
        exception_handlers={**EXCEPTION_HANDLERS, NotFoundException: not_found},
        before_request=check_request,
        middleware=[
            request_logging,
            *([position_after_commands] if replica else []),
            DefineMiddleware(BearerAuthentication, exclude=[*PUBLIC_PATHS, "^/$", f"^{APP}(/|$)"]),
        ],
        request_max_body_size=1_000_000,
        openapi_config=openapi_config(),
        response_headers=[REQUEST_ID],
        on_startup=[start],
        on_shutdown=[shutdown],
    )
