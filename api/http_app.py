"""The HTTP API (Litestar): every case action and every read model, for institutions, finance and auditors.

- Every request but /health is authenticated by a bearer token; a principal belongs to one institution
  and has roles. An institution sees only cases it received, handles or transferred; personal data only
  its own principals and auditors see.
- Commands are idempotent with an `Idempotency-Key` header and take `If-Match: "<version>"` for
  optimistic concurrency (409 when the case moved on). Refusals come back as RFC 9457 problem details
  with the domain's stable code.
- OpenAPI: /schema/openapi.json (Swagger UI at /schema/swagger).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any
from uuid import UUID

import anyio.to_thread
from litestar import Litestar, Request, Response, get, post
from litestar.di import Provide
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.params import Parameter
from pydantic import BaseModel, Field

from api.background import keep_current
from api.boundary import check_request, request_logging
from api.case_views import case_history, case_state
from api.exports import Table, write_xlsx
from api.problems import EXCEPTION_HANDLERS
from domain.actor import SHANGHAI, check_supported, check_time
from domain.commands import CASE_COMMANDS, CaseCommand, ReceiveApplication
from domain.errors import DomainError
from domain.fields import Printable
from domain.vocabulary import Role
from infrastructure.audit import checkpoint_summary, export_bundle, newest_valid_checkpoint, read_checkpoint
from infrastructure.bootstrap import build_transparency_log, principal_store
from infrastructure.config import Settings
from infrastructure.database import Database
from infrastructure.idempotency import IdempotencyStore, RequestKey, request_fingerprint
from infrastructure.ledger import CaseLedger
from infrastructure.personal_data import applicants_in
from infrastructure.principals import Principal, PrincipalStore
from infrastructure.sql_store import SqlStore
from infrastructure.transparency_log import TransparencyLog
from infrastructure.verification import verify_records
from projections.case_index import list_cases
from projections.deadlines import read_rows, summarise
from projections.institution_ledger import COLUMN_TITLES, LEDGER_COLUMNS, cost_attribution, institution_ledger, statistics
from projections.periods import parse_period
from projections.reconciliation import CHECKED_PAYMENT_COLUMNS, check_payments, match_statement, read_payments, read_statement
from projections.registry import ReadModels, build_read_models
from service.cases import Answer, CaseService, raise_role_not_allowed

_ROUTES: list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any], Callable[..., Any]]] = []


def route(decorator: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Remember a handler; each app gets fresh route-handler objects (Litestar wraps them on registration,
    so one object must not be registered in two apps, as tests do)."""

    def remember(fn: Callable[..., Any]) -> Callable[..., Any]:
        _ROUTES.append((decorator, args, kwargs, in_thread(fn)))
        return fn

    return remember


def in_thread(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run a synchronous handler in a worker thread: the ledger and its database drivers block."""

    @functools.wraps(fn)
    async def handler(*args: Any, **kwargs: Any) -> Any:
        return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))

    return handler


@dataclass
class Services:
    ledger_models: ReadModels
    principals: PrincipalStore
    cases: CaseService
    log: TransparencyLog

    @property
    def ledger(self) -> CaseLedger:
        return self.cases.ledger


# ---------------------------------------------------------------------- who is asking
def provide_principal(request: Request[Any, Any, Any], services: Services) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    principal = services.principals.authenticate(token.strip()) if scheme.lower() == "bearer" and token else None
    if principal is None:
        raise DomainError("UNAUTHENTICATED", "缺少或无效的访问令牌 (missing, unknown or revoked bearer token).")
    request.scope.setdefault("state", {})["principal_id"] = principal.principal_id  # for the request's log line
    return principal


def require(principal: Principal, *roles: Role) -> None:
    if not principal.has(*roles):
        raise_role_not_allowed(*roles)


def sees_everything(principal: Principal, services: Services) -> bool:
    return services.cases.sees_everything(principal)


def scope_institution(principal: Principal, services: Services, institution: str | None) -> str | None:
    """The institution a read-model request may cover: any for the bureau and auditors, else only its own."""
    if sees_everything(principal, services):
        return institution
    if institution not in (None, principal.institution_id):
        raise DomainError("NOT_YOUR_INSTITUTION", "只能查看本机构的数据 (you may only read your own institution's data).")
    return principal.institution_id


def period_bounds(period: str | None) -> tuple[str | None, str | None]:
    if not period:
        return None, None
    start, end = parse_period(period)
    return start.isoformat(), end.isoformat()


# ---------------------------------------------------------------------- commands
def expected_version(request: Request[Any, Any, Any]) -> int | None:
    value = request.headers.get("if-match")
    if not value:
        return None
    try:
        return int(value.strip().removeprefix("W/").strip('"'))
    except ValueError:
        raise DomainError("INVALID_IF_MATCH", 'If-Match 应为案件版本号，如 "7" (If-Match must be a case version, e.g. "7").') from None


def request_key(request: Request[Any, Any, Any], principal: Principal, body: bytes) -> RequestKey | None:
    """The request's Idempotency-Key, bound to who sent it and what they asked (a reused key with another
    body is refused)."""
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    fingerprint = request_fingerprint(request.method, request.url.path + "|" + request.headers.get("if-match", ""), body)
    return RequestKey(principal.principal_id, key, fingerprint)


def answer(result: Answer) -> Response[dict[str, Any]]:
    headers = {"ETag": f'"{result.body["version"]}"'}
    if result.replayed:
        headers["Idempotent-Replayed"] = "true"
    return Response(result.body, status_code=result.status, headers=headers)


def _case_for(principal: Principal, services: Services, case_id: UUID) -> Any:
    return services.cases.case_for(principal, case_id)


@route(post, "/cases", summary="受理 Receive an application", tags=["commands"], status_code=201)
def receive_application(
    request: Request[Any, Any, Any], data: ReceiveApplication, principal: Principal, services: Services
) -> Response[dict[str, Any]]:
    """Any legal aid centre of the city accepts an application, whatever the district; it becomes the
    first-receiving institution (首次受理机构) for good."""
    key = request_key(request, principal, data.model_dump_json().encode())
    return answer(services.cases.receive(principal, data, datetime.now(SHANGHAI), key))


def _action_handler(command: type[CaseCommand]) -> HTTPRouteHandler:
    def handler(
        request: Request[Any, Any, Any], case_id: UUID, data: CaseCommand, principal: Principal, services: Services
    ) -> Response[dict[str, Any]]:
        result = services.cases.act(
            principal,
            case_id,
            data,
            datetime.now(SHANGHAI),
            expected_version=expected_version(request),
            request=request_key(request, principal, data.model_dump_json().encode()),
        )
        return answer(result)

    handler.__name__ = f"case_{command.name}"
    handler.__doc__ = (command.__doc__ or command.name).strip()
    handler.__annotations__ = {
        "request": Request,
        "case_id": UUID,
        "data": command,
        "principal": Principal,
        "services": Services,
        "return": Response[dict[str, Any]],
    }
    return post(
        f"/cases/{{case_id:uuid}}/{command.path}",
        summary=(command.__doc__ or command.name).strip().split("\n")[0],
        tags=["commands"],
        operation_id=f"case_{command.name}",
    )(in_thread(handler))


# ---------------------------------------------------------------------- reads
@route(get, "/health", summary="Liveness (no authentication)", tags=["reads"], exclude_from_auth=True)
def health() -> dict[str, str]:
    return {"status": "ok"}


@route(get, "/cases", summary="案件列表 Cases this principal may see", tags=["reads"])
def cases_list(
    principal: Principal,
    services: Services,
    status: str | None = None,
    matter_kind: str | None = None,
    period: str | None = None,
    page: int = Parameter(default=1, ge=1, le=1_000_000),
    page_size: int = Parameter(default=50, ge=1, le=500),
) -> dict[str, Any]:
    """Paginated, newest first; filter by status, matter kind and the period the application was received in."""
    start, end = period_bounds(period)
    index = services.ledger_models.current("case_index")
    institution = None if sees_everything(principal, services) else principal.institution_id
    total, items = list_cases(
        services.ledger_models.store,
        index.current_table(),
        institution=institution,
        status=status,
        matter_kind=matter_kind,
        start=start,
        end=end,
        limit=page_size,
        offset=(page - 1) * page_size,
    )
    return {"page": page, "page_size": page_size, "total": total, "items": items}


def _may_see_personal_data(principal: Principal, case: Any) -> bool:
    return CaseService.may_see_personal_data(principal, case)


@route(get, "/cases/{case_id:uuid}", summary="案件 A case's current state (or as of a time)", tags=["reads"])
def case_get(case_id: UUID, principal: Principal, services: Services, as_of: datetime | None = None) -> Response[dict[str, Any]]:
    case = _case_for(principal, services, case_id)
    personal = _may_see_personal_data(principal, case)
    if as_of is not None:
        check_time(as_of)
    if as_of is None:
        state = case_state(case, personal)
    else:
        _, state = case_history(services.ledger, case_id, as_of if as_of.tzinfo else as_of.replace(tzinfo=SHANGHAI), personal)
    return Response(state, headers={"ETag": f'"{case.version}"'})


@route(get, "/cases/{case_id:uuid}/history", summary="案件记录 Timeline with each record's signature status", tags=["reads"])
def case_history_get(case_id: UUID, principal: Principal, services: Services) -> dict[str, Any]:
    case = _case_for(principal, services, case_id)
    timeline, state = case_history(services.ledger, case_id, None, _may_see_personal_data(principal, case))
    return {"case_id": str(case_id), "verified": all(e["verified"] for e in timeline), "timeline": timeline, "state": state}


def _table_response(table: Table, fmt: str, name: str, as_json: dict[str, Any]) -> Response[Any]:
    if fmt == "json":
        return Response(as_json)
    headers, rows = table
    if fmt == "csv":
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(headers)
        writer.writerows(rows)
        return Response(
            "\ufeff" + out.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    if fmt == "xlsx":
        with TemporaryDirectory() as tmp:
            path = Path(tmp) / f"{name}.xlsx"
            write_xlsx(path, {name: table})
            content = path.read_bytes()
        return Response(
            BytesIO(content).getvalue(),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
        )
    raise DomainError("INVALID_FORMAT", "format 应为 json、csv 或 xlsx (format must be json, csv or xlsx).")


@route(get, "/ledger", summary="台账 The institution ledger", tags=["reads"])
def ledger_get(
    principal: Principal, services: Services, institution: str | None = None, period: str | None = None, format: str = "json"
) -> Response[Any]:
    scope = scope_institution(principal, services, institution)
    start, end = period_bounds(period)
    runner = services.ledger_models.current("ledger")
    result = institution_ledger(services.ledger_models.store, runner.current_table(), scope, start, end)
    headers = ["institution", *(f"{COLUMN_TITLES[c]} {c}" for c in LEDGER_COLUMNS)]
    rows = [[i, *(e["totals"][c] for c in LEDGER_COLUMNS)] for i, e in result.items()]
    return _table_response((headers, rows), format, "ledger", {"period": period, "institutions": result})


@route(get, "/compliance", summary="期限合规 Compliance per rule", tags=["reads"])
def compliance_get(
    principal: Principal, services: Services, institution: str | None = None, period: str | None = None, on: date | None = None
) -> dict[str, Any]:
    scope = scope_institution(principal, services, institution)
    runner = services.ledger_models.current("deadlines")
    where, params = ["responsible = ?"] if scope else [], [scope] if scope else []
    start, end = period_bounds(period)
    if start and end:
        where += ["due_day >= ?", "due_day < ?"]
        params += [start, end]
    rows = read_rows(services.ledger_models.store, runner.current_table(), " AND ".join(where), tuple(params))
    if on:
        check_supported(on)
    today = on or datetime.now(SHANGHAI).date()
    return {
        "institution": scope,
        "period": period,
        "as_of": today.isoformat(),
        "rules": summarise(rows, today, services.ledger_models.calendar),
    }


@route(get, "/worklist", summary="待办 What is due and overdue", tags=["reads"])
def worklist_get(principal: Principal, services: Services, institution: str | None = None, on: date | None = None) -> dict[str, Any]:
    scope = scope_institution(principal, services, institution) or principal.institution_id
    if on:
        check_supported(on)
    runner = services.ledger_models.current("deadlines")
    today = on or datetime.now(SHANGHAI).date()
    end_of_today = f"{today.isoformat()}T23:59:59+08:00"
    rows = read_rows(services.ledger_models.store, runner.current_table(), "responsible = ? AND started_at <= ?", (scope, end_of_today))
    order = {"overdue": 0, "due_soon": 1, "provisional": 2, "open": 3}
    items = [(r.status(today, services.ledger_models.calendar), r) for r in rows]
    open_items = sorted((i for i in items if i[0] in order), key=lambda i: (order[i[0]], i[1].due_day))
    listing = [
        {
            "status": s,
            "case_id": r.case_id,
            "rule": r.rule_id,
            "due_day": r.due_day.isoformat(),
            "started_at": r.started_at,
            "provisional": r.provisional,
        }
        for s, r in open_items
    ]
    return {"institution": scope, "date": today.isoformat(), "items": listing}


@route(get, "/costs", summary="成本归属 Costs carried by the first-receiving institution", tags=["reads"])
def costs_get(principal: Principal, services: Services, period: str | None = None, format: str = "json") -> Response[Any]:
    require(principal, Role.FINANCE, Role.HEAD, Role.BUREAU, Role.AUDITOR)
    start, end = period_bounds(period)
    runner = services.ledger_models.current("ledger")
    result = cost_attribution(services.ledger_models.store, runner.current_table(), start, end)
    if not sees_everything(principal, services):
        own = principal.institution_id
        result = {
            "by_first_receiving_institution": {k: v for k, v in result["by_first_receiving_institution"].items() if k == own},
            "first_receiving_x_handling": {k: v for k, v in result["first_receiving_x_handling"].items() if k == own},
        }
    matrix = [
        [first, handling, c["subsidies_paid"], c["subsidy_fen"], c["files_archived"]]
        for first, row in result["first_receiving_x_handling"].items()
        for handling, c in sorted(row.items())
    ]
    headers = ["first_receiving_institution", "handling_institution", "subsidies_paid", "subsidy_fen", "files_archived"]
    return _table_response((headers, matrix), format, "costs", {"period": period, **result})


def _payments(principal: Principal, services: Services, period: str | None) -> list[dict[str, Any]]:
    require(principal, Role.FINANCE, Role.HEAD, Role.BUREAU, Role.AUDITOR)
    start, end = period_bounds(period)
    runner = services.ledger_models.current("ledger")
    scope = None if sees_everything(principal, services) else principal.institution_id
    payments = read_payments(services.ledger_models.store, runner.current_table(), scope, start, end)
    return check_payments(payments, services.ledger.policy)


@route(get, "/subsidies", summary="补贴对账 Subsidy payments against the bands", tags=["reads"])
def subsidies_get(principal: Principal, services: Services, period: str | None = None, format: str = "json") -> Response[Any]:
    checked = _payments(principal, services, period)
    rows = [[", ".join(p[c]) if c == "findings" else p[c] for c in CHECKED_PAYMENT_COLUMNS] for p in checked]
    return _table_response((list(CHECKED_PAYMENT_COLUMNS), rows), format, "subsidies", {"period": period, "payments": checked})


@route(post, "/subsidies/reconciliation", summary="对账单核对 Match a payout statement (CSV body)", tags=["reads"], status_code=200)
def subsidies_reconcile(principal: Principal, services: Services, body: bytes, period: str | None = None) -> dict[str, Any]:
    """The request body is the statement as CSV: date, reference, payee, amount (yuan)."""
    statement = read_statement(body)
    checked = _payments(principal, services, period)
    return {"period": period, **match_statement(checked, statement)}


@route(get, "/stats", summary="统计 The yearly figures", tags=["reads"])
def stats_get(principal: Principal, services: Services, period: str | None = None) -> dict[str, Any]:
    start, end = period_bounds(period)
    if not sees_everything(principal, services):
        require(principal, Role.HEAD, Role.FINANCE)
    runner = services.ledger_models.current("ledger")
    return {"period": period, **statistics(services.ledger_models.store, runner.current_table(), start, end)}


@route(get, "/verification", summary="核验 Verify every record of the ledger (auditors, bureau)", tags=["reads"])
def verification_get(principal: Principal, services: Services) -> dict[str, Any]:
    require(principal, Role.AUDITOR, Role.BUREAU)
    ledger = services.ledger
    records = list(ledger.all_records())
    report = verify_records(records, ledger.keystore.root_public_key_hex(), str(ledger.network_id), processes=1)
    key_problems = ledger.vault.key_problems(*applicants_in(records))
    return {
        "ok": report.ok and not key_problems,
        "records": report.records,
        "cases": report.cases,
        "problems": [vars(p) for p in report.problems],
        "key_problems": key_problems,
    }


# ---------------------------------------------------------------------- the global log (auditors)
class Erasure(BaseModel):
    reason: Printable = Field(
        min_length=1,
        max_length=2000,
        description="删除理由 Why the applicant's personal data is erased, e.g. 依《个人信息保护法》第四十七条请求删除",
    )


@route(get, "/log/checkpoint", summary="检查点 The newest signed checkpoint of the global log (C2SP signed note)", tags=["audit"])
def checkpoint_get(request: Request[Any, Any, Any], principal: Principal, services: Services) -> Response[Any]:
    """As JSON, or with `Accept: text/plain` the signed note itself, as witnesses and monitors read it."""
    newest, _ = newest_valid_checkpoint(services.ledger, services.log)
    if newest is None:
        raise DomainError("NO_CHECKPOINT", "尚无有效的检查点 (no valid checkpoint has been signed yet).")
    if "text/plain" in request.headers.get("accept", ""):
        return Response(newest[0], media_type="text/plain; charset=utf-8")
    return Response(checkpoint_summary(*newest))


@route(post, "/log/checkpoints", summary="签署检查点 Sign a checkpoint now (auditors, bureau)", tags=["audit"], status_code=201)
def checkpoint_post(principal: Principal, services: Services) -> dict[str, Any]:
    require(principal, Role.AUDITOR, Role.BUREAU)
    note = services.log.checkpoint(datetime.now(SHANGHAI))
    return checkpoint_summary(note, read_checkpoint(services.ledger, note))


@route(get, "/log/consistency", summary="一致性证明 Proof that the log of new_size extends the log of old_size (RFC 9162)", tags=["audit"])
def consistency_get(principal: Principal, services: Services, old_size: int, new_size: int) -> dict[str, Any]:
    log = services.log
    log.integrate()
    if not 0 < old_size <= new_size <= log.size():
        raise DomainError("BAD_TREE_SIZE", f"树大小应满足 0 < old_size <= new_size <= {log.size()} (tree sizes out of range).")
    return {
        "old_size": old_size,
        "new_size": new_size,
        "old_root": log.root(old_size).hex(),
        "new_root": log.root(new_size).hex(),
        "proof": [h.hex() for h in log.consistency_proof(old_size, new_size)],
    }


@route(
    get, "/cases/{case_id:uuid}/audit-bundle", summary="审计包 A case's audit bundle, verifiable offline with the root key", tags=["audit"]
)
def audit_bundle_get(case_id: UUID, principal: Principal, services: Services) -> dict[str, Any]:
    _case_for(principal, services, case_id)
    return export_bundle(services.ledger, services.log, case_id, datetime.now(SHANGHAI))


@route(
    post,
    "/applicants/{applicant_id:str}/erasure",
    summary="删除个人信息 Erase an applicant's personal data (bureau only)",
    tags=["commands"],
    status_code=200,
)
def erasure_post(applicant_id: str, data: Erasure, principal: Principal, services: Services) -> dict[str, Any]:
    cases = services.cases.erase_personal_data(principal, applicant_id, data.reason, datetime.now(SHANGHAI))
    return {"applicant_id": applicant_id, "cases": [str(c) for c in cases]}


# ---------------------------------------------------------------------- the application
def create_app(settings: Settings | None = None, background: bool = True) -> Litestar:
    settings = settings or Settings()
    models = build_read_models(settings)
    control = SqlStore(Database(settings.db_url))
    log = build_transparency_log(models.ledger, SqlStore(Database(settings.db_url)))
    cases = CaseService(models.ledger, IdempotencyStore(control))
    services = Services(models, principal_store(models.ledger, settings, log=log), cases, log)
    stop = threading.Event()

    def start() -> None:
        if background:
            threading.Thread(
                target=keep_current, args=(models, log, stop, settings.checkpoint_seconds), daemon=True, name="projections"
            ).start()

    def shutdown() -> None:
        stop.set()

    def provide_services() -> Services:
        return services

    actions = [_action_handler(command) for command in CASE_COMMANDS.values()]
    return Litestar(
        route_handlers=[*(decorator(*args, **kwargs)(fn) for decorator, args, kwargs, fn in _ROUTES), *actions],
        dependencies={
            "services": Provide(provide_services, sync_to_thread=False),
            "principal": Provide(provide_principal, sync_to_thread=True),
        },
        exception_handlers=EXCEPTION_HANDLERS,
        before_request=check_request,
        middleware=[request_logging],
        request_max_body_size=1_000_000,
        openapi_config=OpenAPIConfig(
            title="tongban 通办 — signed case ledger of city-wide legal aid (法律援助“市域通办”)",
            version="0.1.0",
            components=Components(security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer")}),
            security=[{"bearer": []}],
        ),
        on_startup=[start],
        on_shutdown=[shutdown],
    )
