"""The projection runner: one mechanism for SQLite and PostgreSQL.

It reads records after the projection's stored position in batches and applies each batch together
with the new position in ONE transaction, so every event is applied exactly once, also after a crash.
It never skips: the library inserts under a table lock, so commit order equals notification-id order,
and ids after the position are read whatever gaps a rollback left.

A rebuild replays from zero into a new generation of tables and switches to it in the same
transaction that catches it up to the head, so readers see either the old or the new model, never a
half-built one. The old generation is dropped at the next rebuild, not at once, so that a reader who
looked up its name just before the switch can still finish reading it.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from threading import Event
from typing import Any, ClassVar

import orjson
from eventsourcing.persistence import ApplicationRecorder

from infrastructure.event_table import EventTable
from infrastructure.records import parse_stored
from infrastructure.sql_store import SqlStore

STATE_TABLE = "tongban_projections"
REBUILD_BATCH = 20_000  # larger batches while nobody waits on the new tables: fewer queries and commits

# A record as projections see it: (notification id, stream id, the signed record's body).
Record = tuple[int, str, dict[str, Any]]


class Projection(ABC):
    name: ClassVar[str]
    tables: ClassVar[dict[str, str]]  # base table name -> column definitions
    indexes: ClassVar[dict[str, tuple[str, str]]] = {}  # index name -> (base table, columns)
    # Raised when the tables or what they hold change: the new version is built from zero beside the old.
    version: ClassVar[int] = 1

    @property
    def stored_name(self) -> str:
        return self.name if self.version == 1 else f"{self.name}_v{self.version}"

    @abstractmethod
    def apply(self, store: SqlStore, table: Callable[[str], str], records: list[Record]) -> None:
        """Apply a batch of records inside the runner's transaction."""


def case_records(records: list[Record]) -> list[Record]:
    """The records of cases, without the network's and the lawyer pool's streams."""
    return [r for r in records if r[2]["type"].startswith("Case.")]


# Projections that need earlier facts of a case keep them as one JSON document per case.
CASE_STATE_COLUMNS = "case_id TEXT PRIMARY KEY, state TEXT NOT NULL"


def load_case_states(store: SqlStore, table: str, case_ids: set[str]) -> dict[str, dict[str, Any]]:
    """The stored state of the cases a batch touches, in a few queries; cases not seen yet start empty."""
    states: dict[str, dict[str, Any]] = {case_id: {} for case_id in case_ids}
    rows = store.fetch_in(f"SELECT case_id, state FROM {table} WHERE case_id IN ({{keys}})", sorted(case_ids))
    states.update((case_id, orjson.loads(state)) for case_id, state in rows)
    return states


def save_case_states(store: SqlStore, table: str, states: dict[str, dict[str, Any]]) -> None:
    store.delete_in(table, "case_id", list(states))
    store.insert(table, [(c, orjson.dumps(s, option=orjson.OPT_NON_STR_KEYS).decode()) for c, s in states.items()])


@dataclass(frozen=True)
class Status:
    name: str
    generation: int
    position: int
    head: int
    events_per_second: float | None = None

    @property
    def lag(self) -> int:
        return max(self.head - self.position, 0)


class ProjectionRunner:
    def __init__(self, recorder: ApplicationRecorder, store: SqlStore, projection: Projection, batch_size: int = 5000) -> None:
        self.recorder = recorder
        self.store = store
        self.projection = projection
        self.batch_size = batch_size
        if store.database.replica:  # the primary's leader made the tables and keeps them current
            return
        with store.transaction():
            store.execute(
                f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} (name TEXT PRIMARY KEY, generation INTEGER NOT NULL, position BIGINT NOT NULL)"
            )
            if store.fetchone(f"SELECT 1 FROM {STATE_TABLE} WHERE name = ?", (projection.stored_name,)) is None:
                self._create_tables(1)
                store.execute(f"INSERT INTO {STATE_TABLE} VALUES (?, 1, 0) ON CONFLICT (name) DO NOTHING", (projection.stored_name,))

    # ------------------------------------------------------------------ naming
    def table_for(self, generation: int) -> Callable[[str], str]:
        return lambda base: f"{self.projection.stored_name}_{base}_g{generation}"

    def current_table(self) -> Callable[[str], str]:
        """Table names of the generation readers should use now."""
        return self.table_for(self._state(lock=False)[0])

    def _create_tables(self, generation: int) -> None:
        table = self.table_for(generation)
        for base, columns in self.projection.tables.items():
            self.store.execute(f"DROP TABLE IF EXISTS {table(base)}")
            self.store.execute(f"CREATE TABLE {table(base)} ({columns})")
        for name, (base, columns) in self.projection.indexes.items():
            self.store.execute(f"CREATE INDEX {table(base)}_{name} ON {table(base)} ({columns})")

    def _drop_tables(self, generation: int) -> None:
        table = self.table_for(generation)
        for base in self.projection.tables:
            self.store.execute(f"DROP TABLE IF EXISTS {table(base)}")

    def _state(self, lock: bool) -> tuple[int, int]:
        suffix = " FOR UPDATE" if lock and self.store.is_postgres else ""
        row = self.store.fetchone(f"SELECT generation, position FROM {STATE_TABLE} WHERE name = ?{suffix}", (self.projection.stored_name,))
        assert row is not None
        return int(row[0]), int(row[1])

    # ------------------------------------------------------------------ keeping current
    def _read(self, after: int, limit: int | None = None) -> list[Record]:
        records = EventTable(self.store).records(after + 1, limit or self.batch_size)
        # orjson first (records.parse_stored): a projection's time goes to parsing records (verify checks them)
        return [(position, stream, parse_stored(state)["body"]) for position, stream, state in records]

    def run_once(self) -> int:
        """Apply the next batch, if any; returns how many records were applied."""
        with self.store.transaction():
            generation, position = self._state(lock=True)
            records = self._read(position)
            if not records:
                return 0
            self.projection.apply(self.store, self.table_for(generation), records)
            self.store.execute(f"UPDATE {STATE_TABLE} SET position = ? WHERE name = ?", (records[-1][0], self.projection.stored_name))
        return len(records)

    def catch_up(self) -> int:
        total = 0
        while applied := self.run_once():
            total += applied
        return total

    def run(self, stop: Event, poll_interval: float = 0.2) -> None:
        """Keep the projection current until `stop` is set (polling; both backends)."""
        while not stop.is_set():
            if not self.catch_up():
                stop.wait(poll_interval)

    def status(self) -> Status:
        generation, position = self._state(lock=False)
        return Status(self.projection.name, generation, position, self.recorder.max_notification_id() or 0)

    # ------------------------------------------------------------------ rebuilding
    def rebuild(self) -> Status:
        """Replay everything into fresh tables, then switch readers over in one transaction."""
        started = time.perf_counter()
        with self.store.transaction():
            old, _ = self._state(lock=False)
        new = old + 1
        with self.store.transaction():
            self._create_tables(new)
        table, position, applied = self.table_for(new), 0, 0
        while records := self._read(position, REBUILD_BATCH):  # the bulk, while readers use the old tables
            with self.store.transaction():
                self.projection.apply(self.store, table, records)
            position, applied = records[-1][0], applied + len(records)
        with self.store.transaction():  # the tail and the switch, atomically
            current, _ = self._state(lock=True)
            while records := self._read(position):
                self.projection.apply(self.store, table, records)
                position, applied = records[-1][0], applied + len(records)
            self.store.execute(
                f"UPDATE {STATE_TABLE} SET generation = ?, position = ? WHERE name = ?", (new, position, self.projection.stored_name)
            )
            # Keep the generation readers may still be reading (they looked up its name just before the
            # switch); drop the one before it, which nobody has been sent to since the last rebuild.
            self._drop_tables(current - 1)
        elapsed = time.perf_counter() - started
        return Status(self.projection.name, new, position, position, applied / elapsed if elapsed else None)
