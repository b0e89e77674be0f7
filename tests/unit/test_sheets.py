"""Downloads (api/sheets.py) as specifications: what a cell holds and how it is shown, whatever the report."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import load_workbook

from api.sheets import Column, Kind, Sheet, csv_text, xlsx_bytes

NAMES = {"baotou-qingshan": "包头市青山区法律援助中心"}.get


def test_a_text_that_looks_like_a_formula_stays_text_in_xlsx_and_csv() -> None:
    sheet = Sheet("t", [Column("payee", "收款人 payee"), Column("amount_fen", "金额 amount", Kind.MONEY)], [])
    rows = [{"payee": p, "amount_fen": 1} for p in ("=1+2", "+86 472", "-3", "@SUM(A1)", "张律师")]
    sheet = Sheet("t", sheet.columns, rows)
    cells = list(load_workbook(io.BytesIO(xlsx_bytes([sheet], str)))["t"].iter_rows(min_row=2, max_col=1))
    assert [(c.value, c.data_type, bool(c.quotePrefix)) for (c,) in cells] == [
        ("=1+2", "s", True),
        ("+86 472", "s", True),
        ("-3", "s", True),
        ("@SUM(A1)", "s", True),
        ("张律师", "s", False),
    ]
    written = csv_text(sheet, str).removeprefix("\ufeff").splitlines()
    assert written[1:] == ["'=1+2,0.01", "'+86 472,0.01", "'-3,0.01", "'@SUM(A1),0.01", "张律师,0.01"]


def test_money_dates_names_and_words_are_cells_of_their_kind() -> None:
    columns = [
        Column("paid_at", "支付时间 paid at", Kind.DATETIME),
        Column("amount_fen", "金额（元） amount (yuan)", Kind.MONEY),
        Column("payer", "支付机构 payer", Kind.INSTITUTION),
        Column("findings", "核对结论 findings", Kind.WORDS),
        Column("day", "对账单日期 statement date", Kind.DATE),
    ]
    row = {"paid_at": "2026-04-20T01:30:00+00:00", "amount_fen": 123_456, "payer": "baotou-qingshan",
           "findings": ["below_band", "duplicate"], "day": "20.04.2026"}  # fmt: skip
    sheet = load_workbook(io.BytesIO(xlsx_bytes([Sheet("t", columns, [row])], lambda i: NAMES(i) or i)))["t"]
    paid_at, amount, payer, findings, day = sheet[2]
    assert (paid_at.value, paid_at.number_format) == (datetime(2026, 4, 20, 9, 30), "yyyy-mm-dd hh:mm")  # Beijing time
    assert (amount.value, amount.number_format) == (1234.56, "#,##0.00")
    assert (payer.value, findings.value, day.value) == (
        "包头市青山区法律援助中心",
        "低于标准；重复支付",
        "20.04.2026",
    )  # a day no ISO reader takes stays as written
    written = csv_text(Sheet("t", columns, [row]), lambda i: NAMES(i) or i).removeprefix("\ufeff").splitlines()
    assert written[1] == "2026-04-20 09:30,1234.56,包头市青山区法律援助中心,低于标准；重复支付,20.04.2026"
