"""The stored events table read directly, in key order (stream, version), for work that scans the whole
ledger in parts: `verify` splits the streams into ranges of about equal rows and each worker reads its own
ranges, a page at a time, so no process ever holds more than a page of records."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from infrastructure.database import POSTGRES_EVENTS_TABLE, SQLITE_EVENTS_TABLE
from infrastructure.sql_store import SqlStore

PAGE = 2000
SAMPLES_PER_PART = 16
APPLICATION_TOPIC = "%.ApplicationReceived"
BY_APPLICANT = "tongban_events_by_applicant"  # the index of applications by applicant (append_only.py makes it)


def applicant_of(postgres: bool, column: str = "state") -> str:
    """SQL: the applicant's id in an application's stored record (null for a record that is not JSON), as the index
    of applications by applicant holds it; on PostgreSQL through the function `tongban init` makes for the index."""
    if postgres:
        return f"tongban_applicant_of({column})"
    text = f"CAST({column} AS TEXT)"
    return f"CASE WHEN json_valid({text}) THEN json_extract({text}, '$.body.payload.applicant.applicant_id') END"


# (stream id as stored, version, topic, stored record, commit position: the notification id)
Row = tuple[Any, int, str, bytes, int]
# (commit position, stream id, version, record hash: SHA-256 over the stored record), what the global log appends
Committed = tuple[int, str, int, bytes]


@dataclass(frozen=True)
class EventTable:
    store: SqlStore

    @property
    def name(self) -> str:
        return POSTGRES_EVENTS_TABLE if self.store.is_postgres else SQLITE_EVENTS_TABLE

    @property
    def _position(self) -> str:
        return "notification_id" if self.store.is_postgres else "rowid"

    def native_id(self, stream_id: str) -> Any:
        """A stream id as the table holds it: a uuid on PostgreSQL, 32 hex digits on SQLite."""
        return UUID(stream_id) if self.store.is_postgres else UUID(stream_id).hex

    def boundaries(self, parts: int) -> list[Any]:
        """Stream ids that cut the table into `parts` ranges of about equal rows: the streams of rows sampled
        evenly by commit position, sorted, every SAMPLES_PER_PART-th kept."""
        top = self.store.fetchall(f"SELECT MAX({self._position}) FROM {self.name}")[0][0] or 0
        step = max(1, top // (parts * SAMPLES_PER_PART))
        sampled: set[Any] = set()
        for position in range(step, top, step):
            found = self.store.fetchall(
                f"SELECT originator_id FROM {self.name} WHERE {self._position} >= ? ORDER BY {self._position} LIMIT 1", (position,)
            )
            sampled.update(row[0] for row in found if isinstance(row[0], str | UUID))  # SQLite may hold anything
        ordered = sorted(sampled)
        return ordered[SAMPLES_PER_PART::SAMPLES_PER_PART]

    def rows(self, low: Any | None, high: Any | None) -> Iterator[Row]:
        """Every row with low <= stream id < high (None: unbounded), by stream and version, a page at a time."""
        select = f"SELECT originator_id, originator_version, topic, state, {self._position} FROM {self.name}"
        for page in self.store.pages(select, ("originator_id", "originator_version"), low, high, PAGE):
            yield from map(_typed, page)

    def stream(self, stream_id: str) -> list[Row]:
        """One (short) stream's rows, by version."""
        rows = self.store.fetchall(
            f"SELECT originator_id, originator_version, topic, state, {self._position} FROM {self.name} "
            "WHERE originator_id = ? ORDER BY originator_version",
            (self.native_id(stream_id),),
        )
        return [_typed(row) for row in rows]

    def applications_of(self, applicant_id: str) -> list[str]:
        """The streams (cases) of an applicant's applications, in commit order, found through the index by applicant."""
        topic = APPLICATION_TOPIC.replace("%", "%%") if self.store.is_postgres else APPLICATION_TOPIC  # a literal: the index's
        rows = self.store.fetchall(
            f"SELECT originator_id FROM {self.name} WHERE topic LIKE '{topic}' AND {applicant_of(self.store.is_postgres)} = ? "
            f"ORDER BY {self._position}",
            (applicant_id,),
        )
        return [stream_name(stream) for (stream,) in rows]

    def records(self, start: int, limit: int) -> list[tuple[int, str, bytes]]:
        """Up to `limit` records from commit position `start` on, in commit order: (position, stream id, stored record).
        What the read models replay: plain tuples, where the library's notifications cost a dictionary and an object a
        row (a fifth of a rebuild on PostgreSQL)."""
        if self.store.is_postgres:
            rows = self.store.ascending("SELECT notification_id, originator_id::text, state", self.name, "notification_id", start, limit)
            return [(int(position), stream, bytes(state)) for position, stream, state in rows]
        rows = self.store.ascending("SELECT rowid, originator_id, state", self.name, "rowid", start, limit)
        return [(position, str(UUID(stream)), state) for position, stream, state in rows]

    def committed(self, start: int, limit: int) -> list[Committed]:
        """Up to `limit` records from commit position `start` on, in commit order, as the global log takes them. On
        PostgreSQL the server hashes each record, so 32 bytes cross the wire instead of the record (the log's own
        reads of records were half of integrating them); were it to hash wrongly, verify, which hashes every record
        itself, would find the log's leaf beside it wrong."""
        if self.store.is_postgres:
            select = "SELECT notification_id, originator_id::text, originator_version, sha256(state)"
            rows = self.store.ascending(select, self.name, "notification_id", start, limit)
            return [(int(position), stream, int(version), bytes(digest)) for position, stream, version, digest in rows]
        rows = self.store.ascending("SELECT rowid, originator_id, originator_version, state", self.name, "rowid", start, limit)
        return [(position, str(UUID(stream)), version, hashlib.sha256(state).digest()) for position, stream, version, state in rows]


def _typed(row: tuple[Any, ...]) -> Row:
    """A row as its columns' types say. SQLite keeps whatever was put in a column: a version that is no integer
    reads as 0 and text as its UTF-8 bytes, so that verify reports the record instead of failing on it."""
    stream, version, topic, state, position = row
    return (
        stream,
        version if isinstance(version, int) else 0,
        str(topic),
        state.encode(errors="surrogatepass") if isinstance(state, str) else bytes(state),
        int(position),
    )


def stream_name(native: Any) -> str:
    """A stored stream id as the ledger names streams (a uuid's canonical text), or as stored if it is none."""
    if isinstance(native, UUID):
        return str(native)
    try:
        return str(UUID(str(native)))
    except ValueError:
        return str(native)
