"""Reporting periods: a year (2026), a quarter (2026-Q1) or a month (2026-03); and the SQL conditions the read
models filter their rows by."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from domain.actor import SUPPORTED_YEARS
from domain.errors import DomainError


def parse_period(period: str) -> tuple[date, date]:
    """The first day of the period and the first day after it."""
    year_of = re.match(r"\d{4}", period)
    if year_of and int(year_of[0]) not in SUPPORTED_YEARS:
        raise DomainError(
            "INVALID_PERIOD",
            f"期间 {period!r} 的年份超出 {SUPPORTED_YEARS.start}–{SUPPORTED_YEARS.stop - 1} "
            f"(the period's year must fall in {SUPPORTED_YEARS.start} to {SUPPORTED_YEARS.stop - 1}).",
        )
    if m := re.fullmatch(r"(\d{4})", period):
        year = int(m[1])
        return date(year, 1, 1), date(year + 1, 1, 1)
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", period, re.IGNORECASE):
        year, quarter = int(m[1]), int(m[2])
        start = date(year, 3 * quarter - 2, 1)
        return start, date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    if m := re.fullmatch(r"(\d{4})-(\d{2})", period):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12:
            return date(year, month, 1), date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    raise DomainError("INVALID_PERIOD", f"期间 {period!r} 格式应为 2026、2026-Q1 或 2026-03 (period must be a year, quarter or month).")


def check_month(month: str) -> None:
    """A register's or roster's month, written 2026-11 (INVALID_PERIOD otherwise)."""
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise DomainError("INVALID_PERIOD", f"月份 {month!r} 格式应为 2026-11 (a month is written 2026-11).")


def conditions(*pairs: tuple[str, Any]) -> tuple[list[str], list[Any]]:
    """The SQL conditions whose value is given (None or empty: no condition), with their parameters."""
    given = [(condition, value) for condition, value in pairs if value]
    return [condition for condition, _ in given], [value for _, value in given]


def period_filter(column: str, start: str | None, end: str | None, **equal: str | None) -> tuple[list[str], list[Any]]:
    """Conditions for `column` in [start, end) and each other column equal to its value (None: any), with their parameters."""
    return conditions((f"{column} >= ?", start), (f"{column} < ?", end), *((f"{other} = ?", value) for other, value in equal.items()))


def where_clause(where: list[str]) -> str:
    """ " WHERE a AND b" for the conditions, or nothing when there are none."""
    return " WHERE " + " AND ".join(where) if where else ""
