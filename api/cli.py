"""The `tongban` command: initialise a network, load demo cases, verify the ledger, replay a case."""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime
from pathlib import Path
from uuid import UUID

import click

from api.case_views import case_history
from api.cli_audit import COMMANDS as AUDIT_COMMANDS
from api.cli_common import closed_at_exit, command_ledger, command_ledger_and_log, db_option, echo_json, now
from api.cli_complaints import COMMANDS as COMPLAINT_COMMANDS
from api.cli_consultations import COMMANDS as CONSULTATION_COMMANDS
from api.cli_deadlines import COMMANDS as DEADLINE_COMMANDS
from api.cli_duty import COMMANDS as DUTY_COMMANDS
from api.cli_errors import OneLineErrors
from api.cli_http import COMMANDS as HTTP_COMMANDS
from api.cli_http import create_demo_principals
from api.cli_lawyers import COMMANDS as LAWYER_COMMANDS
from api.cli_reports import COMMANDS as REPORT_COMMANDS
from api.cli_types import ShanghaiTime
from api.demo import record_demo_cases
from infrastructure.append_only import app_url
from infrastructure.audit import newest_valid_checkpoint, records_beside_log
from infrastructure.bootstrap import build_ledger, principal_store, set_up
from infrastructure.config import Settings
from infrastructure.database import Database
from infrastructure.network_setup import rotate_key
from projections.registry import build_read_models


@click.group(cls=OneLineErrors)
def main() -> None:
    """tongban: the signed case ledger of city-wide legal aid (法律援助“市域通办”)."""


@main.command()
@db_option
def init(db_url: str) -> None:
    """Create the Baotou network: the bureau, the municipal centre, 9 county-level centres, and their keys."""
    settings = Settings(db_url=db_url)
    ledger = closed_at_exit(build_ledger(settings))
    database = Database(settings.db_url)
    # Every table a later command reads, made first: reading never changes the database's shape, and on
    # PostgreSQL set_up's grants to the application role cover them all (and it owns none of them).
    build_read_models(settings, ledger).store.close()
    principal_store(ledger, settings)  # makes the keystore's token key
    done = set_up(ledger, database, now())
    click.echo("\n".join(f"  {line}" for line in done))
    click.echo(f"network: {ledger.policy.city}, {len(ledger.directory().institutions)} institutions, keys in {ledger.keystore.directory}")
    if database.is_postgres:
        click.echo(f"the application should connect as: {app_url(database)}")


@main.command()
@click.option(
    "--cases",
    default=1889,
    show_default=True,
    type=click.IntRange(1, 1_000_000),
    help="How many cases to generate (Baotou recorded 1,889 in 2022).",
)
@click.option("--seed", default=2022, show_default=True, help="Random seed: the same seed gives the same cases.")
@click.option(
    "--workers", default=os.cpu_count() or 1, show_default=True, type=click.IntRange(1, 64), help="Processes recording (and signing) cases."
)
@db_option
def demo(cases: int, seed: int, workers: int, db_url: str) -> None:
    """Generate realistic cases through the real commands: every record is signed."""
    ledger = closed_at_exit(build_ledger(Settings(db_url=db_url)))
    if not ledger.has_network():
        set_up(ledger, Database(Settings(db_url=db_url).db_url), now())
    before = ledger.recorder.max_notification_id() or 0
    started = time.perf_counter()
    with click.progressbar(length=cases, label="recording cases", file=sys.stderr) as bar:
        outcomes = record_demo_cases(Settings(db_url=db_url), cases, seed, workers, progress=bar.update)
    elapsed = time.perf_counter() - started
    events = (ledger.recorder.max_notification_id() or 0) - before
    click.echo(f"recorded {cases} cases, {events} signed events in {elapsed:.1f} s ({events / elapsed:,.0f} events/s)")
    click.echo("cases by status: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    click.echo("demo API principals (bearer tokens, shown once):")
    for name, institution, token in create_demo_principals(db_url):
        click.echo(f"  {name:<14} {institution:<18} {token}")


@main.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option(
    "--processes", type=click.IntRange(1, 64), default=None, help="Processes reading and checking the records (default: all cores)."
)
def verify(db_url: str, as_json: bool, processes: int | None) -> None:
    """Check every record: canonical form, hash chain per case, signature under a key valid at the time."""
    ledger, log = command_ledger_and_log(db_url)
    started = time.perf_counter()
    # Per-case chains cannot show a removed case or a cut-off tail: the global log and its newest checkpoint can.
    newest, log_problems = newest_valid_checkpoint(ledger, log)
    total = ledger.recorder.max_notification_id() or 0
    shown = sys.stderr.isatty() and total > 100_000  # minutes of work: say how far it got, where someone watches
    with click.progressbar(length=total, label="verifying", file=sys.stderr, hidden=not shown) as bar:
        report, beside_log = records_beside_log(ledger, log, newest[1] if newest else None, processes, progress=bar.update)
    log_problems += beside_log
    elapsed = time.perf_counter() - started
    ok = report.ok and not log_problems and not report.key_problems
    if as_json:
        echo_json(
            {
                "ok": ok,
                "records": report.records,
                "cases": report.cases,
                "lawyers": report.lawyers,
                "complaints": report.complaints,
                "consultation_registers": report.consultation_registers,
                "duty_rosters": report.duty_rosters,
                "seconds": round(elapsed, 3),
                "problems": [vars(p) for p in report.problems],
                "log_problems": log_problems,
                "key_problems": report.key_problems,
            },
        )
    else:
        for p in report.problems:
            click.echo(f"BAD  case {p.case_id} version {p.version}: {p.what}")
        for problem in log_problems:
            click.echo(f"LOG  {problem}")
        for problem in report.key_problems:
            click.echo(f"KEY  {problem}")
        verdict = "all records verify" if report.ok else f"{len(report.problems)} problems in {len(report.bad_cases())} cases"
        against = (
            f"the log and its checkpoint of {newest[1].size} records"
            if newest
            else "the log, which no valid signed checkpoint covers (compare it with one saved elsewhere: tongban audit check --since)"
        )
        log_verdict = "agree" if not log_problems else f"{len(log_problems)} log problems"
        keys = "data keys: ok" if not report.key_problems else f"data keys: {len(report.key_problems)} problems"
        pool = f", {report.lawyers} lawyers of the pool" if report.lawyers else ""
        pool += f", {report.complaints} complaints" if report.complaints else ""
        pool += f", {report.consultation_registers} consultation registers" if report.consultation_registers else ""
        pool += f", {report.duty_rosters} duty rosters" if report.duty_rosters else ""
        checked = f"{report.records} records, {report.cases} cases{pool} checked in {elapsed:.2f} s"
        click.echo(f"{checked}: {verdict}; {against}: {log_verdict}; {keys}")
    sys.exit(0 if ok else 1)


@main.command()
@click.argument("case_id", type=click.UUID)
@click.option(
    "--as-of",
    "as_of",
    type=ShanghaiTime(),
    default=None,
    help="Show the case's state as of this time (ISO-8601; without an offset, Asia/Shanghai).",
)
@db_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def history(case_id: UUID, as_of: datetime | None, db_url: str, as_json: bool) -> None:
    """A case's timeline with each record's verification status, and its state (as of a time)."""
    ledger = command_ledger(db_url)
    timeline, state = case_history(ledger, case_id, as_of)
    if as_json:
        echo_json({"case_id": str(case_id), "timeline": timeline, "state": state})
        return
    for entry in timeline:
        mark = "ok " if entry["verified"] else "BAD"
        click.echo(
            f"{mark} v{entry['version']:<3} {entry['occurred_at']}  {entry['type']:<28} {entry['institution']} / {entry['person']}"
            + ("" if entry["verified"] else f"  <- {'; '.join(entry['problems'])}")
        )
    echo_json(state)
    if not all(e["verified"] for e in timeline):
        sys.exit(1)


@main.group()
def keys() -> None:
    """Institution signing keys: rotation and listing."""


@keys.command("rotate")
@click.argument("institution_id")
@db_option
def keys_rotate(institution_id: str, db_url: str) -> None:
    """Certify a new key for an institution and revoke its old one (old records stay valid)."""
    key_id = rotate_key(command_ledger(db_url), institution_id, now())
    click.echo(f"{institution_id} now signs with {key_id}")


@keys.command("list")
@db_option
def keys_list(db_url: str) -> None:
    """Every certified key with its validity window."""
    for cert in command_ledger(db_url).network().keys.values():
        state = f"revoked {cert.revoked_at}" if cert.revoked_at else "active"
        click.echo(f"{cert.key_id:<40} {cert.institution_id:<32} from {cert.valid_from}  {state}")


@main.command()
@db_option
def where(db_url: str) -> None:
    """Where data and keys live."""
    settings = Settings(db_url=db_url)
    click.echo(f"database: {settings.db_url}\nkeystore: {Path(settings.keys).resolve()}")


for command in (
    *DEADLINE_COMMANDS,
    *REPORT_COMMANDS,
    *HTTP_COMMANDS,
    *AUDIT_COMMANDS,
    *LAWYER_COMMANDS,
    *COMPLAINT_COMMANDS,
    *CONSULTATION_COMMANDS,
    *DUTY_COMMANDS,
):
    main.add_command(command)


if __name__ == "__main__":
    main()
