"""Counting deadlines: working days by the State Council's schedule, natural days rolling past rest days, and
years without a published schedule counted provisionally until the bureau loads one."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from domain.actor import SHANGHAI
from domain.deadlines import add_natural_days, add_working_days, due_after_pause, due_date
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


@pytest.mark.parametrize(
    ("paused", "resumed", "due"),
    [
        ("2026-03-04T10:00", "2026-03-13T10:00", "2026-03-18"),  # 2 days used, 5 left from Friday 13th
        ("2026-03-02T11:00", "2026-03-03T09:00", "2026-03-10"),  # paused on the day received: all 7 left
        ("2026-03-09T16:00", "2026-03-20T09:00", "2026-03-20"),  # paused on the last day: none left, due the day it resumes
        ("2026-09-28T10:00", "2026-09-29T10:00", "2026-10-08"),  # 4 left end on 3 October, a holiday: the next working day
    ],
)
def test_the_decision_clock_pauses_while_materials_are_supplemented_and_does_not_restart(paused: str, resumed: str, due: str) -> None:
    """Received 2 March 2026 (Monday), 7 natural days (LAL 43); the supplementing time is not counted (不计入)."""
    start = "2026-03-02T09:00" if paused < "2026-09" else "2026-09-25T09:00"
    result = due_after_pause(CALENDAR, BAOTOU.deadline("DECISION"), at(start), at(paused), at(resumed))
    assert result.day == date.fromisoformat(due)


def test_a_notice_is_answered_within_three_days_even_over_a_holiday() -> None:
    """NOTIFIED serves a person in custody: its last day does not move past rest days (刑事诉讼法 art 105)."""
    assert due_date(CALENDAR, BAOTOU.deadline("NOTIFIED"), at("2026-09-29T16:00")).day == date(2026, 10, 2)
    assert due_date(CALENDAR, BAOTOU.deadline("APPOINT"), at("2026-09-29T16:00")).day == date(2026, 10, 8)


def test_complex_cases_get_three_working_days_for_platform_entry() -> None:
    rule = BAOTOU.deadline("PLATFORM")
    assert due_date(CALENDAR, rule, at("2026-03-02T09:00")).day == date(2026, 3, 4)
    assert due_date(CALENDAR, rule, at("2026-03-02T09:00"), complex_case=True).day == date(2026, 3, 5)


def test_a_deadline_in_a_year_without_an_official_schedule_is_provisional_until_the_schedule_is_loaded(tmp_path: Path) -> None:
    calendar = WorkingDayCalendar(tmp_path / "overrides.json")
    guessed = add_working_days(calendar, date(2026, 12, 30), 2)
    assert guessed.provisional
    assert guessed.day == date(2027, 1, 4)  # 31 Dec, then New Year's Day (statutory) and the weekend

    calendar.load_year(2027, holidays=[date(2027, 1, 1), date(2027, 1, 4)], working_days=[])  # say the State Council adds the 4th
    known = add_working_days(WorkingDayCalendar(tmp_path / "overrides.json"), date(2026, 12, 30), 2)
    assert not known.provisional
    assert known.day == date(2027, 1, 5)


# Years the State Council has not published: the statutory holidays of 全国年节及纪念日放假办法 (2024) are
# rest days (lunar dates worked out by hand from the almanac: 春节 2027-02-06 and 2028-01-26), every
# other weekday counts, and the result is provisional. Expected values are the law's, not the code's.
@pytest.mark.parametrize(
    ("start", "counting", "days", "due"),
    [
        ("2026-12-25", "natural", 7, "2027-01-04"),  # ends on 元旦 (Friday 1 January): next working day, after the weekend
        ("2027-02-04", "working", 2, "2027-02-10"),  # 除夕 Fri 5 Feb, 初一–初三 6–8 Feb (Mon 8 is a holiday)
        ("2027-04-02", "working", 1, "2027-04-06"),  # 清明 Monday 5 April
        ("2027-04-30", "working", 1, "2027-05-03"),  # 劳动节 1–2 May 2027 fall on the weekend
        ("2027-12-31", "working", 1, "2028-01-03"),  # 元旦 2028 is a Saturday
        ("2028-01-24", "working", 2, "2028-02-01"),  # 除夕 Tue 25 Jan, 初一–初三 26–28 Jan
        ("2028-04-28", "working", 1, "2028-05-03"),  # 劳动节 Monday 1 and Tuesday 2 May 2028
        ("2028-04-26", "natural", 5, "2028-05-03"),  # 5 days end on 1 May: rolls past both holidays
    ],
)
def test_an_unpublished_years_statutory_holidays_are_rest_days_and_the_result_is_provisional(
    start: str, counting: str, days: int, due: str
) -> None:
    add = add_working_days if counting == "working" else add_natural_days
    result = add(CALENDAR, date.fromisoformat(start), days)
    assert (result.day, result.provisional) == (date.fromisoformat(due), True)


def test_the_bureaus_override_file_wins_over_the_library(tmp_path: Path) -> None:
    calendar = WorkingDayCalendar(tmp_path / "overrides.json")
    calendar.load_year(2026, holidays=[date(2026, 3, 3)], working_days=[date(2026, 3, 7)])
    assert calendar.is_working_day(date(2026, 3, 3)) == (False, True)
    assert calendar.is_working_day(date(2026, 3, 7)) == (True, True)
    with pytest.raises(ValueError, match="not in 2026"):
        calendar.load_year(2026, holidays=[date(2027, 1, 1)], working_days=[])
