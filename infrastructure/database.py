"""One database URL selects the backend: sqlite:///path (embedded default) or postgresql://..."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import psycopg

from domain.errors import DomainError

SQLITE_EVENTS_TABLE = "stored_events"  # the library's table names for the application's events
POSTGRES_EVENTS_TABLE = "tongban_events"


@dataclass(frozen=True)
class Database:
    url: str
    replica: bool = False  # a hot standby (`serve --read-db`): read only, so nothing is ever created there

    def __post_init__(self) -> None:
        if not self.url.startswith(("sqlite:///", "postgresql://", "postgres://")) or self.url == "sqlite:///":
            raise DomainError(
                "UNSUPPORTED_DATABASE_URL",
                f"不支持的数据库地址 {self.url!r}，应为 sqlite:///路径 或 postgresql://… (use sqlite:///PATH or postgresql://...).",
            )

    @property
    def is_postgres(self) -> bool:
        return self.url.startswith(("postgresql://", "postgres://"))

    @property
    def backend(self) -> str:
        return "postgresql" if self.is_postgres else "sqlite"

    def sqlite_path(self) -> Path:
        return Path(self.url.removeprefix("sqlite:///"))

    def has_ledger(self) -> bool:
        """Whether a ledger was initialised here (its event table holds a record); creates nothing to find out."""
        if self.is_postgres:
            with self.connect_postgres(create_schema=False) as pg:  # a schema that is not there holds no ledger
                table = pg.execute("SELECT to_regclass(%s)", (POSTGRES_EVENTS_TABLE,)).fetchone()
                return bool(table and table[0] and pg.execute(f"SELECT 1 FROM {POSTGRES_EVENTS_TABLE} LIMIT 1").fetchone())
        path = self.sqlite_path()
        if not path.is_file():
            return False
        try:
            lite = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
            try:
                table = lite.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (SQLITE_EVENTS_TABLE,)).fetchone()
                return bool(table and lite.execute(f"SELECT 1 FROM {SQLITE_EVENTS_TABLE} LIMIT 1").fetchone())
            finally:
                lite.close()
        except sqlite3.DatabaseError as exc:
            raise _sqlite_refusal(path, exc) from None

    def _pg(self) -> tuple[Any, dict[str, list[str]]]:
        parts = urlparse(self.url)
        return parts, parse_qs(parts.query)

    @property
    def schema(self) -> str:
        return self._pg()[1].get("schema", [""])[0] if self.is_postgres else ""

    def eventsourcing_env(self) -> dict[str, str]:
        """The eventsourcing library's settings for this URL."""
        if not self.is_postgres:
            path = self.sqlite_path()
            path.parent.mkdir(parents=True, exist_ok=True)
            return {
                "PERSISTENCE_MODULE": "infrastructure.sqlite_persistence:Factory",
                "SQLITE_DBNAME": str(path),
                "SQLITE_LOCK_TIMEOUT": "30",
                "APPLICATION_RECORDER_TOPIC": "infrastructure.recorders:ConfirmingSQLiteRecorder",
            }
        env = {"PERSISTENCE_MODULE": "eventsourcing.postgres", **self._server(), "POSTGRES_POOL_SIZE": "4", "POSTGRES_LOCK_TIMEOUT": "30"}
        if self.schema:
            env["POSTGRES_SCHEMA"] = self.schema
        # Inserts take an advisory lock, not the library's table lock, which needs UPDATE/DELETE rights (recorders.py).
        env["APPLICATION_RECORDER_TOPIC"] = "infrastructure.recorders:AdvisoryLockRecorder"
        with self.connect_postgres() as conn:  # the application role may not create (or re-index) what init created
            row = conn.execute("SELECT to_regclass('tongban_events')").fetchone()
            if row and row[0] is not None:
                env["CREATE_TABLE"] = "false"
        return env

    def connect_sqlite(self) -> sqlite3.Connection:
        # One connection may be handed from thread to thread (a runner thread, a request thread), never shared at once.
        try:
            conn = sqlite3.connect(self.sqlite_path(), timeout=30, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.DatabaseError as exc:
            raise _sqlite_refusal(self.sqlite_path(), exc) from None
        return conn

    def _server(self) -> dict[str, str]:
        parts, _ = self._pg()
        return {
            "POSTGRES_DBNAME": parts.path.lstrip("/") or "postgres",
            "POSTGRES_HOST": parts.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(parts.port or 5432),
            "POSTGRES_USER": unquote(parts.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parts.password or ""),
        }

    def connect_postgres(self, create_schema: bool = True) -> psycopg.Connection[Any]:
        """A connection whose search path is the URL's schema, created first if missing (never on a replica)."""
        env = self._server()
        try:
            conn = psycopg.connect(
                dbname=env["POSTGRES_DBNAME"],
                host=env["POSTGRES_HOST"],
                port=int(env["POSTGRES_PORT"]),
                user=env["POSTGRES_USER"],
                password=env["POSTGRES_PASSWORD"] or None,
                autocommit=True,
                connect_timeout=10,
            )
        except psycopg.OperationalError as exc:
            where = f"{env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}/{env['POSTGRES_DBNAME']}"
            reason = str(exc).strip().splitlines()[-1].strip() if str(exc).strip() else type(exc).__name__
            raise DomainError(
                "DATABASE_UNREACHABLE", f"无法连接 PostgreSQL {where} (cannot connect to PostgreSQL at {where}: {reason})."
            ) from None
        if self.schema:
            if (
                create_schema
                and not self.replica
                and conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (self.schema,)).fetchone() is None
            ):
                conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
            conn.execute(f'SET search_path TO "{self.schema}"')
        return conn

    def analyze(self, table: str) -> None:
        """Bring PostgreSQL's statistics of a table up to date. A bulk load outruns autovacuum (and a server may run
        with it off): without them the planner reads one stream by scanning and sorting the table, at millions of rows
        a fifth of a second a read. Only the table's owner may; for another role PostgreSQL warns and skips."""
        if self.is_postgres:
            with self.connect_postgres(create_schema=False) as conn:
                conn.execute(f"ANALYZE {table}")

    def autovacuum_off(self) -> bool:
        """PostgreSQL: whether autovacuum, which keeps the planner's statistics current, is off for the server or for
        the event table (see `analyze`). On SQLite there is nothing to keep."""
        if not self.is_postgres:
            return False
        with self.connect_postgres(create_schema=False) as conn:
            row = conn.execute(
                "SELECT current_setting('autovacuum') = 'off' OR COALESCE((SELECT 'autovacuum_enabled=false' = ANY(reloptions) "
                "FROM pg_class WHERE oid = to_regclass(%s)), false)",
                (POSTGRES_EVENTS_TABLE,),
            ).fetchone()
        return bool(row and row[0])

    @contextmanager
    def schema_lock(self) -> Iterator[None]:
        """Serialise table creation between processes starting at once: PostgreSQL's CREATE ... IF NOT
        EXISTS is not safe when run concurrently ("tuple concurrently updated"). SQLite needs nothing."""
        if not self.is_postgres:
            yield
            return
        with self.connect_postgres() as conn:
            conn.execute("SELECT pg_advisory_lock(hashtext('tongban schema'))")
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(hashtext('tongban schema'))")


def _sqlite_refusal(path: Path, exc: sqlite3.DatabaseError) -> DomainError:
    if isinstance(exc, sqlite3.OperationalError):
        return DomainError("DATABASE_UNREACHABLE", f"无法打开数据库文件 {path} (cannot open the database file: {exc}).")
    return DomainError("DATABASE_CORRUPT", f"{path} 不是可读的 tongban 数据库，文件可能已损坏 (not a readable SQLite database: {exc}).")
