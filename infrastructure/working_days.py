"""The Chinese working-day calendar: the State Council's holidays and adjusted working weekends (调休).

Sources, in order: the bureau's override file (for years the library does not know yet, and local
changes), then the `chinese_calendar` library. For a year neither covers (the State Council publishes
each year's schedule late in the year before), the statutory holidays are still known: the law fixes
them (全国年节及纪念日放假办法, as revised in 2024), several by the lunar calendar. Only the make-up
working days (调休) and the bridging days are unknown, so such a date is counted Monday to Friday
less the statutory holidays and flagged as not known: deadlines that depend on it are provisional,
never silently guessed, until the bureau loads the year.
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from pathlib import Path

import chinese_calendar
from lunar_python import Lunar


class WorkingDayCalendar:
    def __init__(self, override_file: Path | None = None) -> None:
        self.override_file = override_file
        self._years: dict[int, dict[str, set[date]]] = {}
        if override_file is not None and override_file.exists():
            for year, entry in json.loads(override_file.read_text()).items():
                self._years[int(year)] = {
                    "holidays": {date.fromisoformat(d) for d in entry.get("holidays", [])},
                    "working_days": {date.fromisoformat(d) for d in entry.get("working_days", [])},
                }

    def is_working_day(self, day: date) -> tuple[bool, bool]:
        override = self._years.get(day.year)
        if override is not None:
            if day in override["holidays"]:
                return False, True
            if day in override["working_days"]:
                return True, True
            return day.weekday() < 5, True
        return _library(day)

    def load_year(self, year: int, holidays: list[date], working_days: list[date]) -> None:
        """Record a year's official schedule (holidays and make-up working days) in the override file."""
        if self.override_file is None:
            raise ValueError("no override file configured")
        for day in [*holidays, *working_days]:
            if day.year != year:
                raise ValueError(f"{day} is not in {year}")
        data = json.loads(self.override_file.read_text()) if self.override_file.exists() else {}
        data[str(year)] = {
            "holidays": sorted(d.isoformat() for d in holidays),
            "working_days": sorted(d.isoformat() for d in working_days),
        }
        self.override_file.parent.mkdir(parents=True, exist_ok=True)
        self.override_file.write_text(json.dumps(data, indent=1, sort_keys=True))
        self._years[year] = {"holidays": set(holidays), "working_days": set(working_days)}


@lru_cache(maxsize=4096)
def _library(day: date) -> tuple[bool, bool]:
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:
        if day in statutory_holidays(day.year):
            return False, True  # a statutory holiday is never worked, whatever the 调休
        return day.weekday() < 5, False


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> frozenset[date]:
    """The 13 days of national statutory holiday of `year` (全国年节及纪念日放假办法 art 2, as revised
    2024-11-10, in force 2025-01-01): 元旦 1 January; 春节 the lunar new year's eve and days 1–3 of the
    first lunar month; 清明 the day of the Qingming solar term; 劳动节 1–2 May; 端午 the 5th of the 5th
    lunar month; 中秋 the 15th of the 8th lunar month; 国庆 1–3 October."""
    new_year = Lunar.fromYmd(year, 1, 1).getSolar()
    spring_festival = [new_year.next(offset) for offset in (-1, 0, 1, 2)]
    lunar_days = [Lunar.fromYmd(year, 5, 5).getSolar(), Lunar.fromYmd(year, 8, 15).getSolar()]
    qingming = Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"]
    lunar = [date(s.getYear(), s.getMonth(), s.getDay()) for s in (*spring_festival, *lunar_days, qingming)]
    fixed = [date(year, 1, 1), date(year, 5, 1), date(year, 5, 2), date(year, 10, 1), date(year, 10, 2), date(year, 10, 3)]
    return frozenset(d for d in (*fixed, *lunar) if d.year == year)
