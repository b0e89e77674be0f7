"""`tongban duty`: duty lawyers (值班律师) from the command line: who is on duty where, a centre's roster of a
month, and putting a lawyer on duty or taking one off a day, as the centre's staff, signed with its key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from api.cli_common import command_read_models, db_option, echo_json, json_option, now, typed_command
from domain.actor import Actor
from domain.duty import StationKind
from domain.duty_commands import ScheduleDuty, WithdrawDuty
from domain.vocabulary import Role
from service.duty import DutyService, get_roster, roster_view, schedule_duty, withdraw_duty

STATIONS = click.Choice([s.value for s in StationKind])
DAY = click.DateTime(["%Y-%m-%d"])


def _staff(institution: str) -> Actor:
    return Actor(institution, "命令行操作员 (tongban duty)", Role.STAFF)


def _echo_roster(roster: dict[str, Any], as_json: bool) -> None:
    if as_json:
        echo_json(roster)
        return
    for day in roster["on_duty"]:
        click.echo(f"{day['day']}  {day['station']:<16} {', '.join(day['lawyers'])}")
    click.echo(f"{roster['institution']}'s duty roster of {roster['month']} ({roster['district']}), version {roster['version']}")


@click.group()
def duty() -> None:
    """Duty lawyers (值班律师) at the courts, procuratorates and detention centres, on the centres' rosters."""


@duty.command("list")
@click.option("--district", default=None, help="e.g. qingshan, or municipal.")
@click.option("--station", type=STATIONS, default=None)
@click.option("--lawyer", default=None, help="A licence number.")
@click.option("--period", default=None, help="2026, 2026-Q1 or 2026-03.")
@click.option("--on", "on_day", type=DAY, default=None, help="One day.")
@db_option
@json_option
def duty_list(
    district: str | None, station: str | None, lawyer: str | None, period: str | None, on_day: datetime | None, db_url: str, as_json: bool
) -> None:
    """Who is on duty where, by day."""
    found = DutyService(command_read_models(db_url)).duties(district, station, lawyer, period, on_day.date() if on_day else None)
    if as_json:
        echo_json(found)
        return
    for row in found["duties"]:
        off = "  [调班 taken off]" if row["withdrawn"] else ""
        click.echo(f"{row['day']}  {row['district']:<18} {row['station']:<16} {row['lawyer']}{off}")
    click.echo(f"{found['total']} duty days")


@duty.command("roster")
@click.argument("institution")
@click.argument("month")
@db_option
@json_option
def duty_roster(institution: str, month: str, db_url: str, as_json: bool) -> None:
    """A centre's roster of a month (e.g. 2026-03), as its signed records say."""
    _echo_roster(roster_view(get_roster(command_read_models(db_url).ledger, institution, month)), as_json)


@duty.command("schedule")
@click.option("--institution", required=True, help="The centre keeping the roster, e.g. baotou-qingshan.")
@click.option("--station", type=STATIONS, required=True)
@click.option("--from", "first_day", type=DAY, required=True, help="First day on duty.")
@click.option("--to", "last_day", type=DAY, default=None, help="Last day on duty (the same month; default: the first).")
@click.option("--lawyer", required=True, help="The lawyer's licence number (执业证号).")
@db_option
@json_option
def duty_schedule(
    institution: str, station: str, first_day: datetime, last_day: datetime | None, lawyer: str, db_url: str, as_json: bool
) -> None:
    """Put a lawyer of the pool on duty at a station of the centre's district (排班)."""
    command = typed_command(
        ScheduleDuty, station=station, first_day=first_day.date(), last_day=last_day.date() if last_day else None, lawyer=lawyer
    )
    _echo_roster(roster_view(schedule_duty(command_read_models(db_url).ledger, command, _staff(institution), now())), as_json)


@duty.command("withdraw")
@click.option("--institution", required=True)
@click.option("--station", type=STATIONS, required=True)
@click.option("--day", type=DAY, required=True)
@click.option("--lawyer", required=True)
@click.option("--reason", required=True, help="调班理由.")
@db_option
@json_option
def duty_withdraw(institution: str, station: str, day: datetime, lawyer: str, reason: str, db_url: str, as_json: bool) -> None:
    """Take a lawyer off one day's duty (调班), saying why."""
    command = typed_command(WithdrawDuty, station=station, day=day.date(), lawyer=lawyer, reason=reason)
    _echo_roster(roster_view(withdraw_duty(command_read_models(db_url).ledger, command, _staff(institution), now())), as_json)


COMMANDS = (duty,)
