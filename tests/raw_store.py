"""Direct access to the stored records, for tests that play the part of someone tampering with the database."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from infrastructure.database import Database


class RawStore:
    """Plays someone with full access to the database, who first switches off the append-only triggers."""

    def __init__(self, url: str) -> None:
        self.db = Database(url)
        if self.db.is_postgres:
            self.conn: Any = self.db.connect_postgres()
            self.conn.execute("SET session_replication_role = replica")  # a superuser's way past the triggers
            self.table, self.p, self.order = "tongban_events", "%s", "notification_id"
        else:
            self.conn = self.db.connect_sqlite()
            for (name,) in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
                self.conn.execute(f"DROP TRIGGER {name}")
            self.table, self.p, self.order = "stored_events", "?", "rowid"

    def _id(self, case_id: UUID) -> Any:
        return case_id if self.db.is_postgres else case_id.hex

    def rows(self) -> list[tuple[Any, ...]]:
        """Every stored record, in commit order, as the database holds it."""
        return [
            tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
            for row in self.conn.execute(
                f"SELECT originator_id, originator_version, topic, state FROM {self.table} ORDER BY {self.order}"
            ).fetchall()
        ]

    def state(self, case_id: UUID, version: int) -> bytes:
        row = self.conn.execute(
            f"SELECT state FROM {self.table} WHERE originator_id = {self.p} AND originator_version = {self.p}",
            (self._id(case_id), version),
        ).fetchone()
        return bytes(row[0])

    def set_state(self, case_id: UUID, version: int, state: bytes) -> None:
        self.conn.execute(
            f"UPDATE {self.table} SET state = {self.p} WHERE originator_id = {self.p} AND originator_version = {self.p}",
            (state, self._id(case_id), version),
        )

    def insert(self, case_id: UUID, version: int, topic: str, state: bytes) -> None:
        self.conn.execute(
            f"INSERT INTO {self.table} (originator_id, originator_version, topic, state) VALUES ({self.p}, {self.p}, {self.p}, {self.p})",
            (self._id(case_id), version, topic, state),
        )

    def topic(self, case_id: UUID, version: int) -> str:
        row = self.conn.execute(
            f"SELECT topic FROM {self.table} WHERE originator_id = {self.p} AND originator_version = {self.p}", (self._id(case_id), version)
        ).fetchone()
        return str(row[0])

    def delete(self, case_id: UUID, version: int) -> None:
        self.conn.execute(
            f"DELETE FROM {self.table} WHERE originator_id = {self.p} AND originator_version = {self.p}",
            (self._id(case_id), version),
        )

    def delete_case(self, case_id: UUID) -> None:
        self.conn.execute(f"DELETE FROM {self.table} WHERE originator_id = {self.p}", (self._id(case_id),))

    def cut_off(self, case_id: UUID, from_version: int) -> None:
        """Remove a case's last records (its tail)."""
        self.conn.execute(
            f"DELETE FROM {self.table} WHERE originator_id = {self.p} AND originator_version >= {self.p}",
            (self._id(case_id), from_version),
        )

    def swap_commit_order(self, first: tuple[UUID, int], second: tuple[UUID, int]) -> None:
        """Exchange the commit positions (notification ids) of two records."""
        where = f"originator_id = {self.p} AND originator_version = {self.p}"
        ids = [
            self.conn.execute(f"SELECT {self.order} FROM {self.table} WHERE {where}", (self._id(c), v)).fetchone()[0]
            for c, v in (first, second)
        ]
        self.conn.execute(f"UPDATE {self.table} SET {self.order} = -1 WHERE {self.order} = {self.p}", (ids[0],))
        self.conn.execute(f"UPDATE {self.table} SET {self.order} = {self.p} WHERE {self.order} = {self.p}", (ids[0], ids[1]))
        self.conn.execute(f"UPDATE {self.table} SET {self.order} = {self.p} WHERE {self.order} = -1", (ids[1],))

    def execute(self, sql: str) -> None:
        self.conn.execute(sql)

    def close(self) -> None:
        self.conn.close()
