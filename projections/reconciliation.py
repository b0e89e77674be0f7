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


# The columns of a checked payment, in the order exports show them.
CHECKED_PAYMENT_COLUMNS = (
    "case_id",
    "paid_at",
    "kind",
    "amount_fen",
    "band_min_fen",
    "band_max_fen",
    "file_grade",
    "payer",
    "first_receiving",
    "payee",
    "reference",
    "findings",
)


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


def read_statement(raw: bytes) -> list[StatementLine]:
    """A payout statement: CSV with columns date, reference, payee, amount (yuan, e.g. 1500.00)."""
    lines = []
    reader = csv.DictReader(io.StringIO(decode_statement(raw), newline=""))
    missing = {"date", "reference", "payee", "amount"} - set(reader.fieldnames or [])
    if missing:
        raise DomainError("INVALID_STATEMENT", f"对账单缺少列 {sorted(missing)} (the statement lacks these columns).")
    for number, row in enumerate(reader, start=2):
        try:
            fen = Decimal((row["amount"] or "").replace(",", "").strip()) * 100
        except InvalidOperation:
            raise DomainError("INVALID_STATEMENT", f"第 {number} 行金额 {row['amount']!r} 不是数字 (amount is not a number).") from None
        if not fen.is_finite() or fen != fen.to_integral_value() or abs(fen) > 10**12:
            raise DomainError(
                "INVALID_STATEMENT", f"第 {number} 行金额 {row['amount']!r} 不是以分计的合理金额 (amount not a sane sum in fen)."
            )
        lines.append(StatementLine((row["date"] or "").strip(), (row["reference"] or "").strip(), (row["payee"] or "").strip(), int(fen)))
    return lines


def match_statement(payments: Iterable[dict[str, Any]], statement: list[StatementLine]) -> dict[str, list[dict[str, Any]]]:
    """Match recorded payments to statement lines by reference."""
    recorded = {p["reference"]: p for p in payments}
    seen: set[str] = set()
    result: dict[str, list[dict[str, Any]]] = {
        "matched": [],
        "amount_differs": [],
        "recorded_not_in_statement": [],
        "in_statement_not_recorded": [],
    }
    for line in statement:
        payment = recorded.get(line.reference)
        if payment is None:
            result["in_statement_not_recorded"].append(vars(line))
            continue
        seen.add(line.reference)
        pair = {
            "reference": line.reference,
            "case_id": payment["case_id"],
            "recorded_fen": payment["amount_fen"],
            "statement_fen": line.amount_fen,
            "payee": payment["payee"],
            "statement_payee": line.payee,
        }
        result["matched" if payment["amount_fen"] == line.amount_fen else "amount_differs"].append(pair)
    result["recorded_not_in_statement"] = [
        {"reference": ref, "case_id": p["case_id"], "recorded_fen": p["amount_fen"], "payee": p["payee"]}
        for ref, p in recorded.items()
        if ref not in seen
    ]
    return result
