"""Counting deadlines: working days by the State Council's schedule, natural days rolling past rest days, and
years without a published schedule counted provisionally until the bureau loads one."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from domain.actor import SHANGHAI
from domain.deadlines import add_natural_days, add_working_days, due_date
from domain.policy import BAOTOU
from infrastructure.working_days import WorkingDayCalendar

CALENDAR = WorkingDayCalendar()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        ("2025-09-30", 2, "2025-10-10"),  # National Day: Oct 1–8 off, Oct 11 (Sat) worked
        ("2026-02-13", 2, "2026-02-24"),  # Spring Festival: Feb 14 (Sat) worked, Feb 15–23 off
        ("2025-01-24", 2, "2025-01-27"),  # Sunday Jan 26 2025 is an adjusted working day
        ("2025-12-31", 2, "2026-01-05"),  # New Year 2026: Jan 1–3 off, Sunday Jan 4 worked
        ("2026-03-02", 2, "2026-03-04"),  # an ordinary week
    ],
)
def test_working_days_follow_the_state_council_schedule(start: str, days: int, due: str) -> None:
    result = add_working_days(CALENDAR, date.fromisoformat(start), days)
    assert result.day == date.fromisoformat(due)
    assert not result.provisional


def test_a_natural_day_period_ending_on_a_holiday_ends_on_the_next_working_day() -> None:
    decision = due_date(CALENDAR, BAOTOU.deadline("DECISION"), at("2025-09-26T10:00"))
    assert decision.day == date(2025, 10, 9)  # 7 days later is Oct 3, inside the National Day holiday


def test_a_natural_day_period_excludes_the_starting_day() -> None:
    assert add_natural_days(CALENDAR, date(2026, 3, 2), 3).day == date(2026, 3, 5)


def test_complex_cases_get_three_working_days_for_platform_entry() -> None:
    rule = BAOTOU.deadline("PLATFORM")
    assert due_date(CALENDAR, rule, at("2026-03-02T09:00")).day == date(2026, 3, 4)
    assert due_date(CALENDAR, rule, at("2026-03-02T09:00"), complex_case=True).day == date(2026, 3, 5)


def test_a_deadline_in_a_year_without_an_official_schedule_is_provisional_until_the_schedule_is_loaded(tmp_path: Path) -> None:
    calendar = WorkingDayCalendar(tmp_path / "overrides.json")
    guessed = add_working_days(calendar, date(2026, 12, 30), 2)
    assert guessed.provisional
    assert guessed.day == date(2027, 1, 1)  # Monday-to-Friday guess: New Year's Day counted as working

    calendar.load_year(2027, holidays=[date(2027, 1, 1)], working_days=[])
    known = add_working_days(WorkingDayCalendar(tmp_path / "overrides.json"), date(2026, 12, 30), 2)
    assert not known.provisional
    assert known.day == date(2027, 1, 4)


def test_the_bureaus_override_file_wins_over_the_library(tmp_path: Path) -> None:
    calendar = WorkingDayCalendar(tmp_path / "overrides.json")
    calendar.load_year(2026, holidays=[date(2026, 3, 3)], working_days=[date(2026, 3, 7)])
    assert calendar.is_working_day(date(2026, 3, 3)) == (False, True)
    assert calendar.is_working_day(date(2026, 3, 7)) == (True, True)
    with pytest.raises(ValueError, match="not in 2026"):
        calendar.load_year(2026, holidays=[date(2027, 1, 1)], working_days=[])
