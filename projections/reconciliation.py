"""Finance reconciliation (办案补贴对账): every recorded subsidy payment against the policy's band, and
against a payout statement from the bank or the treasury.

Findings per payment:
- within_band, above_band_approved, above_band_without_approval, below_band (bands per case, or per
  working day for duty lawyers; for the file's grade where the profile pays by grade, 差别补贴);
- duplicate (same case, same kind, paid more than once);
- paid_before_file (before the case was closed or terminated, or before its closing file was submitted);
- not_first_receiving (paid by an institution other than the first-receiving one, 000 三(二)).
The domain refuses most of these when commands are recorded; reconciliation still checks every one,
because the point of an audit is not to trust the write path.

Against a statement, by the payment's reference (支付凭证号): matched (same amount, same payee), amount_differs,
payee_differs, paid_twice (a reference on more than one line), recorded_not_in_statement and
in_statement_not_recorded.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from domain.errors import DomainError
from domain.policy import PolicyProfile
from domain.vocabulary import SubsidyKind
from infrastructure.sql_store import SqlStore
from projections.periods import period_filter, where_clause

PAYMENT_COLUMNS = (
    "case_id",
    "version",
    "paid_at",
    "kind",
    "amount_fen",
    "working_days",
    "payee",
    "reference",
    "payer",
    "first_receiving",
    "handling",
    "matter_kind",
    "closed_at",
    "terminated_at",
    "file_submitted_at",
    "approved_fen",
    "file_grade",
)


@dataclass(frozen=True)
class StatementLine:
    date: str
    reference: str
    payee: str
    amount_fen: int


def read_payments(
    store: SqlStore, table: Callable[[str], str], institution: str | None = None, start: str | None = None, end: str | None = None
) -> list[dict[str, Any]]:
    where, params = period_filter("paid_at", start, end, payer=institution)
    sql = f"SELECT {', '.join(PAYMENT_COLUMNS)} FROM {table('payments')}" + where_clause(where)
    return [dict(zip(PAYMENT_COLUMNS, row, strict=True)) for row in store.fetchall(sql + " ORDER BY paid_at, case_id", params)]


def check_payments(payments: list[dict[str, Any]], policy: PolicyProfile) -> list[dict[str, Any]]:
    """Each payment with its band and its findings."""
    per_item = Counter((p["case_id"], p["kind"]) for p in payments)
    checked = []
    for p in payments:
        band = policy.band(SubsidyKind(p["kind"]), p["file_grade"])
        units = p["working_days"] if band.per_working_day else 1
        low, high = band.minimum_fen * units, band.maximum_fen * units
        findings = []
        if p["amount_fen"] > high:
            findings.append("above_band_approved" if p["amount_fen"] <= p["approved_fen"] else "above_band_without_approval")
        elif p["amount_fen"] < low:
            findings.append("below_band")
        else:
            findings.append("within_band")
        if per_item[(p["case_id"], p["kind"])] > 1:
            findings.append("duplicate")
        ended = p["closed_at"] or p["terminated_at"]
        if not ended or ended > p["paid_at"] or not p["file_submitted_at"] or p["file_submitted_at"] > p["paid_at"]:
            findings.append("paid_before_file")
        if p["payer"] != p["first_receiving"]:
            findings.append("not_first_receiving")
        checked.append({**p, "band_min_fen": low, "band_max_fen": high, "findings": findings})
    return checked


def decode_statement(raw: bytes) -> str:
    """A statement's text: UTF-8 (with or without BOM) or GB18030, the two encodings banks and Excel produce here."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not any((ord(c) < 32 and c not in "\t\r\n") or c == "\x7f" for c in text):
            return text
    raise DomainError(
        "UNREADABLE_STATEMENT", "对账单应为 UTF-8 或 GB18030 编码的 CSV 文本 (the statement must be CSV text in UTF-8 or GB18030)."
    )


# A statement's columns, as banks and treasuries head them in English or Chinese.
STATEMENT_HEADERS = {
    "date": ("date", "日期", "支付日期", "交易日期"),
    "reference": ("reference", "凭证号", "支付凭证号", "参考号", "流水号"),
    "payee": ("payee", "收款人", "收款人名称", "户名"),
    "amount": ("amount", "金额", "金额（元）", "金额(元)", "支付金额"),
}


def read_statement(raw: bytes) -> list[StatementLine]:
    """A payout statement: CSV with the columns date, reference, payee and amount (yuan, e.g. 1,500.00), headed
    in English or Chinese (日期, 凭证号, 收款人, 金额); other columns are ignored."""
    lines = []
    reader = csv.reader(io.StringIO(decode_statement(raw), newline=""))
    headers = [h.strip() for h in next(reader, [])]
    where = {name: next((headers.index(a) for a in aliases if a in headers), None) for name, aliases in STATEMENT_HEADERS.items()}
    missing = sorted(name for name, n in where.items() if n is None)
    if missing:
        raise DomainError(
            "INVALID_STATEMENT",
            f"对账单缺少列 {missing}，表头可用 日期、凭证号、收款人、金额 "
            f"(the statement lacks the columns {missing}; it needs date, reference, payee and amount).",
        )
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue  # a blank line, as spreadsheets leave at the end
        row = {name: (cells[n].strip() if n is not None and n < len(cells) else "") for name, n in where.items()}
        try:
            fen = Decimal(row["amount"].replace(",", "")) * 100
        except InvalidOperation:
            raise DomainError("INVALID_STATEMENT", f"第 {number} 行金额 {row['amount']!r} 不是数字 (amount is not a number).") from None
        if not fen.is_finite() or fen != fen.to_integral_value() or abs(fen) > 10**12:
            raise DomainError(
                "INVALID_STATEMENT", f"第 {number} 行金额 {row['amount']!r} 不是以分计的合理金额 (amount not a sane sum in fen)."
            )
        lines.append(StatementLine(row["date"], row["reference"], row["payee"], int(fen)))
    return lines


def match_statement(payments: Iterable[dict[str, Any]], statement: list[StatementLine]) -> dict[str, list[dict[str, Any]]]:
    """Match recorded payments to statement lines by reference (支付凭证号). A line is matched only when its amount
    and its payee are the recorded ones; a second line with a reference already seen is a payment made twice."""
    recorded = {p["reference"]: p for p in payments}
    seen: set[str] = set()
    result: dict[str, list[dict[str, Any]]] = {name: [] for name in STATEMENT_FINDINGS}
    for line in statement:
        payment = recorded.get(line.reference)
        if payment is None:
            result["in_statement_not_recorded"].append(vars(line))
            continue
        pair = {
            "reference": line.reference,
            "case_id": payment["case_id"],
            "date": line.date,
            "recorded_fen": payment["amount_fen"],
            "statement_fen": line.amount_fen,
            "payee": payment["payee"],
            "statement_payee": line.payee,
        }
        if line.reference in seen:
            result["paid_twice"].append(pair)
        elif _name(line.payee) != _name(payment["payee"]):
            result["payee_differs"].append(pair)
        elif line.amount_fen != payment["amount_fen"]:
            result["amount_differs"].append(pair)
        else:
            result["matched"].append(pair)
        seen.add(line.reference)
    result["recorded_not_in_statement"] = [
        {"reference": ref, "case_id": p["case_id"], "recorded_fen": p["amount_fen"], "payee": p["payee"]}
        for ref, p in recorded.items()
        if ref not in seen
    ]
    return result


# What a statement line can be found to be, in the order reports show them.
STATEMENT_FINDINGS = (
    "matched",
    "amount_differs",
    "payee_differs",
    "paid_twice",
    "recorded_not_in_statement",
    "in_statement_not_recorded",
)


def _name(payee: str) -> str:
    """A payee as compared: without spaces (banks pad names) and with full-width brackets as half-width."""
    return "".join(payee.split()).replace("（", "(").replace("）", ")")
