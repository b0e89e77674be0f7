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


@dataclass(frozen=True)
class Database:
    url: str

    @property
    def is_postgres(self) -> bool:
        return self.url.startswith(("postgresql://", "postgres://"))

    @property
    def backend(self) -> str:
        return "postgresql" if self.is_postgres else "sqlite"

    def sqlite_path(self) -> Path:
        if not self.url.startswith("sqlite:///"):
            raise ValueError(f"unsupported database URL {self.url!r}: use sqlite:///PATH or postgresql://...")
        return Path(self.url.removeprefix("sqlite:///"))

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
            return {"PERSISTENCE_MODULE": "infrastructure.sqlite_persistence:Factory", "SQLITE_DBNAME": str(path),
                    "SQLITE_LOCK_TIMEOUT": "30",
                    "APPLICATION_RECORDER_TOPIC": "infrastructure.recorders:ConfirmingSQLiteRecorder"}
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
        conn = sqlite3.connect(self.sqlite_path(), timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
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

    def connect_postgres(self) -> psycopg.Connection[Any]:
        env = self._server()
        conn = psycopg.connect(
            dbname=env["POSTGRES_DBNAME"], host=env["POSTGRES_HOST"], port=int(env["POSTGRES_PORT"]),
            user=env["POSTGRES_USER"], password=env["POSTGRES_PASSWORD"] or None, autocommit=True,
        )
        if self.schema:
            if conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (self.schema,)).fetchone() is None:
                conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
            conn.execute(f'SET search_path TO "{self.schema}"')
        return conn

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
