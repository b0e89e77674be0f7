"""`tongban complaints`: the bureaus' complaints (投诉) from the command line: the list and one complaint.
Complaints are accepted and decided over HTTP by the bureau that handles them (POST /complaints)."""

from __future__ import annotations

import json
from typing import Any

import click

from api.cli_common import command_read_models, db_option, json_option
from domain.complaints import RespondentKind
from service.complaints import ComplaintService


def _service(db_url: str) -> ComplaintService:
    return ComplaintService(command_read_models(db_url))


def _line(row: dict[str, Any]) -> str:
    outcome = row["outcome"] or "open 办理中"
    return f"{row['number']}  {row['accepted_at'][:10]}  {row['respondent_kind']} {row['respondent']}  by {row['bureau']}  {outcome}"


@click.group()
def complaints() -> None:
    """Complaints about institutions and lawyers (投诉, LAL 55–56), kept by the justice bureaus."""


@complaints.command("list")
@click.option("--respondent-kind", type=click.Choice([k.value for k in RespondentKind]), default=None)
@click.option("--respondent", default=None, help="An institution id, or a lawyer's licence number.")
@click.option("--bureau", default=None, help="The bureau that accepted them, e.g. baotou-qingshan-bureau.")
@db_option
@json_option
def complaints_list(respondent_kind: str | None, respondent: str | None, bureau: str | None, db_url: str, as_json: bool) -> None:
    """Every complaint, newest first, with its outcome."""
    listing = _service(db_url).complaints(respondent_kind, respondent, bureau)
    if as_json:
        click.echo(json.dumps(listing, ensure_ascii=False, indent=2))
        return
    for row in listing["complaints"]:
        click.echo(_line(row))
    click.echo(f"{listing['total']} complaints")


@complaints.command("show")
@click.argument("number")
@db_option
@json_option
def complaints_show(number: str, db_url: str, as_json: bool) -> None:
    """One complaint: who complained of whom, the findings and the outcome."""
    complaint = _service(db_url).complaint(number)
    if as_json:
        click.echo(json.dumps(complaint, ensure_ascii=False, indent=2))
        return
    click.echo(_line(complaint))
    for finding in complaint["findings"]:
        click.echo(f"  调查 {finding}")


COMMANDS = (complaints,)
