"""`tongban consultations`: the institutions' consultation registers (咨询登记簿) from the command line: the
counts per institution and day, one register's lines, and recording a line (a hotline's day, an outreach
sheet) or striking one out, as the institution's staff, signed with its key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from api.cli_common import command_ledger, command_read_models, db_option, echo_json, json_option, now, typed_command
from domain.actor import Actor
from domain.consultation_commands import RecordConsultations, StrikeConsultationLine
from domain.consultations import ConsultationChannel, ConsultationTopic
from domain.vocabulary import Role
from service.consultations import get_register, record_consultations, register_view, strike_line
from service.queries import Queries
from service.registers import until_recorded

institution_option = click.option("--institution", required=True, help="The recording institution, e.g. baotou-qingshan-centre.")


def _staff(institution: str) -> Actor:
    return Actor(institution, "命令行操作员 (tongban consultations)", Role.STAFF)


def _echo(result: dict[str, Any], as_json: bool, line: str) -> None:
    if as_json:
        echo_json(result)
    else:
        click.echo(line)


def _by_channel(counts: dict[str, int]) -> str:
    return ", ".join(f"{ConsultationChannel(c).zh} {counts[c]}" for c in ConsultationChannel)


@click.group()
def consultations() -> None:
    """Consultations (咨询) counted per institution and day, by channel and topic, without personal data."""


@consultations.command("list")
@click.option("--institution", default=None, help="One institution (default: every one).")
@click.option("--period", default=None, help="2026, 2026-Q1 or 2026-03.")
@db_option
@json_option
def consultations_list(institution: str | None, period: str | None, db_url: str, as_json: bool) -> None:
    """Per institution and day, newest first, then the totals beside Baotou's 2022 figure."""
    found = Queries(command_read_models(db_url)).consultations(institution, period)
    if as_json:
        echo_json(found)
        return
    for day in found["days"]:
        click.echo(f"{day['day']}  {day['institution']}  {day['total']}  ({_by_channel(day)})  告知申请 {day['told_how_to_apply']}")
    click.echo(
        f"{found['total']} consultations ({_by_channel(found['by_channel'])}), {found['told_how_to_apply']} told how to apply; "
        f"Baotou 2022: {found['total_seed_2022']:,}"
    )


@consultations.command("register")
@click.argument("institution")
@click.argument("month")
@db_option
@json_option
def consultations_register(institution: str, month: str, db_url: str, as_json: bool) -> None:
    """One institution's register of a month (e.g. 2026-11), line by line, as its signed records say."""
    register = register_view(get_register(command_ledger(db_url), institution, month))
    if as_json:
        echo_json(register)
        return
    for row in register["lines"]:
        struck = "  [更正 struck out]" if row["struck"] else ""
        channel, topic = ConsultationChannel(row["channel"]).zh, ConsultationTopic(row["topic"]).zh
        click.echo(f"{row['line']:>4}  {row['day']}  {channel}  {topic}  ×{row['count']}  告知申请 {row['told_how_to_apply']}{struck}")
    click.echo(f"{register['counted']} consultations counted in {institution}'s register of {month}")


@consultations.command("record")
@institution_option
@click.option("--channel", required=True, type=click.Choice([c.value for c in ConsultationChannel]))
@click.option("--topic", required=True, type=click.Choice([t.value for t in ConsultationTopic]))
@click.option("--count", type=int, default=1, show_default=True, help="咨询人次.")
@click.option("--told", "told_how_to_apply", type=int, default=0, show_default=True, help="Of them, told how to apply (告知申请程序).")
@click.option("--day", type=click.DateTime(["%Y-%m-%d"]), default=None, help="The day consulted (default: today).")
@db_option
@json_option
def consultations_record(institution: str, day: datetime | None, db_url: str, as_json: bool, **fields: Any) -> None:
    """Record a line in the institution's register (咨询登记)."""
    command = typed_command(RecordConsultations, day=day.date() if day else None, **fields)
    ledger = command_ledger(db_url)
    result = until_recorded(lambda: record_consultations(ledger, command, _staff(institution), now())).body
    _echo(result, as_json, f"recorded line {result['line']} of {institution}'s register of {result['month']}")


@consultations.command("strike")
@institution_option
@click.option("--month", required=True, help="The register's month, e.g. 2026-11.")
@click.option("--line", type=int, required=True)
@click.option("--reason", required=True, help="更正理由.")
@db_option
@json_option
def consultations_strike(institution: str, db_url: str, as_json: bool, **fields: Any) -> None:
    """Strike out a line entered wrongly (更正); it stays on record, uncounted."""
    command = typed_command(StrikeConsultationLine, **fields)
    register = strike_line(command_ledger(db_url), command, _staff(institution), now())
    _echo(register_view(register), as_json, f"struck out line {command.line} of {institution}'s register of {command.month}")


COMMANDS = (consultations,)
