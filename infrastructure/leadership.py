"""One process of a deployment does the background work (projections caught up, the global log integrated
and checkpointed), however many `tongban serve` processes and workers share the database: the one holding
the deployment's leader lock. The others take it over when the leader dies.

- PostgreSQL: a session advisory lock, held by a connection the leader keeps open; the server drops it when
  that connection ends, however the process ended (kill -9 included).
- SQLite: an exclusive lock on a file beside the database; the kernel drops it when the process ends.
"""

from __future__ import annotations

import fcntl
import os
from typing import Any

import psycopg

from domain.errors import DomainError
from infrastructure.database import Database


class Leadership:
    def __init__(self, database: Database) -> None:
        self.database = database
        self._conn: psycopg.Connection[Any] | None = None  # PostgreSQL: the session that holds or asks for the lock
        self._file: int | None = None  # SQLite: the lock file, open while this process runs
        self.leading = False

    @property
    def _key(self) -> str:
        return f"tongban background {self.database.schema}"  # one leader per ledger, not per PostgreSQL database

    def lead(self) -> bool:
        """Whether this process leads now: keeps the lock if it holds it, else tries to take it (never waits)."""
        try:
            self.leading = self._try_postgres() if self.database.is_postgres else self._try_sqlite()
        except (psycopg.Error, DomainError):  # the database is unreachable: nobody here leads until it is back
            self.release()
        return self.leading

    def _try_postgres(self) -> bool:
        if self._conn is None or self._conn.closed:
            self._conn, self.leading = self.database.connect_postgres(), False
        if self.leading:
            self._conn.execute("SELECT 1")  # the session, and so its lock, still lives
            return True
        row = self._conn.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (self._key,)).fetchone()
        return bool(row and row[0])

    def _try_sqlite(self) -> bool:
        if self._file is None:
            path = self.database.sqlite_path()
            self._file = os.open(path.with_name(path.name + ".leader"), os.O_RDWR | os.O_CREAT, 0o600)
        if not self.leading:
            try:
                fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
        return True

    def release(self) -> None:
        """Let another process lead: ending the session drops its advisory lock, closing the file its lock."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._file is not None:
            os.close(self._file)
            self._file = None
        self.leading = False
