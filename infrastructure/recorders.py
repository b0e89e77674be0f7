"""The event recorders: the library's own, plus a confirmation inside each write transaction that what a
record was signed against still holds when it commits.

The same transaction also stores the result of an idempotent request (idempotency.py), so that a
request's result exists exactly when its events do.

A record is signed before its transaction starts. Four things it relied on can change before the
commit, by another thread or process: the record at version − 1 it chains to, the network whose keys
chose the signing key, (for a key revocation) the records signed with that key meanwhile, and the data
keys of the applicants whose data it seals (`sealed_for`: an erasure destroys them). Each is read again
inside the transaction, after the write lock is held, and the transaction is rolled back if any changed,
so that the ledger never stores a record that its own `verify` would reject. On PostgreSQL the destruction
of a data key takes the writers' lock too, so it waits for a write that sealed with the key, then sees its case.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg.errors
from eventsourcing.persistence import DataError, IntegrityError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composed, Identifier

from infrastructure.idempotency import INSERT as INSERT_OUTCOME
from infrastructure.idempotency import TABLE as TABLE_NAME
from infrastructure.idempotency import RequestOutcome
from infrastructure.personal_data import DATA_KEYS_TABLE, RETIRED
from infrastructure.records import record_hash


class WriteMoved(Exception):
    """Something a signed record relied on changed before its transaction committed; nothing was stored."""


class ChainMoved(WriteMoved):
    """The record a new record chains to is not the one stored at version − 1."""


class NetworkMoved(WriteMoved):
    """The network changed (a key certified or revoked) since the signing keys were chosen."""


class KeyUsedAfterRevocation(WriteMoved):
    """A record signed with a key at or after the moment this write revokes it was committed meanwhile."""


class DataKeyDestroyed(WriteMoved):
    """An applicant whose data these records seal was erased meanwhile: their key is gone (personal_data.py)."""


def writers_lock(schema: str, events_table: str) -> str:
    """The name of the advisory lock PostgreSQL's writers of the event table take, in commit order."""
    return f"{schema}.{events_table}"


@dataclass(frozen=True)
class SignedAgainst:
    """What the records of one write were signed against, to be confirmed inside its transaction."""

    network_id: UUID
    network_version: int  # the network (and so the certified keys) the signing keys were chosen from


def _first_chained(stored_events: Sequence[StoredEvent]) -> list[StoredEvent]:
    """The first new record of each stream that chains to a stored one (version > 1)."""
    first_of: dict[UUID | str, StoredEvent] = {}
    for stored in stored_events:
        first_of.setdefault(stored.originator_id, stored)
    return [s for s in first_of.values() if s.originator_version > 1]


def _prev_named(state: bytes) -> str:
    """BODY.prev of a canonical record. Only fields the ledger writes itself (recorded_at, role, schema, type,
    version, key_id, signature) follow it, none holding a quote, so its last occurrence is the field."""
    start = state.rindex(b',"prev":"') + len(b',"prev":"')
    return state[start : start + 64].decode()


def _network_records(stored_events: Sequence[StoredEvent], network_id: UUID) -> list[StoredEvent]:
    forms = {network_id, network_id.hex, str(network_id)}  # the library hands ids over as UUIDs or strings
    return [s for s in stored_events if s.originator_id in forms]


def _revocations(network_records: list[StoredEvent]) -> dict[str, datetime]:
    bodies = (json.loads(s.state)["body"] for s in network_records)
    return {b["payload"]["key_id"]: datetime.fromisoformat(b["occurred_at"]) for b in bodies if b["type"] == "Network.KeyRevoked"}


def _check_no_use_after(revoked: dict[str, datetime], states: list[bytes]) -> None:
    """A revocation's time is taken after the network it changes was read, so a record signed with the key at
    or after that time can only have been committed after that network record: `states` are those records."""
    for state in states:
        record = json.loads(state)
        key_id = record["key_id"]
        if key_id in revoked and datetime.fromisoformat(record["body"]["recorded_at"]) >= revoked[key_id]:
            raise KeyUsedAfterRevocation(f"key {key_id} signed a record at or after the time it is being revoked")


# ---------------------------------------------------------------------- SQLite
class ConfirmingSQLiteRecorder(SQLiteApplicationRecorder):
    """SQLite takes its write lock at the first INSERT (a read first could not upgrade to a write once
    another connection committed): so insert, then confirm on the same transaction, rolling back on failure."""

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        against: SignedAgainst | None = kwargs.get("signed_against")
        if against is not None:
            self._confirm(c, stored_events, against)
        sealed_for: list[str] = kwargs.get("sealed_for") or []
        if sealed_for:
            c.execute(
                f"SELECT count(*) FROM {DATA_KEYS_TABLE} WHERE applicant_id IN (SELECT value FROM json_each(?)) AND wrapped_key != ?",
                [json.dumps(sealed_for), RETIRED],
            )
            if c.fetchone()[0] != len(sealed_for):
                raise DataKeyDestroyed("an applicant whose data this write seals was erased meanwhile")
        outcome: RequestOutcome | None = kwargs.get("request_outcome")
        if outcome is not None:  # a second result for one key is a unique violation: the whole write rolls back
            c.execute(INSERT_OUTCOME, outcome.row())
        return ids

    def _confirm(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], against: SignedAgainst) -> None:
        table, network = self.events_table_name, against.network_id.hex
        chained = _first_chained(stored_events)
        # One statement for the common write (one case, one record): the record it chains to and the network's head.
        first = chained[0] if chained else None
        c.execute(
            f"SELECT (SELECT state FROM {table} WHERE originator_id = ? AND originator_version = ?), "
            f"(SELECT MAX(originator_version) FROM {table} WHERE originator_id = ?)",
            [_hex(first.originator_id) if first else "", first.originator_version - 1 if first else 0, network],
        )
        previous, head = c.fetchone()
        states = [previous] if first else []
        for s in chained[1:]:
            c.execute(
                f"SELECT state FROM {table} WHERE originator_id = ? AND originator_version = ?",
                [_hex(s.originator_id), s.originator_version - 1],
            )
            row = c.fetchone()
            states.append(row[0] if row else None)
        for s, state in zip(chained, states, strict=True):
            if state is None or record_hash(bytes(state)) != _prev_named(s.state):
                raise ChainMoved(f"{s.originator_id} version {s.originator_version - 1} is not the record it was chained to")
        ours = _network_records(stored_events, against.network_id)
        if int(head or 0) - len(ours) != against.network_version:
            raise NetworkMoved("the network changed since the signing keys were chosen")
        revoked = _revocations(ours)
        if revoked:
            c.execute(
                f"SELECT state FROM {table} WHERE rowid > (SELECT rowid FROM {table} WHERE originator_id = ? AND "
                "originator_version = ?) ORDER BY rowid",
                [network, against.network_version],
            )
            _check_no_use_after(revoked, [bytes(row[0]) for row in c.fetchall()])


def _rendered(statement: Composed) -> Composed:
    """A statement composed with identifiers is rendered again at every execution (about a twentieth of a command's
    CPU): those that run on every write are rendered once."""
    return Composed([SQL(statement.as_string())])


def _hex(stream: UUID | str) -> str:
    return stream.hex if isinstance(stream, UUID) else stream


# ---------------------------------------------------------------------- PostgreSQL
class AdvisoryLockRecorder(PostgresApplicationRecorder):
    """The library's recorder, serialising inserts on a transaction-scoped advisory lock instead of
    `LOCK TABLE ... IN EXCLUSIVE MODE`, which PostgreSQL grants only to roles that may also UPDATE or
    DELETE. Held until commit, it keeps what the table lock kept: commit order equals notification-id order.
    Under the lock the records are inserted and then confirmed, in one round trip."""

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.lock_table_statements = [
            _rendered(SQL("SET LOCAL lock_timeout = '{0}s'").format(self.datastore.lock_timeout)),
            _rendered(
                SQL("SELECT pg_advisory_xact_lock(hashtext({0}))").format(writers_lock(self.datastore.schema, self.events_table_name))
            ),
        ]
        table = SQL("{}.{}").format(Identifier(self.datastore.schema), Identifier(self.events_table_name))
        chain = "1 / (SELECT count(*) FROM {0} WHERE originator_id = %s AND originator_version = %s AND sha256(state) = %s)::int"
        network = "ln(((SELECT coalesce(max(originator_version), 0) FROM {0} WHERE originator_id = %s) = %s)::int)"
        self._chain_check = _rendered(SQL(f"SELECT {chain}").format(table))
        self._network_check = _rendered(SQL(f"SELECT {network}").format(table))
        # sqrt(-1) fails the transaction when a sealed-for applicant's key is gone. Read under the writers' lock, which
        # the destruction of a key takes too (append_only.py): no key goes while a write that sealed with it commits.
        keys = "sqrt(((SELECT count(*) FROM {1} WHERE applicant_id = ANY(%s) AND wrapped_key <> '\\x'::bytea) = %s)::int - 1)"
        data_keys = SQL("{}.{}").format(Identifier(self.datastore.schema), Identifier(DATA_KEYS_TABLE))
        self._chain_and_network_check = _rendered(SQL(f"SELECT {chain}, {network}").format(table))
        self._network_and_keys_check = _rendered(SQL(f"SELECT {network}, {keys}").format(table, data_keys))
        self._keys_check = _rendered(SQL(f"SELECT {keys}").format(table, data_keys))
        self._records_after_network = SQL(
            "SELECT state FROM {0} WHERE notification_id > (SELECT notification_id FROM {0} "
            "WHERE originator_id = %s AND originator_version = %s) ORDER BY notification_id"
        ).format(table)
        self._insert_outcome = _rendered(
            SQL(INSERT_OUTCOME.replace("?", "%s").replace(TABLE_NAME, "{}.{}")).format(
                Identifier(self.datastore.schema), Identifier(TABLE_NAME)
            )
        )
        # The library inserts an array of a composite type, which psycopg writes as text, escaping each record's bytes
        # with a regular expression (a fifth of a 100-case write); four arrays, the records' bytes sent as binary, are not.
        self._insert_records = _rendered(
            SQL(
                "INSERT INTO {} (originator_id, originator_version, topic, state) "
                "SELECT * FROM unnest(%b::uuid[], %s::bigint[], %s::text[], %b::bytea[]) RETURNING notification_id"
            ).format(table)
        )
        self.select_events_statement = _rendered(self.select_events_statement)

    def _insert_events(self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        # In the transaction, before the insert: the lock, and for a key rotation (rare) the check of the revoked
        # key's use, which takes a round trip and raises at once.
        if not stored_events:
            return
        super()._lock_table(curs)
        against: SignedAgainst | None = kwargs.get("signed_against")
        revoked = _revocations(_network_records(stored_events, against.network_id)) if against is not None else {}
        if against is not None and revoked:
            curs.execute(self._records_after_network, (against.network_id, against.network_version), prepare=False)
            _check_no_use_after(revoked, [bytes(row["state"]) for row in curs.fetchall()])

    def _insert_stored_events(self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        # After the insert, pipelined with it: a check that does not hold makes PostgreSQL itself fail the
        # transaction, so the checks cost no round trip (a chain that moved divides by zero, a network that
        # moved takes the logarithm of zero; insert_events names which). They come after the library's own
        # statements because a statement prepared in a pipeline after one that fails is lost to the server but
        # not to psycopg's cache; the common write's checks are one prepared statement (planning them each
        # time cost a fifth of a write), the rare further ones are not prepared.
        rows = [(s.originator_id, s.originator_version, s.topic, s.state) for s in stored_events]
        curs.execute(self._insert_records, [list(column) for column in zip(*rows, strict=True)], prepare=True)
        against: SignedAgainst | None = kwargs.get("signed_against")
        outcome: RequestOutcome | None = kwargs.get("request_outcome")
        sealed_for: list[str] = kwargs.get("sealed_for") or []
        keys = (sealed_for, len(sealed_for))
        with curs.connection.cursor() as checks:  # `curs` still holds the insert's notification ids
            if against is not None:
                network = (against.network_id, against.network_version + len(_network_records(stored_events, against.network_id)))
                chained = [
                    (s.originator_id, s.originator_version - 1, bytes.fromhex(_prev_named(s.state))) for s in _first_chained(stored_events)
                ]
                if chained:
                    checks.execute(self._chain_and_network_check, (*chained[0], *network), prepare=True)
                elif sealed_for:  # a new case
                    checks.execute(self._network_and_keys_check, (*network, *keys), prepare=True)
                    sealed_for = []
                else:
                    checks.execute(self._network_check, network, prepare=True)
                for previous in chained[1:]:
                    checks.execute(self._chain_check, previous, prepare=False)
            if sealed_for:
                checks.execute(self._keys_check, keys, prepare=False)
            if outcome is not None:  # a second result for one key is a unique violation: the whole write rolls back
                checks.execute(self._insert_outcome, outcome.row(), prepare=False)

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        try:
            ids: Sequence[int] | None = super().insert_events(stored_events, **kwargs)
            return ids
        except DataError as error:
            if isinstance(error.__cause__, psycopg.errors.DivisionByZero):
                raise ChainMoved("a record is not chained to the record stored before it") from error
            if isinstance(error.__cause__, psycopg.errors.InvalidArgumentForLogarithm):
                raise NetworkMoved("the network changed since the signing keys were chosen") from error
            if isinstance(error.__cause__, psycopg.errors.InvalidArgumentForPowerFunction):
                raise DataKeyDestroyed("an applicant whose data this write seals was erased meanwhile") from error
            raise
        except OperationalError as error:
            if isinstance(error.__cause__, psycopg.errors.PipelineAborted):
                self._explain_abort(stored_events, kwargs.get("signed_against"), kwargs.get("sealed_for") or [])
            raise

    def _explain_abort(self, stored_events: Sequence[StoredEvent], against: SignedAgainst | None, sealed_for: list[str]) -> None:
        """A pipelined write whose transaction was rolled back may report only that the pipeline aborted, not which
        statement failed (seen under load when another writer won the race). Nothing was written; what the database
        holds now says why: a version this write meant to take is taken (a conflict), or the network moved."""
        table = SQL("{}.{}").format(Identifier(self.datastore.schema), Identifier(self.events_table_name))
        taken = SQL("SELECT 1 FROM {} WHERE originator_id = %s AND originator_version = %s").format(table)
        newest = SQL("SELECT coalesce(max(originator_version), 0) AS version FROM {} WHERE originator_id = %s").format(table)
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            for stored in stored_events:
                if curs.execute(taken, (stored.originator_id, stored.originator_version)).fetchone():
                    raise IntegrityError(f"version {stored.originator_version} of {stored.originator_id} was written first by another")
            row = curs.execute(newest, (against.network_id,)).fetchone() if against is not None else None
            if against is not None and row is not None and row["version"] != against.network_version:
                raise NetworkMoved("the network changed since the signing keys were chosen")
            held = SQL("SELECT count(*) AS held FROM {}.{} WHERE applicant_id = ANY(%s) AND wrapped_key <> %s").format(
                Identifier(self.datastore.schema), Identifier(DATA_KEYS_TABLE)
            )
            if sealed_for and curs.execute(held, (sealed_for, RETIRED)).fetchone()["held"] != len(sealed_for):  # type: ignore[index]
                raise DataKeyDestroyed("an applicant whose data this write seals was erased meanwhile")

    def _notify_channel(self, curs: Cursor[DictRow]) -> None:
        """No NOTIFY: nothing LISTENs (the projection runners poll), and PostgreSQL serialises the commits of
        every transaction that notified on one queue lock."""

    def _lock_table(self, curs: Cursor[DictRow]) -> None:
        """Locked already, at the start of _insert_events."""
