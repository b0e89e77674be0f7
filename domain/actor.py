"""Who acts: a person of an institution, in a role. Every event records its actor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from domain.errors import DomainError
from domain.vocabulary import Role

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")  # China has kept UTC+8 without DST since 1991
# The years the ledger reasons about: legal aid has existed since the 1990s, and deadline arithmetic on a
# far-off year (9999-12-31 plus 30 days) would leave what dates can hold.
SUPPORTED_YEARS = range(1990, 2200)


def check_supported(day: date) -> None:
    """Refuse a date outside the years the ledger reasons about (DATE_OUT_OF_RANGE)."""
    if day.year not in SUPPORTED_YEARS:
        raise DomainError(
            "DATE_OUT_OF_RANGE",
            f"日期 {day.isoformat()} 超出可处理的范围 {SUPPORTED_YEARS.start}–{SUPPORTED_YEARS.stop - 1} 年 "
            f"(dates must fall in the years {SUPPORTED_YEARS.start} to {SUPPORTED_YEARS.stop - 1}).",
        )


def check_time(at: datetime, latest: datetime | None = None) -> None:
    """Refuse a time the ledger cannot reason about (TIME_OUT_OF_RANGE): too far ahead, or outside the years."""
    try:
        in_range = at.astimezone(latest.tzinfo if latest else at.tzinfo).year in SUPPORTED_YEARS
    except (OverflowError, ValueError):
        in_range = False
    if not in_range or (latest is not None and at > latest):
        limit = f"晚于服务器时间 {latest.isoformat(timespec='seconds')} " if latest is not None and in_range else ""
        raise DomainError(
            "TIME_OUT_OF_RANGE",
            f"时间 {at.isoformat()} {limit}超出可接受的范围 (the time is in the future or outside {SUPPORTED_YEARS.start}–"
            f"{SUPPORTED_YEARS.stop - 1}).",
        )


@dataclass(frozen=True)
class Actor:
    institution_id: str
    person: str
    role: Role = Role.STAFF

    def record(self) -> dict[str, str]:
        return {"institution": self.institution_id, "person": self.person, "role": self.role.value}


def iso(at: datetime) -> str:
    """Event times are ISO-8601 strings in Asia/Shanghai with their offset, to the second."""
    if at.tzinfo is None:
        raise DomainError("TIME_WITHOUT_ZONE", "时间必须带时区 (a time must carry its UTC offset).")
    return at.astimezone(SHANGHAI).isoformat(timespec="seconds")


def iso_precise(at: datetime) -> str:
    """Like iso(), to the microsecond: for key validity windows, which are compared with signing times."""
    if at.tzinfo is None:
        raise DomainError("TIME_WITHOUT_ZONE", "时间必须带时区 (a time must carry its UTC offset).")
    return at.astimezone(SHANGHAI).isoformat(timespec="microseconds")
