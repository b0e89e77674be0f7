"""Finance's page: the subsidies paid, a payout statement checked against them on the page (a line paid twice, a
reference never recorded), the workbook downloaded; a caseworker is refused, and a statement that cannot be read
is said so on the page."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from infrastructure.ledger import CaseLedger
from tests.http_client import Api
from tests.integration.test_web_pages import sign_in
from tests.walkthrough import walk_whole_case

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
# The walkthrough paid 1,500.00 yuan to 张律师 under PAY-1; the bank's statement shows it twice, and a line for a
# payment no one recorded.
STATEMENT = "日期,凭证号,收款人,金额\n2026-03-05,PAY-1,张律师,1500.00\n2026-03-06,PAY-1,张律师,1500.00\n2026-03-07,PAY-9,李律师,800.00\n"


def upload(api: Api, csrf: str, statement: str) -> Any:
    files = {"statement": ("statement.csv", statement.encode("utf-8"), "text/csv")}
    return api.client.post("/app/finance/", data={"period": "2026", "_csrf_token": csrf}, files=files)


def test_finance_checks_a_statement_on_the_page_and_downloads_the_workbook(ledger: CaseLedger, api: Api) -> None:
    walk_whole_case(ledger)
    csrf = sign_in(api, "kundulun_finance")

    listed = api.client.get("/app/finance/?period=2026")
    assert listed.status_code == 200 and "1,500.00" in listed.text and "PAY-1" in listed.text and "张律师" in listed.text

    checked = upload(api, csrf, STATEMENT)
    assert checked.status_code == 200
    summary = dict(re.findall(r'<tr class="(\w+)"><td>[^<]*</td><td>(\d+)</td></tr>', checked.text))
    assert summary == {
        "matched": "1",
        "amount_differs": "0",
        "payee_differs": "0",
        "paid_twice": "1",
        "recorded_not_in_statement": "0",
        "in_statement_not_recorded": "1",
    }
    assert 'id="finding-paid_twice"' in checked.text and "PAY-9" in checked.text

    csrf = re.findall(r'name="_csrf_token" value="([0-9a-f]+)"', checked.text)[0]
    workbook = api.client.post("/app/finance/", data={"period": "2026", "format": "xlsx", "statement_text": STATEMENT, "_csrf_token": csrf})
    assert workbook.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheets = load_workbook(io.BytesIO(workbook.content))
    twice = sheets["重复支付 paid twice"]
    header = [c.value for c in twice[1]]
    row = dict(zip(header, [c.value for c in twice[2]], strict=True))
    assert row["支付凭证号 reference"] == "PAY-1" and row["对账单金额（元） statement (yuan)"] == Decimal("1500")
    assert twice.cell(row=2, column=header.index("对账单金额（元） statement (yuan)") + 1).number_format == "#,##0.00"


def test_a_caseworker_is_refused_and_a_statement_that_cannot_be_read_is_said_so(ledger: CaseLedger, api: Api) -> None:
    walk_whole_case(ledger)
    sign_in(api, "kundulun_staff")
    refused = api.client.get("/app/finance/")
    assert refused.status_code == 403 and "ROLE_NOT_ALLOWED" in refused.text and "PAY-1" not in refused.text

    csrf = sign_in(api, "kundulun_finance")
    unreadable = upload(api, csrf, "reference;amount\nPAY-1;1500\n")
    assert unreadable.status_code == 422 and "INVALID_STATEMENT" in unreadable.text
    assert unreadable.headers["content-type"].startswith("text/html")
