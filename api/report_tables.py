"""The downloads of the reports (台账, 成本归属, 补贴对账) as sheets: the same columns from the command line and over
HTTP, in CSV (the first sheet) or XLSX (every sheet)."""

from __future__ import annotations

from typing import Any

from api.sheets import Column, Kind, Sheet
from projections.institution_ledger import COLUMN_TITLES, LEDGER_COLUMNS

_MONEY_WORDS = {
    "subsidy_fen": "补贴金额（元） subsidies (yuan)",
    "for_other_institutions_fen": "其中为他机构承办案件（元） for others' cases (yuan)",
}


def ledger_sheet(institutions: dict[str, Any]) -> Sheet:
    """台账: each institution's totals, then the same per matter kind and per key group."""
    columns = [
        Column("institution", "机构 institution", Kind.INSTITUTION),
        Column("breakdown", "分类 breakdown", Kind.WORD),
        Column("value", "类别 value", Kind.WORD),
        *(Column(c, f"{COLUMN_TITLES[c]} {c}", Kind.COUNT) for c in LEDGER_COLUMNS),
    ]
    rows = []
    for institution, entry in institutions.items():
        rows.append({"institution": institution, "breakdown": "total", **entry["totals"]})
        for breakdown in ("by_matter_kind", "by_key_group"):
            for value, counts in sorted(entry[breakdown].items()):
                rows.append({"institution": institution, "breakdown": breakdown.removeprefix("by_"), "value": value, **counts})
    return Sheet("台账 ledger", columns, rows)


def costs_sheets(result: dict[str, Any]) -> list[Sheet]:
    """成本归属: what each first-receiving institution carried, then who carried whose work."""
    first = Column("first_receiving", "首次受理机构 first-receiving institution", Kind.INSTITUTION)
    paid, archived = Column("subsidies_paid", "补贴笔数 subsidies paid", Kind.COUNT), Column("files_archived", "归档 archived", Kind.COUNT)
    totals = Sheet(
        "成本归属 costs",
        [first, paid, *(Column(k, t, Kind.MONEY) for k, t in _MONEY_WORDS.items()), archived],
        [{"first_receiving": i, **t} for i, t in result["by_first_receiving_institution"].items()],
    )
    matrix = Sheet(
        "首次受理×承办 matrix",
        [
            first,
            Column("handling", "承办机构 handling institution", Kind.INSTITUTION),
            paid,
            Column("subsidy_fen", _MONEY_WORDS["subsidy_fen"], Kind.MONEY),
            archived,
        ],
        [
            {"first_receiving": f, "handling": h, **c}
            for f, row in result["first_receiving_x_handling"].items()
            for h, c in sorted(row.items())
        ],
    )
    return [totals, matrix]


PAYMENT_COLUMNS = (
    Column("case_id", "案件 case"),
    Column("paid_at", "支付时间 paid at", Kind.DATETIME),
    Column("kind", "补贴类别 kind", Kind.WORD),
    Column("amount_fen", "金额（元） amount (yuan)", Kind.MONEY),
    Column("working_days", "值班天数 duty days", Kind.COUNT),
    Column("band_min_fen", "标准下限（元） band minimum (yuan)", Kind.MONEY),
    Column("band_max_fen", "标准上限（元） band maximum (yuan)", Kind.MONEY),
    Column("file_grade", "卷宗等级 file grade", Kind.WORD),
    Column("payer", "支付机构 payer", Kind.INSTITUTION),
    Column("first_receiving", "首次受理机构 first-receiving institution", Kind.INSTITUTION),
    Column("payee", "收款人 payee"),
    Column("reference", "支付凭证号 reference"),
    Column("findings", "核对结论 findings", Kind.WORDS),
)


def payments_sheet(checked: list[dict[str, Any]]) -> Sheet:
    """补贴对账: each subsidy paid against its band, one finding a word."""
    return Sheet("补贴支付 payments", PAYMENT_COLUMNS, checked)


# The statement findings (projections/reconciliation.py STATEMENT_FINDINGS), each its own sheet, with its columns.
_PAIRED = ("reference", "case_id", "date", "recorded_fen", "statement_fen", "payee", "statement_payee")
STATEMENT_SHEETS = {
    "matched": ("相符 matched", _PAIRED),
    "amount_differs": ("金额不符 amount differs", _PAIRED),
    "payee_differs": ("收款人不符 payee differs", _PAIRED),
    "paid_twice": ("重复支付 paid twice", _PAIRED),
    "recorded_not_in_statement": ("已记录未见支付 not in statement", ("reference", "case_id", "recorded_fen", "payee")),
    "in_statement_not_recorded": ("有支付无记录 not recorded", ("reference", "date", "amount_fen", "payee")),
}
_STATEMENT_COLUMNS = {
    c.key: c
    for c in (
        Column("reference", "支付凭证号 reference"),
        Column("case_id", "案件 case"),
        Column("date", "对账单日期 statement date", Kind.DATE),
        Column("recorded_fen", "记录金额（元） recorded (yuan)", Kind.MONEY),
        Column("statement_fen", "对账单金额（元） statement (yuan)", Kind.MONEY),
        Column("amount_fen", "对账单金额（元） statement (yuan)", Kind.MONEY),
        Column("payee", "收款人 payee"),
        Column("statement_payee", "对账单收款人 statement payee"),
    )
}


def reconciliation_sheets(matching: dict[str, list[dict[str, Any]]]) -> list[Sheet]:
    """One sheet per finding of a statement, one row per line."""
    return [Sheet(title, [_STATEMENT_COLUMNS[k] for k in keys], matching[finding]) for finding, (title, keys) in STATEMENT_SHEETS.items()]
