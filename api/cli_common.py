"""What every command shares: the --db and --json options, the time now, and the ledger, log and read
models a command opens, closed when it ends (one process may run many commands: tests, a shell)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, TypeVar

import click
from pydantic import BaseModel, ValidationError

from domain.actor import SHANGHAI
from domain.errors import DomainError
from infrastructure.bootstrap import build_transparency_log, open_ledger
from infrastructure.config import Settings
from infrastructure.database import Database
from infrastructure.ledger import CaseLedger
from infrastructure.sql_store import SqlStore
from infrastructure.transparency_log import TransparencyLog
from projections.registry import ReadModels, build_read_models

db_option = click.option(
    "--db", "db_url", default="", help="Database URL: sqlite:///PATH (default data/tongban.sqlite3) or postgresql://..."
)
json_option = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")

_Command = TypeVar("_Command", bound=BaseModel)
_Closable = TypeVar("_Closable", CaseLedger, SqlStore, ReadModels)


def closed_at_exit(resource: _Closable) -> _Closable:
    """Close the resource when the running command ends (its connections with it)."""
    click.get_current_context().call_on_close(resource.close)
    return resource


def echo_json(value: Any) -> None:
    """Machine-readable output (--json): indented, Chinese as written."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def now() -> datetime:
    return datetime.now(SHANGHAI)


def command_ledger(db_url: str) -> CaseLedger:
    """The ledger a command reads or acts on: it must have been initialised (nothing is created)."""
    return closed_at_exit(open_ledger(Settings(db_url=db_url)))


def command_ledger_and_log(db_url: str) -> tuple[CaseLedger, TransparencyLog]:
    settings = Settings(db_url=db_url)
    ledger = closed_at_exit(open_ledger(settings))
    return ledger, build_transparency_log(ledger, closed_at_exit(SqlStore(Database(settings.db_url))))


def command_read_models(db_url: str) -> ReadModels:
    return closed_at_exit(build_read_models(Settings(db_url=db_url)))


def typed_command(model: type[_Command], **fields: Any) -> _Command:
    """The command from the options given, or one line saying which option is wrong (INVALID_INPUT)."""
    try:
        return model(**fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise DomainError("INVALID_INPUT", f"{where} 输入有误 (invalid {where}: {first['msg']}).") from None
