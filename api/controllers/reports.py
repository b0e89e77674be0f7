"""Reports (报表): the ledger (台账), deadlines and the worklist, costs, subsidies and the yearly figures,
as JSON or, where finance wants them, CSV and XLSX."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from functools import partial
from typing import Any

from litestar import Controller, Response, get, post
from pydantic import BaseModel

from api.http_security import Services, allow, own_unless_overseer, scope_institution
from api.openapi import READ, ReportOperation, StatementOperation, refusals
from api.report_shapes import Costs, LedgerReport, Reconciliation, Register, Statistics, Subsidies
from api.report_tables import costs_sheets, ledger_sheet, payments_sheet, reconciliation_sheets, register_sheets
from api.responses import Compliance, ComplianceByMonth, Worklist
from api.sheets import Sheet, csv_text, xlsx_bytes
from domain.vocabulary import Role
from infrastructure.principals import Principal
from projections.reconciliation import match_statement, read_statement
from service.cases import CaseService, raise_role_not_allowed

MONEY_READERS = [allow(Role.FINANCE, Role.HEAD, Role.BUREAU, Role.AUDITOR)]


class Format(StrEnum):
    """格式 What a report is answered as."""

    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


def download(
    sheets: list[Sheet], fmt: Format, name: str, as_json: dict[str, Any], services: Services, shape: type[BaseModel] | None = None
) -> Response[Any]:
    """JSON in its documented shape (api/report_shapes.py); CSV (the first sheet) or XLSX (every sheet) for spreadsheets
    (api/sheets.py)."""
    names = services.queries.name_of
    if fmt is Format.JSON:
        return Response(shape.model_validate(as_json) if shape else as_json)
    if fmt is Format.CSV:
        return Response(
            csv_text(sheets[0], names),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    return Response(
        xlsx_bytes(sheets, names),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )


class ReportController(Controller):
    tags = ("reads",)

    @get("/ledger", summary="台账 The institution ledger", responses=READ, operation_class=ReportOperation, sync_to_thread=True)
    def ledger(
        self,
        principal: Principal,
        services: Services,
        institution: str | None = None,
        period: str | None = None,
        format: Format = Format.JSON,
    ) -> Response[LedgerReport]:
        result = services.queries.ledger(scope_institution(principal, services, institution), period)
        return download([ledger_sheet(result["institutions"])], format, "ledger", result, services, LedgerReport)

    @get(
        "/ledger/detail",
        summary="台账明细 The case register: a line per case received in the period",
        responses=READ,
        operation_class=ReportOperation,
        sync_to_thread=True,
    )
    def register(
        self,
        principal: Principal,
        services: Services,
        institution: str | None = None,
        period: str | None = None,
        on: date | None = None,
        format: Format = Format.JSON,
    ) -> Response[Register]:
        """Each case the institution has a part in (all cases for the bureau and auditors), received in the period: dates,
        channel, matter, districts, transfer, hardship basis, decision, lawyer, flags, result, archive and subsidy, with
        the limits as of the end of `on` (default today); then the totals per institution. No personal data."""
        result = services.queries.register(scope_institution(principal, services, institution), period, on)
        return download(register_sheets(result), format, "register", result, services, Register)

    @get("/compliance", summary="期限合规 Compliance per rule", responses=READ, sync_to_thread=True)
    def compliance(
        self, principal: Principal, services: Services, institution: str | None = None, period: str | None = None, on: date | None = None
    ) -> Compliance:
        return Compliance.model_validate(services.queries.compliance(scope_institution(principal, services, institution), period, on))

    @get("/compliance/months", summary="期限合规趋势 Compliance month by month", responses=READ, sync_to_thread=True)
    def compliance_by_month(
        self, principal: Principal, services: Services, institution: str | None = None, period: str | None = None, on: date | None = None
    ) -> ComplianceByMonth:
        """For each month limits fell due in: every rule together (`all`) and per rule, met, missed, overdue, stopped and
        open as of the end of `on`, and the rate kept of those judged."""
        months = services.queries.compliance_by_month(scope_institution(principal, services, institution), period, on)
        return ComplianceByMonth.model_validate(months)

    @get("/worklist", summary="待办 What is due and overdue", responses=READ, sync_to_thread=True)
    def worklist(self, principal: Principal, services: Services, institution: str | None = None, on: date | None = None) -> Worklist:
        """The institution's open limits, overdue first; the applicant is named to those who may see the case's."""
        scope = scope_institution(principal, services, institution) or principal.institution_id
        return Worklist.model_validate(services.queries.worklist(scope, on, partial(CaseService.may_see_personal_data, principal)))

    @get(
        "/costs",
        summary="成本归属 Costs carried by the first-receiving institution",
        guards=MONEY_READERS,
        responses=READ,
        operation_class=ReportOperation,
        sync_to_thread=True,
    )
    def costs(self, principal: Principal, services: Services, period: str | None = None, format: Format = Format.JSON) -> Response[Costs]:
        result = services.queries.costs(own_unless_overseer(principal, services), period)
        return download(costs_sheets(result), format, "costs", result, services, Costs)

    @get(
        "/subsidies",
        summary="补贴对账 Subsidy payments against the bands",
        guards=MONEY_READERS,
        responses=READ,
        operation_class=ReportOperation,
        sync_to_thread=True,
    )
    def subsidies(
        self, principal: Principal, services: Services, period: str | None = None, format: Format = Format.JSON
    ) -> Response[Subsidies]:
        checked = services.queries.payments(own_unless_overseer(principal, services), period)
        return download([payments_sheet(checked)], format, "subsidies", {"period": period, "payments": checked}, services, Subsidies)

    @post(
        "/subsidies/reconciliation",
        summary="对账单核对 Match a payout statement (CSV body)",
        status_code=200,
        guards=MONEY_READERS,
        responses={**READ, **refusals(413)},
        operation_class=StatementOperation,
        sync_to_thread=True,
    )
    def reconciliation(
        self, principal: Principal, services: Services, body: bytes, period: str | None = None, format: Format = Format.JSON
    ) -> Response[Reconciliation]:
        """The request body is the statement as CSV: date, reference, payee, amount (yuan), headed in English or
        Chinese (日期, 凭证号, 收款人, 金额). `format=xlsx` answers a workbook: the payments, then a sheet per finding."""
        statement = read_statement(body)
        checked = services.queries.payments(own_unless_overseer(principal, services), period)
        matching = match_statement(checked, statement)
        sheets = [payments_sheet(checked), *reconciliation_sheets(matching)]
        return download(sheets, format, "reconciliation", {"period": period, **matching}, services, Reconciliation)

    @get("/stats", summary="统计 The yearly figures", responses=READ, sync_to_thread=True)
    def stats(self, principal: Principal, services: Services, institution: str | None = None, period: str | None = None) -> Statistics:
        """City-wide, or for what one institution did (`institution`): counts without personal data."""
        if not services.cases.sees_everything(principal) and not principal.has(Role.HEAD, Role.FINANCE):
            raise_role_not_allowed(Role.HEAD, Role.FINANCE)
        return Statistics.model_validate(services.queries.statistics(institution, period))
