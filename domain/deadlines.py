"""Deadline arithmetic (期限计算): pure functions over a working-day calendar that is passed in.

Working-day periods count the working days after the starting day; natural-day periods exclude the
starting day, and one whose last day is a rest day ends on the next working day (民法典 arts 201, 203,
applied by analogy) unless the rule runs for a person in custody (刑事诉讼法 art 105). A due date that
rests on a year with no official holiday schedule is provisional.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol

from domain.actor import SHANGHAI
from domain.policy import Counting, DeadlineRule

END_OF_DAY = time(23, 59, 59)


class WorkingDays(Protocol):
    def is_working_day(self, day: date) -> tuple[bool, bool]:
        """(is it a working day, is that known from an official schedule rather than guessed Mon–Fri)"""
        ...


@dataclass(frozen=True)
class Due:
    day: date
    provisional: bool

    @property
    def at(self) -> datetime:
        """The last moment of the due day, Asia/Shanghai."""
        return datetime.combine(self.day, END_OF_DAY, tzinfo=SHANGHAI)


def add_working_days(calendar: WorkingDays, start: date, count: int) -> Due:
    day, provisional, counted = start, False, 0
    while counted < count:
        day += timedelta(days=1)
        working, known = calendar.is_working_day(day)
        provisional |= not known
        counted += working
    return Due(day, provisional)


def add_natural_days(calendar: WorkingDays, start: date, count: int, extends_past_rest_days: bool = True) -> Due:
    day = start + timedelta(days=count)
    if not extends_past_rest_days:
        return Due(day, False)
    working, known = calendar.is_working_day(day)
    provisional = not known
    while not working:
        day += timedelta(days=1)
        working, known = calendar.is_working_day(day)
        provisional |= not known
    return Due(day, provisional)


def _limit(rule: DeadlineRule, complex_case: bool) -> int:
    return rule.complex_limit if complex_case and rule.complex_limit is not None else rule.limit


def _day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def due_date(calendar: WorkingDays, rule: DeadlineRule, start: datetime, complex_case: bool = False) -> Due:
    """When a rule's limit runs out for a clock started at `start`."""
    limit = _limit(rule, complex_case)
    start_day = _day(start)
    if rule.counting is Counting.SAME_DAY:
        return Due(start_day, False)
    if rule.counting is Counting.WORKING_DAYS:
        return add_working_days(calendar, start_day, limit)
    return add_natural_days(calendar, start_day, limit, rule.extends_past_rest_days)


def due_after_pause(
    calendar: WorkingDays, rule: DeadlineRule, start: datetime, paused: datetime, resumed: datetime, complex_case: bool = False
) -> Due:
    """A natural-day limit whose clock stood still from `paused` to `resumed` (the time the applicant takes
    to supplement materials is not counted, 不计入; LAL art 43): the days used before the pause count, and
    the rest run from the day it resumed. The clock pauses; it does not start again."""
    used = (_day(paused) - _day(start)).days
    return add_natural_days(calendar, _day(resumed), max(_limit(rule, complex_case) - used, 0), rule.extends_past_rest_days)
