"""The event recorders: the library's own, plus a confirmation inside each write transaction that what a
record was signed against still holds when it commits.

The same transaction also stores the result of an idempotent request (idempotency.py), so that a
request's result exists exactly when its events do.

A record is signed before its transaction starts. Three things it relied on can change before the
commit, by another thread or process: the record at version − 1 it chains to, the network whose keys
chose the signing key, and (for a key revocation) the records signed with that key meanwhile. Each is
read again inside the transaction, after the write lock is held, and the transaction is rolled back
if any changed, so that the ledger never stores a record that its own `verify` would reject.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from infrastructure.idempotency import INSERT as INSERT_OUTCOME
from infrastructure.idempotency import TABLE as TABLE_NAME
from infrastructure.idempotency import RequestOutcome
from infrastructure.records import record_hash


class WriteMoved(Exception):
    """Something a signed record relied on changed before its transaction committed; nothing was stored."""


class ChainMoved(WriteMoved):
    """The record a new record chains to is not the one stored at version − 1."""


class NetworkMoved(WriteMoved):
    """The network changed (a key certified or revoked) since the signing keys were chosen."""


class KeyUsedAfterRevocation(WriteMoved):
    """A record signed with a key at or after the moment this write revokes it was committed meanwhile."""


@dataclass(frozen=True)
class SignedAgainst:
    """What the records of one write were signed against, to be confirmed inside its transaction."""

    network_id: UUID
    network_version: int  # the network (and so the certified keys) the signing keys were chosen from


class StoredReader(Protocol):
    def states(self, positions: list[tuple[UUID, int]]) -> dict[tuple[UUID, int], bytes]: ...
    def head(self, stream: UUID) -> int: ...
    def states_after(self, position: int) -> list[bytes]: ...
    def position_of(self, stream: UUID, version: int) -> int: ...


def confirm(reader: StoredReader, stored_events: Sequence[StoredEvent], against: SignedAgainst, *, inserted: bool) -> None:
    """Raise WriteMoved unless every assumption of these signed records holds in this transaction.
    `inserted`: whether the records are already in the table (SQLite writes first, then reads)."""
    first_of: dict[UUID, StoredEvent] = {}
    for stored in stored_events:
        first_of.setdefault(_uuid(stored.originator_id), stored)
    chained = [s for s in first_of.values() if s.originator_version > 1]
    if chained:
        found = reader.states([(_uuid(s.originator_id), s.originator_version - 1) for s in chained])
        for s in chained:
            previous = found.get((_uuid(s.originator_id), s.originator_version - 1))
            if previous is None or record_hash(previous) != json.loads(s.state)["body"]["prev"]:
                raise ChainMoved(f"{s.originator_id} version {s.originator_version - 1} is not the record it was chained to")
    ours = [s for s in stored_events if _uuid(s.originator_id) == against.network_id]
    if reader.head(against.network_id) - (len(ours) if inserted else 0) != against.network_version:
        raise NetworkMoved("the network changed since the signing keys were chosen")
    revoked = {body["payload"]["key_id"]: datetime.fromisoformat(body["occurred_at"])
               for body in (json.loads(s.state)["body"] for s in ours) if body["type"] == "Network.KeyRevoked"}
    if revoked:
        # A revocation's time is chosen after the network it changes was read, so a record signed at or after
        # that time was committed after the network record it was read at.
        for state in reader.states_after(reader.position_of(against.network_id, ours[0].originator_version - 1)):
            record = json.loads(state)
            key_id = record["key_id"]
            if key_id in revoked and datetime.fromisoformat(record["body"]["recorded_at"]) >= revoked[key_id]:
                raise KeyUsedAfterRevocation(f"key {key_id} signed a record at or after the time it is being revoked")


def _uuid(value: UUID | str) -> UUID:
    return value if isinstance(value, UUID) else UUID(value)


# ---------------------------------------------------------------------- SQLite
class _SQLiteReader:
    def __init__(self, cursor: SQLiteCursor, table: str) -> None:
        self.cursor, self.table = cursor, table

    def states(self, positions: list[tuple[UUID, int]]) -> dict[tuple[UUID, int], bytes]:
        where = " OR ".join(["(originator_id = ? AND originator_version = ?)"] * len(positions))
        self.cursor.execute(f"SELECT originator_id, originator_version, state FROM {self.table} WHERE {where}",
                            [v for stream, version in positions for v in (stream.hex, version)])
        return {(UUID(row[0]), row[1]): bytes(row[2]) for row in self.cursor.fetchall()}

    def head(self, stream: UUID) -> int:
        self.cursor.execute(f"SELECT MAX(originator_version) FROM {self.table} WHERE originator_id = ?", [stream.hex])
        return int(self.cursor.fetchone()[0] or 0)

    def states_after(self, position: int) -> list[bytes]:
        self.cursor.execute(f"SELECT state FROM {self.table} WHERE rowid > ? ORDER BY rowid", [position])
        return [bytes(row[0]) for row in self.cursor.fetchall()]

    def position_of(self, stream: UUID, version: int) -> int:
        self.cursor.execute(f"SELECT rowid FROM {self.table} WHERE originator_id = ? AND originator_version = ?", [stream.hex, version])
        row = self.cursor.fetchone()
        return int(row[0]) if row else 0


class ConfirmingSQLiteRecorder(SQLiteApplicationRecorder):
    """SQLite takes its write lock at the first INSERT (a read first could not upgrade to a write once
    another connection committed): so insert, then confirm on the same transaction, rolling back on failure."""

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        against: SignedAgainst | None = kwargs.get("signed_against")
        if against is not None:
            confirm(_SQLiteReader(c, self.events_table_name), stored_events, against, inserted=True)
        outcome: RequestOutcome | None = kwargs.get("request_outcome")
        if outcome is not None:  # a second result for one key is a unique violation: the whole write rolls back
            c.execute(INSERT_OUTCOME, outcome.row())
        return ids


# ---------------------------------------------------------------------- PostgreSQL
class _PostgresReader:
    def __init__(self, cursor: Cursor[DictRow], schema: str, table: str) -> None:
        self.cursor = cursor
        self.table = SQL("{}.{}").format(Identifier(schema), Identifier(table)) if schema else Identifier(table)

    def states(self, positions: list[tuple[UUID, int]]) -> dict[tuple[UUID, int], bytes]:
        self.cursor.execute(
            SQL("SELECT originator_id, originator_version, state FROM {} WHERE (originator_id, originator_version) IN "
                "(SELECT * FROM unnest(%s::uuid[], %s::int[]))").format(self.table),
            ([stream for stream, _ in positions], [version for _, version in positions]),
        )
        return {(row["originator_id"], row["originator_version"]): bytes(row["state"]) for row in self.cursor.fetchall()}

    def head(self, stream: UUID) -> int:
        self.cursor.execute(SQL("SELECT MAX(originator_version) AS head FROM {} WHERE originator_id = %s").format(self.table), (stream,))
        row = self.cursor.fetchone()
        return int(row["head"] or 0) if row else 0

    def states_after(self, position: int) -> list[bytes]:
        self.cursor.execute(SQL("SELECT state FROM {} WHERE notification_id > %s ORDER BY notification_id").format(self.table),
                            (position,))
        return [bytes(row["state"]) for row in self.cursor.fetchall()]

    def position_of(self, stream: UUID, version: int) -> int:
        self.cursor.execute(SQL("SELECT notification_id FROM {} WHERE originator_id = %s AND originator_version = %s").format(self.table),
                            (stream, version))
        row = self.cursor.fetchone()
        return int(row["notification_id"]) if row else 0


class AdvisoryLockRecorder(PostgresApplicationRecorder):
    """The library's recorder, serialising inserts on a transaction-scoped advisory lock instead of
    `LOCK TABLE ... IN EXCLUSIVE MODE`, which PostgreSQL grants only to roles that may also UPDATE or
    DELETE. Held until commit, it keeps what the table lock kept: commit order equals notification-id order.
    The lock is taken first, then the signed records are confirmed, then they are inserted."""

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.lock_table_statements = [
            SQL("SET LOCAL lock_timeout = '{0}s'").format(self.datastore.lock_timeout),
            SQL("SELECT pg_advisory_xact_lock(hashtext({0}))").format(f"{self.datastore.schema}.{self.events_table_name}"),
        ]

    def _insert_events(self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        # Runs inside the transaction before the insert; an exception here rolls the transaction back.
        if not stored_events:
            return
        super()._lock_table(curs)
        against: SignedAgainst | None = kwargs.get("signed_against")
        if against is not None:
            confirm(_PostgresReader(curs, self.datastore.schema, self.events_table_name), stored_events, against, inserted=False)
        outcome: RequestOutcome | None = kwargs.get("request_outcome")
        if outcome is not None:  # fetched at once, so a unique violation is raised here and rolls the write back
            statement = INSERT_OUTCOME.replace("?", "%s").replace(TABLE_NAME, f'"{self.datastore.schema}".{TABLE_NAME}')
            curs.execute(statement + " RETURNING 1", outcome.row())
            curs.fetchone()

    def _lock_table(self, curs: Cursor[DictRow]) -> None:
        """Already locked in _insert_events."""
