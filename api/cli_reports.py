"""Report commands: `ledger` (台账), `costs`, `subsidies` (finance reconciliation) and `stats`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from api.cli_common import command_read_models, db_option, echo_json, json_option
from api.report_tables import costs_sheets, ledger_sheet, payments_sheet, reconciliation_sheets, register_sheets
from api.sheets import Sheet, csv_text, shown_name, xlsx_bytes
from api.words import padded, shown_width, word
from projections.case_register import TOTALS
from projections.institution_ledger import COLUMN_TITLES, LEDGER_COLUMNS
from projections.reconciliation import match_statement, read_statement
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


def _export(queries: Queries, sheets: list[Sheet], csv_file: Path | None, xlsx_file: Path | None) -> None:
    """CSV of the first sheet, XLSX of all (api/sheets.py)."""
    if csv_file:
        csv_file.write_text(csv_text(sheets[0], queries.name_of), encoding="utf-8", newline="")
        click.echo(f"wrote {csv_file}")
    if xlsx_file:
        xlsx_file.write_bytes(xlsx_bytes(sheets, queries.name_of))
        click.echo(f"wrote {xlsx_file}")


@click.command("ledger")
@_options()
@click.option("--detail", is_flag=True, help="台账明细: a line per case received in the period, and the totals per institution.")
def ledger_report(
    institution: str | None, period: str | None, db_url: str, as_json: bool, csv_file: Path | None, xlsx_file: Path | None, detail: bool
) -> None:
    """Each institution's ledger (市域通办工作台账): received first, handled, transferred, decided, closed, archived;
    with --detail, the case register (台账明细)."""
    queries = _queries(db_url)
    if detail:
        _register(queries, queries.register(institution, period), as_json, csv_file, xlsx_file)
        return
    result = queries.ledger(institution, period)["institutions"]
    _export(queries, [ledger_sheet(result)], csv_file, xlsx_file)
    if as_json:
        echo_json({"period": period, "institutions": result})
    elif not (csv_file or xlsx_file):
        _table(queries, [(c, COLUMN_TITLES[c]) for c in LEDGER_COLUMNS], {i: e["totals"] for i, e in result.items()})


def _register(queries: Queries, result: dict[str, Any], as_json: bool, csv_file: Path | None, xlsx_file: Path | None) -> None:
    _export(queries, register_sheets(result), csv_file, xlsx_file)
    if as_json:
        echo_json(result)
    elif not (csv_file or xlsx_file):
        click.echo(f"台账明细 {len(result['cases'])} 件 cases (as of {result['as_of']}); --xlsx or --csv writes every column")
        _table(queries, [(k, t.split("（")[0]) for k, t in TOTALS.items()], result["totals"])


def _table(queries: Queries, columns: list[tuple[str, str]], rows: dict[str, dict[str, int]]) -> None:
    """Institutions by name down the side, the columns' Chinese titles across; money in yuan."""
    names = {i: shown_name(queries.name_of, i) for i in rows}
    side = max([shown_width(n) for n in names.values()] + [4]) + 2
    widths = [max(8, shown_width(title) + 2) for _, title in columns]
    click.echo(padded("机构", side) + "".join(padded(title, w) for (_, title), w in zip(columns, widths, strict=True)))
    for institution, figures in rows.items():
        cells = [f"{figures[k] / 100:,.2f}" if k.endswith("_fen") else str(figures[k]) for k, _ in columns]
        click.echo(padded(names[institution], side) + "".join(padded(c, w) for c, w in zip(cells, widths, strict=True)))


@click.command("costs")
@_options()
def costs_report(
    institution: str | None, period: str | None, db_url: str, as_json: bool, csv_file: Path | None, xlsx_file: Path | None
) -> None:
    """Archiving and subsidy costs, carried by the first-receiving institution, and who pays for whose work."""
    queries = _queries(db_url)
    result = queries.costs(institution, period)
    _export(queries, costs_sheets(result), csv_file, xlsx_file)
    if as_json:
        echo_json(result)
    elif not (csv_file or xlsx_file):
        click.echo(f"{'first-receiving institution':<28} {'paid':>5} {'subsidy (yuan)':>15} {'for others (yuan)':>18} {'archived':>9}")
        for i, t in result["by_first_receiving_institution"].items():
            n, fen, others, archived = t["subsidies_paid"], t["subsidy_fen"], t["for_other_institutions_fen"], t["files_archived"]
            click.echo(f"{i:<28} {n:>5} {fen / 100:>15,.2f} {others / 100:>18,.2f} {archived:>9}")


@click.command("subsidies")
@_options()
@click.option(
    "--statement",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A payout statement to match against: CSV with the columns date, reference, payee, amount (yuan), or 日期, 凭证号, 收款人, 金额.",
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
    queries = _queries(db_url)
    checked = queries.payments(institution, period)
    matching = match_statement(checked, lines) if lines is not None else None
    _export(queries, [payments_sheet(checked), *(reconciliation_sheets(matching) if matching else [])], csv_file, xlsx_file)
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
        for line in _figures({k: v for k, v in result.items() if k not in ("period", "institution")}):
            click.echo(line)


def _figures(figures: dict[str, Any], depth: int = 0) -> list[str]:
    """The figures one a line, nested ones indented, with their Chinese names; money in yuan, shares in per cent."""
    lines = []
    for key, value in figures.items():
        label = "  " * depth + (f"{word(key)} {key}" if word(key) != key else key)
        if isinstance(value, dict):
            lines.append(label)
            lines += _figures(value, depth + 1)
        elif key.endswith("_fen") and isinstance(value, int):
            lines.append(f"{padded(label, 48)} {value / 100:,.2f} 元")
        elif "share" in key and isinstance(value, float):
            lines.append(f"{padded(label, 48)} {value:.1%}")
        else:
            lines.append(f"{padded(label, 48)} {'-' if value is None else value}")
    return lines


COMMANDS = (ledger_report, costs_report, subsidies_report, stats_report)
