"""Deadline commands: `deadline`, `worklist`, `compliance`, `calendar` and `projections`."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import click

from api.cli_common import command_read_models, db_option, json_option
from api.cli_types import ShanghaiTime
from api.words import padded, word
from domain.actor import check_supported
from domain.deadlines import due_date
from domain.errors import DomainError
from domain.policy import profile
from infrastructure.config import Settings
from projections.registry import calendar_for
from service.queries import Queries

day_type = ShanghaiTime()  # a day, or any time the ledger prints: its day in Asia/Shanghai


def _emit(value: Any, as_json: bool, text: str) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str) if as_json else text)


@click.command()
@click.argument("rule")
@click.option(
    "--from",
    "start",
    required=True,
    type=ShanghaiTime(),
    help="When the clock started (ISO-8601; without an offset, Asia/Shanghai).",
)
@click.option("--complex", "complex_case", is_flag=True, help="A major, difficult, complex or special case (重大疑难复杂).")
@json_option
def deadline(rule: str, start: datetime, complex_case: bool, as_json: bool) -> None:
    """When is it due? The due date of one RULE (TRANSFER, PLATFORM, DECISION, APPOINT, ...) from a start time."""
    settings = Settings()
    policy = profile(settings.policy)
    check_supported(start.date())
    try:
        definition = policy.deadline(rule.upper())
    except KeyError:
        known = ", ".join(r.rule_id for r in policy.deadlines)
        raise DomainError("UNKNOWN_RULE", f"没有期限规则 {rule} (no such rule; known: {known}).") from None
    due = due_date(calendar_for(settings), definition, start, complex_case)
    limit = definition.complex_limit if complex_case and definition.complex_limit else definition.limit
    result = {
        "rule": definition.rule_id,
        "description": definition.description,
        "from": start.replace(tzinfo=None).isoformat(),  # Asia/Shanghai, as the due times
        "limit": limit,
        "counted_in": definition.counting.value,
        "due": due.day.isoformat(),
        "due_by": due.at.isoformat(),
        "provisional": due.provisional,
        "source": definition.source,
    }
    note = "  (provisional: the official holiday schedule for that year is not known yet)" if due.provisional else ""
    _emit(result, as_json, f"{definition.rule_id} ({definition.description}): due {due.day} 23:59{note}")


@click.command()
@click.option("--institution", required=True, help="Institution id, e.g. baotou-qingshan.")
@click.option(
    "--date",
    "on",
    type=day_type,
    default=None,
    help="The day to look from: 2026-03-02, or a time such as 2026-03-02T15:03:00+08:00 (default: today).",
)
@db_option
@json_option
def worklist(institution: str, on: datetime | None, db_url: str, as_json: bool) -> None:
    """What an institution must do: overdue, due by the next working day, and other open limits, each with the
    applicant, the authority and the rule in words (whoever runs this holds the keys and may read the names)."""
    queries = Queries(command_read_models(db_url))
    result = queries.worklist(institution, on.date() if on else None, sees_applicant=lambda involved: True)
    lines = [f"{queries.name_of(institution)} 待办 worklist, {result['date']}: {len(result['items'])}"]
    for i in result["items"]:
        case = "  ".join(filter(None, [i.get("applicant_name"), i.get("authority_name"), word(i.get("matter_kind"))]))
        lines.append(
            f"{padded(word(i['status']), 14)} 期限 {i['due_day']}  {padded(i['rule_description'], 44)} {case}  案件 {i['case_id']}"
        )
    _emit(result, as_json, "\n".join(lines) if result["items"] else "nothing open 无待办")


@click.command()
@click.option("--institution", default=None, help="Only limits this institution answers for.")
@click.option("--period", default=None, help="2026, 2026-Q1 or 2026-03: limits due in that period.")
@click.option(
    "--date",
    "on",
    type=day_type,
    default=None,
    help="Judge open limits as of this day: 2026-03-02, or a time (its day in Asia/Shanghai) (default: today).",
)
@db_option
@json_option
def compliance(institution: str | None, period: str | None, on: datetime | None, db_url: str, as_json: bool) -> None:
    """Compliance rates per rule (and the same-day and one-notice rules), per institution and period."""
    result = Queries(command_read_models(db_url)).compliance(institution, period, on.date() if on else None)
    # total = met + missed + overdue + stopped + open; the rate is met of those judged (met, missed, overdue)
    counts = ("total", "met", "missed", "overdue", "stopped", "open")
    lines = [f"{'rule':<10}" + "".join(f"{c:>9}" for c in counts) + f"{'rate':>8}"]
    for rule, c in result["rules"].items():
        rate = f"{c['rate']:.1%}" if c["rate"] is not None else "-"
        lines.append(f"{rule:<10}" + "".join(f"{c[k]:>9}" for k in counts) + f"{rate:>8}")
    _emit(result, as_json, "\n".join(lines))


@click.group()
def calendar() -> None:
    """The working-day calendar: official holidays and make-up working days (调休)."""


def _days(value: str) -> list[date]:
    return [date.fromisoformat(d.strip()) for d in value.split(",") if d.strip()]


@calendar.command("load")
@click.argument("year", type=int)
@click.option("--holidays", required=True, help="Comma-separated dates the State Council made rest days.")
@click.option("--working-days", "working_days", default="", help="Comma-separated weekend dates made working days.")
def calendar_load(year: int, holidays: str, working_days: str) -> None:
    """Record a year's official schedule (for years the calendar library does not know yet)."""
    settings = Settings()
    check_supported(date(year, 1, 1) if 1 <= year <= 9999 else date.max)
    try:
        calendar_for(settings).load_year(year, _days(holidays), _days(working_days))
    except ValueError as exc:
        raise DomainError("INVALID_CALENDAR", f"日历数据有误 (the schedule is not valid: {exc}).") from None
    click.echo(f"{year}: schedule recorded in {settings.calendar_file}")
    click.echo("run `tongban projections rebuild` to recompute the provisional deadlines")


@calendar.command("show")
@click.argument("year", type=int)
def calendar_show(year: int) -> None:
    """Which days of a year are working days, and whether that is known or provisional."""
    check_supported(date(year, 1, 1) if 1 <= year <= 9999 else date.max)
    cal = calendar_for(Settings())
    day, rest, made_working, known = date(year, 1, 1), [], [], True
    while day.year == year:
        working, is_known = cal.is_working_day(day)
        known &= is_known
        if not working and day.weekday() < 5:
            rest.append(day.isoformat())
        if working and day.weekday() >= 5:
            made_working.append(day.isoformat())
        day = date.fromordinal(day.toordinal() + 1)
    click.echo(f"{year}: {'official schedule' if known else 'NOT KNOWN: counted Monday to Friday, deadlines provisional'}")
    click.echo(f"weekday rest days: {', '.join(rest) or '-'}\nweekend working days: {', '.join(made_working) or '-'}")


@click.group()
def projections() -> None:
    """Read models: their position, lag, and rebuilding them from the ledger."""


@projections.command("status")
@db_option
def projections_status(db_url: str) -> None:
    models = command_read_models(db_url)
    for name, runner in models.runners.items():
        s = runner.status()
        click.echo(f"{name:<12} generation {s.generation}  position {s.position}  head {s.head}  lag {s.lag}")


@projections.command("rebuild")
@click.argument("name", required=False)
@db_option
def projections_rebuild(name: str | None, db_url: str) -> None:
    """Replay the whole ledger into fresh tables, then switch readers over at once."""
    models = command_read_models(db_url)
    runners = models.runners
    if name and name not in runners:
        raise DomainError("UNKNOWN_PROJECTION", f"没有读模型 {name} (no such projection; known: {', '.join(runners)}).")
    for runner_name, runner in runners.items():
        if name in (None, runner_name):
            s = runner.rebuild()
            rate = f"{s.events_per_second or 0:,.0f} events/s"
            click.echo(f"{runner_name}: rebuilt to position {s.position} (generation {s.generation}), {rate}")


COMMANDS = (deadline, worklist, compliance, calendar, projections)
