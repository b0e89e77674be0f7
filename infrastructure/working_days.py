"""The Chinese working-day calendar: the State Council's holidays and adjusted working weekends (调休).

Sources, in order: the bureau's override file (for years the library does not know yet, and local
changes), then the `chinese_calendar` library. A date neither covers is counted Monday to Friday and
flagged as not known, so deadlines that depend on it are marked provisional, never silently guessed.
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from pathlib import Path

import chinese_calendar


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
        return day.weekday() < 5, False
