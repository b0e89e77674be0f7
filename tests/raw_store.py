"""Direct access to the stored records, for tests that play the part of someone tampering with the database."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from infrastructure.database import Database


class RawStore:
    def __init__(self, url: str) -> None:
        self.db = Database(url)
        if self.db.is_postgres:
            self.conn: Any = self.db.connect_postgres()
            self.table, self.p, self.order = "tongban_events", "%s", "notification_id"
        else:
            self.conn = self.db.connect_sqlite()
            self.table, self.p, self.order = "stored_events", "?", "rowid"

    def _id(self, case_id: UUID) -> Any:
        return case_id if self.db.is_postgres else case_id.hex

    def rows(self) -> list[tuple[Any, ...]]:
        """Every stored record, in commit order, as the database holds it."""
        return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in self.conn.execute(
            f"SELECT originator_id, originator_version, topic, state FROM {self.table} ORDER BY {self.order}"
        ).fetchall()]

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

    def delete(self, case_id: UUID, version: int) -> None:
        self.conn.execute(
            f"DELETE FROM {self.table} WHERE originator_id = {self.p} AND originator_version = {self.p}",
            (self._id(case_id), version),
        )

    def close(self) -> None:
        self.conn.close()
