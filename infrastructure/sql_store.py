"""Plain SQL tables beside the event log (read models, principals, idempotency records), in the same
SQLite file or PostgreSQL schema.

A thin layer over the two DB-API drivers, so projections write one SQL dialect: `?` placeholders
(rewritten to `%s` for psycopg) and portable types.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from infrastructure.database import Database

KEYS_A_STATEMENT = 500  # the databases cap a statement's parameters


def chunks(keys: Sequence[Any], size: int = KEYS_A_STATEMENT) -> Iterator[list[Any]]:
    """`keys` a few hundred at a time, for statements that name them all (`IN (?, ?, ...)`)."""
    for n in range(0, len(keys), size):
        yield list(keys[n : n + size])


class SqlStore:
    def __init__(self, database: Database) -> None:
        self.database = database
        self.is_postgres = database.is_postgres
        self.conn: Any = database.connect_postgres() if self.is_postgres else database.connect_sqlite()
        self._lock = threading.RLock()  # one connection, shared by threads one statement or transaction at a time

    def _sql(self, sql: str) -> str:
        if self.is_postgres:
            return sql.replace("?", "%s").replace("BLOB", "BYTEA")
        return sql

    def execute(self, sql: str, params: Sequence[Any] = (), *, binary: bool = False) -> Any:
        """With `binary`, PostgreSQL sends the result's columns in binary (see fetchall); SQLite has one format."""
        with self._lock:
            if self.is_postgres:
                return self.conn.execute(self._sql(sql), params, binary=binary)
            return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        with self._lock:
            self._executemany(sql, rows)

    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if self.is_postgres:
            with self.conn.cursor() as cur:
                cur.executemany(self._sql(sql), rows)
        else:
            self.conn.executemany(sql, rows)

    def insert(self, table: str, rows: Sequence[Sequence[Any]]) -> None:
        """Append rows to a table, every column given: PostgreSQL's COPY, several times faster than one INSERT a row."""
        if not rows:
            return
        with self._lock:
            if not self.is_postgres:
                self.conn.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows[0]))})", rows)
                return
            with self.conn.cursor() as cur, cur.copy(f"COPY {table} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    def delete_in(self, table: str, column: str, keys: Sequence[Any]) -> None:
        """Delete the rows whose `column` is one of `keys`: a few hundred a statement on SQLite; on PostgreSQL all in
        one, the keys sent as one array (see fetch_in)."""
        if self.is_postgres:
            self.execute(f"DELETE FROM {table} WHERE {column} = ANY(?)", [list(keys)])
            return
        for chunk in chunks(keys):
            self.execute(f"DELETE FROM {table} WHERE {column} IN ({', '.join('?' * len(chunk))})", chunk)

    def fetchall(self, sql: str, params: Sequence[Any] = (), *, binary: bool = False) -> list[tuple[Any, ...]]:
        """With `binary`, PostgreSQL sends the columns in binary, for reads of many rows of this project's own tables
        (integers, text, uuid, bytea: the same Python values either way): a record's bytes come as they are instead
        of as hex digits to decode, which nearly halves reading a record."""
        with self._lock:
            return [tuple(row) for row in self.execute(sql, params, binary=binary).fetchall()]

    def fetch_in(self, sql: str, keys: Sequence[Any], params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """The rows of `sql`, which says `IN ({keys})`, for `keys`; `params` follow the keys. On SQLite a few hundred
        keys a query (it caps a statement's parameters); on PostgreSQL `= ANY(?)`, the keys sent as one array: the
        same statement text however many there are, which psycopg parses once and PostgreSQL prepares once (an `IN`
        list of n placeholders is a new statement for every n: a catch-up's reads were parsed afresh each time)."""
        if not keys:
            return []
        if self.is_postgres:
            assert "IN ({keys})" in sql, sql
            return self.fetchall(sql.replace("IN ({keys})", "= ANY(?)"), [list(keys), *params])
        rows: list[tuple[Any, ...]] = []
        for chunk in chunks(keys):
            rows += self.fetchall(sql.format(keys=", ".join("?" * len(chunk))), [*chunk, *params])
        return rows

    def ascending(
        self, select: str, table: str, key: str, start: int, limit: int, where: str = "", params: Sequence[Any] = ()
    ) -> list[tuple[Any, ...]]:
        """At most `limit` rows of `table` with `key` >= `start`, in key order, for an integer key that runs mostly
        without gaps (log positions, node indexes); fewer may come back where there are gaps: go on after the last.
        Read as the bounded range [start, start + limit), which PostgreSQL reads through the key's index even
        without the table's statistics: an open range with LIMIT it planned, without them, as a scan of every
        later row and a sort (0.13 s a page at 10^6 log nodes). Past a gap, from the next key there is."""
        condition = f"{where} AND " if where else ""

        def read(first: int) -> list[tuple[Any, ...]]:
            sql = f"{select} FROM {table} WHERE {condition}{key} >= ? AND {key} < ? ORDER BY {key}"
            return self.fetchall(sql, (*params, first, first + limit), binary=True)

        if rows := read(start):
            return rows
        after_gap = self.fetchone(f"SELECT MIN({key}) FROM {table} WHERE {condition}{key} >= ?", (*params, start))
        return [] if after_gap is None or after_gap[0] is None else read(int(after_gap[0]))

    def fetch_matching(self, select: str, table: str, key: dict[str, str], wanted: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """`select` (the columns, no FROM) from the rows of `table` whose `key` (one or two columns: name -> SQL
        type) is one of `wanted`. On PostgreSQL one statement joined to the keys, sent as binary arrays: one round
        trip however many. On SQLite (no round trips) `IN` lists, per value of a two-column key's first column:
        SQLite would scan the table for row values `(a, b) IN (VALUES ...)`."""
        names = list(key)
        if not wanted:
            return []
        if self.is_postgres:
            arrays, params = _as_arrays(key, wanted)
            joined = f"{select} FROM {table} JOIN unnest({arrays}) AS wanted({', '.join(names)}) USING ({', '.join(names)})"
            with self._lock:
                return [tuple(row) for row in self.conn.execute(joined, params).fetchall()]
        if len(names) == 1:
            return self.fetch_in(f"{select} FROM {table} WHERE {names[0]} IN ({{keys}})", [k[0] for k in wanted])
        by_first: dict[Any, list[Any]] = {}
        for first, second in wanted:
            by_first.setdefault(first, []).append(second)
        sql = f"{select} FROM {table} WHERE {names[1]} IN ({{keys}}) AND {names[0]} = ?"
        return [row for first, seconds in by_first.items() for row in self.fetch_in(sql, seconds, [first])]

    def upsert(self, table: str, columns: dict[str, str], key: tuple[str, ...], rows: Sequence[Sequence[Any]]) -> None:
        """Insert rows, replacing the other columns of rows whose `key` is already there. `columns`: name -> SQL type.
        On PostgreSQL one statement over arrays (unnest): executemany sends one statement a row."""
        if not rows:
            return
        names = ", ".join(columns)
        update = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
        conflict = f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {update}"
        with self._lock:
            if self.is_postgres:
                arrays, params = _as_arrays(columns, rows)
                self.conn.execute(f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}) {conflict}", params)
            else:
                self.conn.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))}) {conflict}", rows)

    def stream(self, sql: str, params: Sequence[Any] = (), batch: int = 10_000) -> Iterator[tuple[Any, ...]]:
        """The rows of a query, never all of them in memory (a server-side cursor on PostgreSQL). Read it to the end."""
        with self._lock:
            if self.is_postgres:
                with self.conn.transaction(), self.conn.cursor(name="tongban_stream") as cursor:
                    cursor.execute(self._sql(sql), params)
                    while rows := cursor.fetchmany(batch):
                        yield from (tuple(row) for row in rows)
                return
            cursor = self.conn.execute(sql, params)
            while rows := cursor.fetchmany(batch):
                yield from (tuple(row) for row in rows)

    def pages(self, select: str, key: tuple[str, str], low: Any | None, high: Any | None, page: int) -> Iterator[list[tuple[Any, ...]]]:
        """The rows of `select` (no WHERE of its own; the two columns of the unique `key` selected first) with
        low <= key[0] < high (None: unbounded), in key order, `page` rows at a time; each page starts right after
        the last row of the one before (keyset pagination: nothing is read twice, no page holds more)."""
        a, b = key
        after: tuple[Any, Any] | None = None
        while True:
            where, params = [], list[Any]()
            if after is not None:
                where.append(f"({a}, {b}) > (?, ?)")
                params += after
            elif low is not None:
                where.append(f"{a} >= ?")
                params.append(low)
            if high is not None:
                where.append(f"{a} < ?")
                params.append(high)
            rows = self.fetchall(
                f"{select} {'WHERE ' + ' AND '.join(where) if where else ''} ORDER BY {a}, {b} LIMIT {page}", params, binary=True
            )
            yield rows
            if len(rows) < page:
                return
            after = (rows[-1][0], rows[-1][1])  # as stored, so the next page starts right after it

    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        with self._lock:
            row = self.execute(sql, params).fetchone()
        return tuple(row) if row is not None else None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: a projection's changes and its new position commit together."""
        with self._lock:
            if self.is_postgres:
                with self.conn.transaction():
                    yield
                return
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def table_exists(self, name: str) -> bool:
        if self.is_postgres:
            row = self.fetchone("SELECT to_regclass(?)", (name,))
            return bool(row and row[0])
        return self.fetchone("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)) is not None

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> SqlStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _as_arrays(columns: dict[str, str], rows: Sequence[Sequence[Any]]) -> tuple[str, list[list[Any]]]:
    """PostgreSQL: rows sent as one array a column (`unnest` turns them back into rows), in binary (%b), not escaped
    as text: the placeholders and their parameters."""
    return ", ".join(f"%b::{kind}[]" for kind in columns.values()), [list(c) for c in zip(*rows, strict=True)]
