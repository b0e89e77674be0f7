"""The library's SQLite persistence, with a statement cache that holds more than one statement.

eventsourcing 9.5.6 opens SQLite connections with `cached_statements=True`, which sqlite3 reads as a
cache of ONE statement: BEGIN, the insert and the in-transaction confirmation (recorders.py) then evict
each other and are compiled again on every write, which cost more than the confirmation itself.
"""

from __future__ import annotations

import sqlite3

from eventsourcing.persistence import InterfaceError
from eventsourcing.sqlite import SQLITE3_DEFAULT_LOCK_TIMEOUT, SQLiteConnection, SQLiteConnectionPool, SQLiteFactory
from eventsourcing.utils import Environment, EnvType

STATEMENT_CACHE = 64


class StatementCachingPool(SQLiteConnectionPool):
    def _create_connection(self) -> SQLiteConnection:
        try:
            conn = sqlite3.connect(
                database=self.db_name,
                uri=True,
                check_same_thread=False,
                isolation_level=None,
                cached_statements=STATEMENT_CACHE,
                timeout=self.lock_timeout or SQLITE3_DEFAULT_LOCK_TIMEOUT,
            )
        except (sqlite3.Error, TypeError) as e:
            raise InterfaceError(e) from e
        if not self.is_sqlite_memory_mode:
            conn.execute("PRAGMA journal_mode=WAL")
            self.is_journal_mode_wal = True
        conn.row_factory = sqlite3.Row
        return SQLiteConnection(sqlite_conn=conn, max_age=self.max_age)


class Factory(SQLiteFactory):
    def __init__(self, env: Environment | EnvType | None):
        super().__init__(env)
        library_pool = self.datastore.pool  # built with the library's defaults, before any connection is opened
        self.datastore.pool = StatementCachingPool(db_name=library_pool.db_name, lock_timeout=library_pool.lock_timeout)
