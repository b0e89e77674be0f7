"""Finance's pages (财务对账): the subsidies paid in a period, each against its band with its findings, and a payout
statement from the bank or treasury checked against them (upload it, read the findings, download the workbook).
The same queries, findings and sheets as `GET /subsidies` and `POST /subsidies/reconciliation`."""

from __future__ import annotations

from collections import Counter
from typing import Any

import anyio.to_thread
from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.response import Template

from api.controllers.reports import Format, download
from api.http_security import Services, own_unless_overseer
from api.report_tables import payments_sheet, reconciliation_sheets
from api.sheets import Sheet, shown_rows
from api.web.pages import SignedInPages, page
from api.web.session import APP
from domain.errors import DomainError
from domain.vocabulary import Role
from infrastructure.principals import Principal
from projections.reconciliation import STATEMENT_FINDINGS, decode_statement, match_statement, read_statement
from service.cases import raise_role_not_allowed

MONEY_ROLES = (Role.FINANCE, Role.HEAD, Role.BUREAU, Role.AUDITOR)  # as the API's MONEY_READERS


class FinancePages(SignedInPages):
    path = f"{APP}/finance"

    @get("/", sync_to_thread=True)
    def subsidies(self, viewer: Principal, services: Services, period: str | None = None) -> Template | Response[Any]:
        """补贴对账: each subsidy the institution paid in the period (every institution's, for the bureau and auditors)."""
        return _finance(viewer, services, period or None)

    @post("/", status_code=200)
    async def reconcile(self, request: Request[Any, Any, Any], viewer: Principal, services: Services) -> Template | Response[Any]:
        """对账单核对: the statement, uploaded as a file or sent back as text by the page's download button."""
        form = await request.form()
        upload = form.get("statement")
        raw = await upload.read() if isinstance(upload, UploadFile) else str(form.get("statement_text", "")).encode()
        if not raw.strip():
            raise DomainError("INVALID_STATEMENT", "请选择对账单文件 (choose the statement file: CSV with 日期、凭证号、收款人、金额).")
        period, as_xlsx = str(form.get("period", "")).strip() or None, form.get("format") == "xlsx"
        return await anyio.to_thread.run_sync(_finance, viewer, services, period, raw, as_xlsx)


def _finance(
    viewer: Principal, services: Services, period: str | None, statement: bytes | None = None, as_xlsx: bool = False
) -> Template | Response[Any]:
    """The payments of the period with their findings and, given a statement, what it was found to hold."""
    if not viewer.has(*MONEY_ROLES):
        raise_role_not_allowed(*MONEY_ROLES)
    # A statement that cannot be read is refused before anything else is read; the page offers its text back.
    read = (read_statement(statement), decode_statement(statement)) if statement is not None else None
    checked = services.queries.payments(own_unless_overseer(viewer, services), period)
    sheets = [payments_sheet(checked)]
    context: dict[str, Any] = {"period": period or "", "findings": Counter(f for p in checked for f in p["findings"])}
    if read is not None:
        lines, text = read
        matching = match_statement(checked, lines)
        sheets += reconciliation_sheets(matching)
        if as_xlsx:
            return download(sheets, Format.XLSX, f"reconciliation-{period or 'all'}", {}, services)
        found = zip(STATEMENT_FINDINGS, sheets[1:], strict=True)
        context.update(statement=text, matching=[(f, len(matching[f]), _table(sheet, services)) for f, sheet in found])
    return page("finance.html", viewer, services, payments=_table(sheets[0], services), **context)


def _table(sheet: Sheet, services: Services) -> dict[str, Any]:
    return {"title": sheet.title, "headers": [c.title for c in sheet.columns], "rows": shown_rows(sheet, services.queries.name_of)}
