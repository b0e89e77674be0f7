"""Report commands: `ledger` (台账), `costs`, `subsidies` (finance reconciliation) and `stats`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from api.cli_common import command_read_models, db_option, echo_json, json_option
from api.exports import Table, write_csv, write_xlsx
from projections.institution_ledger import COLUMN_TITLES, LEDGER_COLUMNS
from projections.reconciliation import CHECKED_PAYMENT_COLUMNS, match_statement, read_statement
from service.queries import Queries


def _options(exports: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        options = [
            click.option("--institution", default=None, help="Only this institution (e.g. baotou-qingshan)."),
            click.option("--period", default=None, help="2026, 2026-Q1 or 2026-03."),
            db_option,
            json_option,
        ]
        if exports:
            options += [
                click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write CSV here."),
                click.option("--xlsx", "xlsx_file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write XLSX here."),
            ]
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def _queries(db_url: str) -> Queries:
    return Queries(command_read_models(db_url))


def _export(table: Table, csv_file: Path | None, xlsx_file: Path | None, sheets: dict[str, Table] | None = None) -> None:
    if csv_file:
        write_csv(csv_file, table)
        click.echo(f"wrote {csv_file}")
    if xlsx_file:
        write_xlsx(xlsx_file, sheets or {"report": table})
        click.echo(f"wrote {xlsx_file}")


@click.command("ledger")
@_options()
def ledger_report(
    institution: str | None, period: str | None, db_url: str, as_json: bool, csv_file: Path | None, xlsx_file: Path | None
) -> None:
    """Each institution's ledger (市域通办工作台账): received first, handled, transferred, decided, closed, archived."""
    result = _queries(db_url).ledger(institution, period)["institutions"]
    headers = ["institution", "breakdown", "value", *(f"{COLUMN_TITLES[c]} {c}" for c in LEDGER_COLUMNS)]
    rows = []
    for inst, entry in result.items():
        rows.append([inst, "total", "", *(entry["totals"][c] for c in LEDGER_COLUMNS)])
        for breakdown in ("by_matter_kind", "by_key_group"):
            for value, counts in sorted(entry[breakdown].items()):
                rows.append([inst, breakdown.removeprefix("by_"), value, *(counts[c] for c in LEDGER_COLUMNS)])
    _export((headers, rows), csv_file, xlsx_file)
    if as_json:
        echo_json({"period": period, "institutions": result})
    elif not (csv_file or xlsx_file):
        click.echo(f"{'institution':<26}" + "".join(f"{COLUMN_TITLES[c]:>6}" for c in LEDGER_COLUMNS))
        for inst, entry in result.items():
            click.echo(f"{inst:<26}" + "".join(f"{entry['totals'][c]:>8}" for c in LEDGER_COLUMNS))


@click.command("costs")
@_options()
def costs_report(
    institution: str | None, period: str | None, db_url: str, as_json: bool, csv_file: Path | None, xlsx_file: Path | None
) -> None:
    """Archiving and subsidy costs, carried by the first-receiving institution, and who pays for whose work."""
    result = _queries(db_url).costs(institution, period)
    totals_rows = [
        [i, t["subsidies_paid"], t["subsidy_fen"], t["for_other_institutions_fen"], t["files_archived"]]
        for i, t in result["by_first_receiving_institution"].items()
    ]
    totals: Table = (
        ["first_receiving_institution", "subsidies_paid", "subsidy_fen", "for_other_institutions_fen", "files_archived"],
        totals_rows,
    )
    matrix: Table = (
        ["first_receiving_institution", "handling_institution", "subsidies_paid", "subsidy_fen", "files_archived"],
        [
            [f, h, c["subsidies_paid"], c["subsidy_fen"], c["files_archived"]]
            for f, row in result["first_receiving_x_handling"].items()
            for h, c in sorted(row.items())
        ],
    )
    _export(totals, csv_file, xlsx_file, {"totals": totals, "matrix": matrix})
    if as_json:
        echo_json(result)
    elif not (csv_file or xlsx_file):
        click.echo(f"{'first-receiving institution':<28} {'paid':>5} {'subsidy (yuan)':>15} {'for others (yuan)':>18} {'archived':>9}")
        for i, n, fen, others, archived in totals_rows:
            click.echo(f"{i:<28} {n:>5} {fen / 100:>15,.2f} {others / 100:>18,.2f} {archived:>9}")


@click.command("subsidies")
@_options()
@click.option(
    "--statement",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A payout statement (CSV: date, reference, payee, amount in yuan) to match against.",
)
def subsidies_report(
    institution: str | None,
    period: str | None,
    db_url: str,
    as_json: bool,
    csv_file: Path | None,
    xlsx_file: Path | None,
    statement: Path | None,
) -> None:
    """Reconcile subsidy payments against the bands, and against a payout statement."""
    lines = read_statement(statement.read_bytes()) if statement else None  # a statement it cannot read is refused before anything else
    checked = _queries(db_url).payments(institution, period)
    matching = match_statement(checked, lines) if lines is not None else None
    payments: Table = (list(CHECKED_PAYMENT_COLUMNS), [[p[c] for c in CHECKED_PAYMENT_COLUMNS] for p in checked])
    sheets = {"payments": payments}
    if matching:
        sheets.update({name: (["entry"], [[json.dumps(e, ensure_ascii=False)] for e in entries]) for name, entries in matching.items()})
    _export(payments, csv_file, xlsx_file, sheets)
    summary: dict[str, int] = {}
    for p in checked:
        for finding in p["findings"]:
            summary[finding] = summary.get(finding, 0) + 1
    if as_json:
        echo_json({"period": period, "summary": summary, "payments": checked, "statement": matching})
    elif not (csv_file or xlsx_file):
        click.echo(f"{len(checked)} payments, {sum(p['amount_fen'] for p in checked) / 100:,.2f} yuan")
        for finding, n in sorted(summary.items()):
            click.echo(f"  {finding:<28} {n}")
        if matching:
            for name, entries in matching.items():
                click.echo(f"  statement: {name:<28} {len(entries)}")


@click.command("stats")
@_options(exports=False)
def stats_report(institution: str | None, period: str | None, db_url: str, as_json: bool) -> None:
    """The figures the bureau publishes each year: cases by kind, recipients, amounts recovered, key groups."""
    result = _queries(db_url).statistics(institution, period)
    if as_json:
        echo_json(result)
    else:
        for key, value in result.items():
            if key not in ("period", "institution"):
                click.echo(f"{key:<28} {value}")


COMMANDS = (ledger_report, costs_report, subsidies_report, stats_report)
