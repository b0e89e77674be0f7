"""`tongban lawyers`: the lawyer pool (律师库) from the command line: list, show, add, change status, move to
another firm and verify practice.
Changes are recorded as the city's justice bureau, signed with its key, as `keys rotate` is."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from api.cli_common import command_ledger, command_read_models, db_option, echo_json, json_option, now, typed_command
from domain.actor import Actor
from domain.lawyers import LawyerStatus, Specialty
from domain.pool_commands import ChangeLawyerStatus, MoveLawyer, PoolCommand, RegisterLawyer, VerifyPractice
from domain.vocabulary import Role
from infrastructure.ledger import CaseLedger
from service.lawyers import LawyerService, lawyer_view


def _service(db_url: str) -> LawyerService:
    return LawyerService(command_read_models(db_url))


def _as_bureau(ledger: CaseLedger) -> Actor:
    return Actor(ledger.policy.bureau_id, "命令行操作员 (tongban lawyers)", Role.BUREAU)


def _echo(view: dict[str, Any], as_json: bool) -> None:
    if as_json:
        echo_json(view)
        return
    years = f"{view['criminal_practice_years']} 年刑事执业" if view.get("criminal_practice_since") else "无刑事执业经历"
    click.echo(_line(view, years))


def _line(row: dict[str, Any], years: str = "") -> str:
    """One lawyer on one line: licence, name, firm and district, specialties, (years,) status, (turns, open cases)."""
    parts = [f"{row['licence_number']}  {row['name']:<6} {row['firm']} ({row['firm_district']})", ",".join(row["specialties"])]
    parts += [years] if years else []
    parts += [row["status"]] + ([f"turns {row['turns']}, open {row['open_cases']}"] if "turns" in row else [])
    parts += [f"complaints {row['complaints']} (upheld {row['complaints_upheld']})"] if row.get("complaints") else []
    return "  ".join(parts)


@click.group()
def lawyers() -> None:
    """The lawyer pool (律师库), kept by the city's justice bureau."""


@lawyers.command("list")
@click.option("--district", default=None, help="Firms of this district (e.g. qingshan).")
@click.option("--specialty", type=click.Choice([s.value for s in Specialty]), default=None)
@click.option("--status", type=click.Choice([s.value for s in LawyerStatus]), default=None)
@db_option
@json_option
def lawyers_list(district: str | None, specialty: str | None, status: str | None, db_url: str, as_json: bool) -> None:
    """Every lawyer of the pool with turns taken and open cases."""
    pool = _service(db_url).pool(district, specialty, status)
    if as_json:
        echo_json(pool)
        return
    for row in pool["lawyers"]:
        click.echo(_line(row))
    click.echo(f"{pool['total']} lawyers")


@lawyers.command("show")
@click.argument("licence_number")
@db_option
@json_option
def lawyers_show(licence_number: str, db_url: str, as_json: bool) -> None:
    """One lawyer, as their signed records say."""
    _echo(_service(db_url).lawyer(licence_number, now().date()), as_json)


@lawyers.command("add")
@click.option("--licence", "licence_number", required=True, help="执业证号, 17 digits.")
@click.option("--name", required=True)
@click.option("--firm", required=True)
@click.option("--district", "firm_district", required=True, help="The firm's district id, e.g. qingshan.")
@click.option("--address", "office_address", required=True)
@click.option("--phone", "office_phone", required=True)
@click.option("--specialty", "specialties", multiple=True, required=True, type=click.Choice([s.value for s in Specialty]))
@click.option("--criminal-since", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Verified start of criminal practice.")
@click.option("--verification", required=True, help="How the bureau verified it, e.g. 执业证及办案记录核验.")
@db_option
@json_option
def lawyers_add(criminal_since: Any, db_url: str, as_json: bool, **fields: Any) -> None:
    """Register a lawyer in the pool (登记入库), as the bureau."""
    since: date | None = criminal_since.date() if criminal_since else None
    command = typed_command(RegisterLawyer, criminal_practice_since=since, **{**fields, "specialties": list(fields["specialties"])})
    ledger = command_ledger(db_url)
    lawyer = ledger.register_lawyer(command, _as_bureau(ledger), now())
    _echo(lawyer_view(lawyer, now().date()), as_json)


@lawyers.command("status")
@click.argument("licence_number")
@click.option("--to", "status", required=True, type=click.Choice([s.value for s in LawyerStatus]))
@click.option("--reason", required=True)
@db_option
@json_option
def lawyers_status(licence_number: str, status: str, reason: str, db_url: str, as_json: bool) -> None:
    """Suspend, restore or remove a lawyer (暂停指派、恢复、退出), as the bureau."""
    _change(licence_number, typed_command(ChangeLawyerStatus, status=status, reason=reason), db_url, as_json)


@lawyers.command("move")
@click.argument("licence_number")
@click.option("--firm", required=True)
@click.option("--district", "firm_district", required=True, help="The new firm's district id, e.g. qingshan.")
@click.option("--address", "office_address", required=True)
@click.option("--phone", "office_phone", required=True)
@db_option
@json_option
def lawyers_move(licence_number: str, db_url: str, as_json: bool, **fields: str) -> None:
    """Record a move to another firm or new contact details (转所、变更联系方式), as the bureau."""
    _change(licence_number, typed_command(MoveLawyer, **fields), db_url, as_json)


@lawyers.command("verify")
@click.argument("licence_number")
@click.option("--specialty", "specialties", multiple=True, required=True, type=click.Choice([s.value for s in Specialty]))
@click.option("--criminal-since", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Verified start of criminal practice.")
@click.option("--verification", required=True, help="How the bureau verified it, e.g. 执业证及办案记录核验.")
@db_option
@json_option
def lawyers_verify(
    licence_number: str, specialties: tuple[str, ...], criminal_since: Any, verification: str, db_url: str, as_json: bool
) -> None:
    """Record the specialties and criminal practice the bureau verified (核验执业经历), as the bureau."""
    since: date | None = criminal_since.date() if criminal_since else None
    command = typed_command(VerifyPractice, specialties=list(specialties), criminal_practice_since=since, verification=verification)
    _change(licence_number, command, db_url, as_json)


def _change(licence_number: str, command: PoolCommand, db_url: str, as_json: bool) -> None:
    ledger = command_ledger(db_url)
    lawyer = ledger.change_lawyer(licence_number, command, _as_bureau(ledger), now())
    _echo(lawyer_view(lawyer, now().date()), as_json)


COMMANDS = (lawyers,)
