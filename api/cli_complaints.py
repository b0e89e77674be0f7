"""`tongban complaints`: the bureaus' complaints (投诉) from the command line: the list and one complaint, and
accepting, investigating and deciding one as a bureau's official, signed with that bureau's key (as over
HTTP, POST /complaints)."""

from __future__ import annotations

from typing import Any

import click

from api.cli_common import command_read_models, db_option, echo_json, json_option, now, typed_command
from domain.actor import Actor
from domain.complaint_commands import AcceptComplaint, DecideComplaint, InvestigateComplaint
from domain.complaints import Complainant, ComplaintOutcome, RespondentKind
from domain.vocabulary import Role
from service.complaints import ComplaintService

bureau_option = click.option("--bureau", required=True, help="The bureau acting, e.g. baotou-qingshan-bureau or baotou-bureau.")


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
        echo_json(listing)
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
        echo_json(complaint)
        return
    click.echo(_line(complaint))
    for finding in complaint["findings"]:
        click.echo(f"  调查 {finding}")


def _official(bureau: str) -> Actor:
    return Actor(bureau, "命令行操作员 (tongban complaints)", Role.BUREAU)


def _echo(complaint: dict[str, Any], as_json: bool) -> None:
    if as_json:
        echo_json(complaint)
    else:
        click.echo(_line(complaint))


@complaints.command("accept")
@bureau_option
@click.option("--number", required=True, help="投诉编号, the bureau's.")
@click.option("--case", "case_id", type=click.UUID, required=True, help="The case complained about.")
@click.option("--received-on", type=click.DateTime(["%Y-%m-%d"]), required=True, help="收到投诉之日.")
@click.option("--complainant", type=click.Choice([c.value for c in Complainant]), required=True)
@click.option("--respondent-kind", type=click.Choice([k.value for k in RespondentKind]), required=True)
@click.option("--respondent", required=True, help="An institution id, or the lawyer's licence number.")
@click.option("--facts", required=True, help="投诉事实和理由.")
@click.option("--request", default="", help="投诉请求.")
@db_option
@json_option
def complaints_accept(bureau: str, received_on: Any, db_url: str, as_json: bool, **fields: Any) -> None:
    """受理投诉, as the bureau that set up the institution answerable or the city's bureau."""
    command = typed_command(AcceptComplaint, received_on=received_on.date(), **fields)
    service = _service(db_url)
    service.models.ledger.accept_complaint(command, _official(bureau), now())
    _echo(service.complaint(command.number), as_json)


@complaints.command("investigate")
@click.argument("number")
@bureau_option
@click.option("--findings", required=True, help="调查情况.")
@db_option
@json_option
def complaints_investigate(number: str, bureau: str, findings: str, db_url: str, as_json: bool) -> None:
    """调查核实: record what the bureau found."""
    service = _service(db_url)
    service.models.ledger.act_on_complaint(number, typed_command(InvestigateComplaint, findings=findings), _official(bureau), now())
    _echo(service.complaint(number), as_json)


@complaints.command("decide")
@click.argument("number")
@bureau_option
@click.option("--outcome", type=click.Choice([o.value for o in ComplaintOutcome]), required=True)
@click.option("--measures", default="", help="处理措施 (required when upheld).")
@click.option("--reply-reference", required=True, help="答复文书编号.")
@db_option
@json_option
def complaints_decide(number: str, bureau: str, db_url: str, as_json: bool, **fields: Any) -> None:
    """处理决定并答复投诉人: decide once, with the measures taken when upheld."""
    service = _service(db_url)
    service.models.ledger.act_on_complaint(number, typed_command(DecideComplaint, **fields), _official(bureau), now())
    _echo(service.complaint(number), as_json)


COMMANDS = (complaints,)
