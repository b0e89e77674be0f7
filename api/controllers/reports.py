"""Reports (报表): the ledger (台账), deadlines and the worklist, costs, subsidies and the yearly figures,
as JSON or, where finance wants them, CSV and XLSX."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from litestar import Controller, Response, get, post

from api.exports import Table, write_xlsx
from api.http_security import Services, allow, own_unless_overseer, scope_institution
from domain.errors import DomainError
from domain.vocabulary import Role
from infrastructure.principals import Principal
from projections.institution_ledger import COLUMN_TITLES, LEDGER_COLUMNS
from projections.reconciliation import CHECKED_PAYMENT_COLUMNS, match_statement, read_statement
from service.cases import raise_role_not_allowed

MONEY_READERS = [allow(Role.FINANCE, Role.HEAD, Role.BUREAU, Role.AUDITOR)]


def table_response(table: Table, fmt: str, name: str, as_json: dict[str, Any]) -> Response[Any]:
    if fmt == "json":
        return Response(as_json)
    headers, rows = table
    if fmt == "csv":
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
            content,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
        )
    raise DomainError("INVALID_FORMAT", "format 应为 json、csv 或 xlsx (format must be json, csv or xlsx).")


class ReportController(Controller):
    tags = ("reads",)

    @get("/ledger", summary="台账 The institution ledger", sync_to_thread=True)
    def ledger(
        self, principal: Principal, services: Services, institution: str | None = None, period: str | None = None, format: str = "json"
    ) -> Response[Any]:
        result = services.queries.ledger(scope_institution(principal, services, institution), period)
        headers = ["institution", *(f"{COLUMN_TITLES[c]} {c}" for c in LEDGER_COLUMNS)]
        rows = [[i, *(e["totals"][c] for c in LEDGER_COLUMNS)] for i, e in result["institutions"].items()]
        return table_response((headers, rows), format, "ledger", result)

    @get("/compliance", summary="期限合规 Compliance per rule", sync_to_thread=True)
    def compliance(
        self, principal: Principal, services: Services, institution: str | None = None, period: str | None = None, on: date | None = None
    ) -> dict[str, Any]:
        return services.queries.compliance(scope_institution(principal, services, institution), period, on)

    @get("/worklist", summary="待办 What is due and overdue", sync_to_thread=True)
    def worklist(self, principal: Principal, services: Services, institution: str | None = None, on: date | None = None) -> dict[str, Any]:
        scope = scope_institution(principal, services, institution) or principal.institution_id
        return services.queries.worklist(scope, on)

    @get("/costs", summary="成本归属 Costs carried by the first-receiving institution", guards=MONEY_READERS, sync_to_thread=True)
    def costs(self, principal: Principal, services: Services, period: str | None = None, format: str = "json") -> Response[Any]:
        result = services.queries.costs(own_unless_overseer(principal, services), period)
        matrix = [
            [first, handling, c["subsidies_paid"], c["subsidy_fen"], c["files_archived"]]
            for first, row in result["first_receiving_x_handling"].items()
            for handling, c in sorted(row.items())
        ]
        headers = ["first_receiving_institution", "handling_institution", "subsidies_paid", "subsidy_fen", "files_archived"]
        return table_response((headers, matrix), format, "costs", result)

    @get("/subsidies", summary="补贴对账 Subsidy payments against the bands", guards=MONEY_READERS, sync_to_thread=True)
    def subsidies(self, principal: Principal, services: Services, period: str | None = None, format: str = "json") -> Response[Any]:
        checked = services.queries.payments(own_unless_overseer(principal, services), period)
        rows = [[", ".join(p[c]) if c == "findings" else p[c] for c in CHECKED_PAYMENT_COLUMNS] for p in checked]
        return table_response((list(CHECKED_PAYMENT_COLUMNS), rows), format, "subsidies", {"period": period, "payments": checked})

    @post(
        "/subsidies/reconciliation",
        summary="对账单核对 Match a payout statement (CSV body)",
        status_code=200,
        guards=MONEY_READERS,
        sync_to_thread=True,
    )
    def reconciliation(self, principal: Principal, services: Services, body: bytes, period: str | None = None) -> dict[str, Any]:
        """The request body is the statement as CSV: date, reference, payee, amount (yuan)."""
        statement = read_statement(body)
        checked = services.queries.payments(own_unless_overseer(principal, services), period)
        return {"period": period, **match_statement(checked, statement)}

    @get("/stats", summary="统计 The yearly figures", sync_to_thread=True)
    def stats(self, principal: Principal, services: Services, institution: str | None = None, period: str | None = None) -> dict[str, Any]:
        """City-wide, or for what one institution did (`institution`): counts without personal data."""
        if not services.cases.sees_everything(principal) and not principal.has(Role.HEAD, Role.FINANCE):
            raise_role_not_allowed(Role.HEAD, Role.FINANCE)
        return services.queries.statistics(institution, period)
