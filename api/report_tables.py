"""The downloads of the reports (台账, 成本归属, 补贴对账) as sheets: the same columns from the command line and over
HTTP, in CSV (the first sheet) or XLSX (every sheet)."""

from __future__ import annotations

from typing import Any

from api.sheets import Column, Kind, Sheet
from projections.case_register import TOTALS
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


_INSTITUTION, _DISTRICT, _WORD, _MONEY, _AT = Kind.INSTITUTION, Kind.DISTRICT, Kind.WORD, Kind.MONEY, Kind.DATETIME
REGISTER_COLUMNS = (
    Column("case_id", "案件编号 case"),
    Column("platform_number", "平台编号 platform number"),
    Column("status", "状态 status", _WORD),
    Column("received_at", "受理时间 received", _AT),
    Column("channel", "受理渠道 channel", _WORD),
    Column("matter_kind", "案件类别 matter", _WORD),
    Column("cause_of_action", "案由或罪名 cause of action or charge"),
    Column("authority_name", "办案机关 authority"),
    Column("authority_case_number", "办案机关案号 authority's case number"),
    Column("first_receiving", "首次受理机构 first-receiving institution", _INSTITUTION),
    Column("receiving_district", "受理地 receiving district", _DISTRICT),
    Column("authority_district", "办案机关所在地 authority's district", _DISTRICT),
    Column("cross_district", "跨区通办 received in another district", Kind.FLAG),
    Column("handling", "承办机构 handling institution", _INSTITUTION),
    Column("transfer_from", "转出机构 transferred from", _INSTITUTION),
    Column("transfer_to", "转入机构 transferred to", _INSTITUTION),
    Column("transfer_requested_at", "转交申请 transfer asked", _AT),
    Column("transfer_sent_at", "材料寄出 materials sent", _AT),
    Column("transfer_delivered_at", "材料送达 materials delivered", _AT),
    Column("transfer_on_time", "转交期限 transfer limit", _WORD),
    Column("hardship_basis", "经济困难依据 hardship basis", _WORD),
    Column("exemption", "免予核查类别 exemption"),
    Column("legal_basis", "法律依据 legal basis"),
    Column("decision", "决定 decision", _WORD),
    Column("decided_at", "决定时间 decided", _AT),
    Column("decision_document", "决定书、通知书编号 document number"),
    Column("decision_on_time", "审查决定期限 decision limit", _WORD),
    Column("objection", "异议 objection", _WORD, {"filed": "已提出", "upheld": "维持原决定", "correction_ordered": "责令改正"}),
    Column("appointed_at", "指派时间 appointed", _AT),
    Column("same_day", "当日受理当日指派 same-day appointment", _WORD),
    Column("appointment_on_time", "指派（通知辩护：指派并告知）期限 appointment limit", _WORD),
    Column("lawyer_name", "承办律师 lawyer"),
    Column("lawyer_firm", "律师事务所 law firm"),
    Column("lawyer_changes", "更换律师次数 lawyer changes", Kind.COUNT),
    Column("key_groups", "重点人群（绿色通道） key groups (green channel)", Kind.WORDS),
    Column("emergency", "紧急 emergency", Kind.FLAG),
    Column("complex_case", "重大疑难复杂 complex", Kind.FLAG),
    Column("group_case", "群体性 group case", Kind.FLAG),
    Column("ended", "撤回或终止 withdrawn or terminated", _WORD),
    Column("ended_at", "撤回、终止时间 ended", _AT),
    Column("termination_document", "终止决定书编号 termination document"),
    Column("closed_at", "结案时间 closed", _AT),
    Column("outcome", "结案情况 outcome"),
    Column("amount_recovered_fen", "挽回经济损失（元） recovered (yuan)", _MONEY),
    Column("file_grade", "卷宗等级 file grade", _WORD),
    Column("archived_at", "归档时间 archived", _AT),
    Column("archive_number", "归档号 archive number"),
    Column("subsidy_fen", "办案补贴（元） subsidy (yuan)", _MONEY),
    Column("subsidy_paid_at", "补贴支付时间 subsidy paid", _AT),
)


def register_sheets(result: dict[str, Any]) -> list[Sheet]:
    """台账明细: a line per case, then the totals per institution (and for the city)."""
    totals = [{"institution": i, **figures} for i, figures in result["totals"].items()]
    total_columns = [
        Column("institution", "机构 institution", _INSTITUTION),
        *(Column(k, f"{t} {k}", _MONEY if k.endswith("_fen") else Kind.COUNT) for k, t in TOTALS.items()),
    ]
    return [Sheet("台账明细 register", REGISTER_COLUMNS, result["cases"]), Sheet("合计 totals", total_columns, totals)]


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
