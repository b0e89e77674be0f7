"""The command line's one error path.

A refusal is one line on stderr, `tongban: CODE: 中文 (English)`, and exit status 1 (2 for a mistyped
command line). Anything unexpected is one line naming the log file that holds its traceback. No
command shows a Python traceback. The `tongban` group is a OneLineErrors group, so this holds for every
subcommand, however it is invoked.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
import tempfile
import traceback
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

import click
from eventsourcing.persistence import DatabaseError, InterfaceError, OperationalError

from domain.errors import DomainError
from infrastructure.config import data_dir

log = logging.getLogger("tongban.cli")


def log_to_stderr() -> None:
    """Warnings of every library and tongban's own lines (a request each, the background work) to stderr."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    logging.getLogger("tongban").setLevel(logging.INFO)


class OneLineErrors(click.Group):
    """A command group whose every failure, in any subcommand, ends as one line and an exit status."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.Abort):
            raise
        except DomainError as refusal:
            _fail(refusal.code, refusal.message)
        except click.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else "tongban"
            said = " ".join(exc.format_message().split())  # click lists a choice's values one a line
            _fail("INVALID_OPTION", f"命令行有误 (invalid command line: {said} See `{command} --help`.)", status=2)
        except click.ClickException as exc:
            _fail("REFUSED", f"操作未完成 ({exc.format_message()})")
        except BrokenPipeError:  # the reader of our output went away (`tongban ledger | head`): nothing to say
            raise click.exceptions.Exit(1) from None
        except Exception as exc:
            known = infrastructure_refusal(exc)
            if known is not None:
                _fail(known.code, known.message)
            where = _log_traceback(exc)
            _fail(
                "UNEXPECTED_ERROR", f"意外错误，操作未完成，详情见 {where} (unexpected {type(exc).__name__}; the traceback is in {where})."
            )

    def main(self, *args: Any, **kwargs: Any) -> Any:
        log_to_stderr()
        return super().main(*args, **kwargs)


def infrastructure_refusal(exc: BaseException) -> DomainError | None:
    """What a failure of the database or a file means to the person who typed the command, where it is known."""
    cause = exc.__cause__ or exc
    if isinstance(exc, OperationalError | InterfaceError):
        return DomainError("DATABASE_UNREACHABLE", f"数据库连接中断 (the database could not be reached: {cause}).")
    if isinstance(exc, DatabaseError | sqlite3.DatabaseError) and "not a database" in str(cause):
        return DomainError("DATABASE_CORRUPT", f"数据库文件已损坏 (the database file is not readable: {cause}).")
    if isinstance(exc, OSError) and exc.filename:
        return DomainError("UNREADABLE_FILE", f"无法读写文件 {exc.filename} (cannot read or write this file: {exc.strerror}).")
    return None


def _fail(code: str, message: str, status: int = 1) -> NoReturn:
    click.echo(f"tongban: {code}: {message}", err=True)
    raise click.exceptions.Exit(status)


def _log_traceback(exc: BaseException) -> Path:
    data = data_dir()  # not Settings(): a bad setting may be what failed
    where = data / "logs" if data.is_dir() else Path(tempfile.gettempdir())
    where.mkdir(parents=True, exist_ok=True)
    path = where / "tongban-cli.log"
    with path.open("a", encoding="utf-8") as f:
        f.write(f"--- {datetime.now().isoformat()} {' '.join(sys.argv)}\n")
        f.write("".join(traceback.format_exception(exc)))
    return path
