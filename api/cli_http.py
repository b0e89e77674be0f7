"""`tongban serve` and `tongban principals add|list|revoke`."""

from __future__ import annotations

import os

import click

from api.cli_common import command_ledger, db_option
from api.cli_errors import log_to_stderr
from domain.errors import DomainError
from domain.vocabulary import Role
from infrastructure import bootstrap
from infrastructure.config import PREFIX, Settings
from infrastructure.database import Database
from infrastructure.principals import PrincipalStore

AUTOVACUUM_OFF = (
    "注意：PostgreSQL 的 autovacuum 已关闭，统计信息不会更新，案件读取将随事件表增大而变慢；请开启 autovacuum，或定期以表所有者身份执行 "
    "ANALYZE tongban_events (warning: autovacuum is off, so the planner's statistics of the event table go stale and each "
    "case read slows as the table grows; turn autovacuum on, or run ANALYZE tongban_events as its owner regularly)"
)


def principal_store(db_url: str, with_token_key: bool = True) -> PrincipalStore:
    return bootstrap.principal_store(command_ledger(db_url), Settings(db_url=db_url), with_token_key=with_token_key)


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Processes answering requests; one of them at a time (the leader) also does the background work.",
)
@click.option(
    "--read-db",
    "read_db_url",
    default="",
    help="A PostgreSQL hot standby of --db to answer reads from (读库); commands and sign-in stay on --db.",
)
def serve(db_url: str, host: str, port: int, workers: int, read_db_url: str) -> None:
    """Run the HTTP API (OpenAPI at /schema/openapi.json, Swagger UI at /schema/swagger). Logs one line per
    request to stderr (method, path, status, duration, principal, request id, and with --read-db which database
    answered), and the background work's failures."""
    import uvicorn

    from api.http_app import close_services, create_app

    log_to_stderr()
    settings = Settings(db_url=db_url, read_db_url=read_db_url)
    app = create_app(settings, background=workers == 1)  # a ledger that cannot open is refused here
    if Database(settings.db_url).autovacuum_off():
        click.echo(AUTOVACUUM_OFF, err=True)
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level="warning")
        return
    close_services(app)  # it was built to be refused early; the workers build their own
    os.environ[PREFIX + "DB"] = settings.db_url  # each worker process builds its own app from the environment
    os.environ[PREFIX + "READ_DB"] = settings.read_db_url
    uvicorn.run("api.http_app:served_app", factory=True, workers=workers, host=host, port=port, log_level="warning")


@click.group()
def principals() -> None:
    """API users: each belongs to one institution and has roles; tokens are stored only as hashes."""


@principals.command("add")
@click.option("--name", required=True, help="Who this is, e.g. 王芳.")
@click.option("--institution", required=True, help="Institution id, e.g. baotou-qingshan (or baotou-bureau).")
@click.option("--roles", required=True, help=f"Comma-separated: {', '.join(r.value for r in Role)}.")
@db_option
def principals_add(name: str, institution: str, roles: str, db_url: str) -> None:
    """Issue a principal; its bearer token is printed once and never stored."""
    known = ", ".join(r.value for r in Role)
    try:
        chosen = {Role(r.strip()) for r in roles.split(",") if r.strip()}
    except ValueError:
        raise DomainError("UNKNOWN_ROLE", f"角色 {roles!r} 不存在，可选: {known} (unknown role; choose from {known}).") from None
    principal, token = principal_store(db_url).add(name, institution, chosen)  # UNKNOWN_INSTITUTION before anything is made
    click.echo(f"principal {principal.principal_id} ({name}, {institution}, {','.join(sorted(r.value for r in chosen))})")
    click.echo(f"token: {token}")


@principals.command("list")
@db_option
def principals_list(db_url: str) -> None:
    """Every principal ever issued, from the signed network records: who could act, and from when to when."""
    for p in principal_store(db_url, with_token_key=False).list():
        state = f"issued {p.issued_at}, " + (f"revoked {p.revoked_at}" if p.revoked_at else "active")
        click.echo(f"{p.principal_id}  {p.name:<16} {p.institution_id:<28} {','.join(sorted(r.value for r in p.roles)):<24} {state}")


@principals.command("revoke")
@click.argument("principal_id")
@db_option
def principals_revoke(principal_id: str, db_url: str) -> None:
    principal_store(db_url, with_token_key=False).revoke(principal_id)
    click.echo(f"revoked {principal_id}: its token no longer works")


DEMO_PRINCIPALS = (
    ("昆都仑区中心 工作人员", "baotou-kundulun", {Role.STAFF}),
    ("昆都仑区中心 负责人", "baotou-kundulun", {Role.STAFF, Role.HEAD}),
    ("青山区中心 工作人员", "baotou-qingshan", {Role.STAFF}),
    ("青山区中心 负责人", "baotou-qingshan", {Role.STAFF, Role.HEAD}),
    ("市司法局", "baotou-bureau", {Role.BUREAU}),
    ("昆都仑区司法局", "baotou-kundulun-bureau", {Role.BUREAU}),  # hears objections to the 昆都仑区 centre (LAL 49)
    ("审计", "baotou-bureau", {Role.AUDITOR}),
    ("昆都仑区中心 财务", "baotou-kundulun", {Role.FINANCE}),
)


def create_demo_principals(db_url: str) -> list[tuple[str, str, str]]:
    store = principal_store(db_url)
    return [(name, institution, store.add(name, institution, roles)[1]) for name, institution, roles in DEMO_PRINCIPALS]


COMMANDS = (serve, principals)
