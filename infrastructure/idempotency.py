"""Idempotent commands: a retried request with the same Idempotency-Key returns the first result and
records nothing twice, also across a restart (the results are stored in the database).

A key is claimed before the command runs, so two concurrent requests with one key cannot both act:
the second is told the first is still in progress.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from domain.errors import DomainError
from infrastructure.sql_store import SqlStore

TABLE = "tongban_idempotency"


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: Any


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


class IdempotencyStore:
    def __init__(self, store: SqlStore) -> None:
        self.store = store
        with store.transaction():
            store.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} (principal_id TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, "
                "status INTEGER, body TEXT, PRIMARY KEY (principal_id, key))"
            )

    def claim(self, principal_id: str, key: str, fingerprint: str) -> StoredResponse | None:
        """None: the key is ours, run the command. A response: it ran before, return that."""
        with self.store.transaction():
            row = self.store.fetchone(f"SELECT fingerprint, status, body FROM {TABLE} WHERE principal_id = ? AND key = ?",
                                      (principal_id, key))
            if row is None:
                self.store.execute(f"INSERT INTO {TABLE} VALUES (?, ?, ?, NULL, NULL)", (principal_id, key, fingerprint))
                return None
        if row[0] != fingerprint:
            raise DomainError("IDEMPOTENCY_KEY_REUSED",
                              "同一幂等键已用于另一个请求 (this Idempotency-Key was used for a different request).")
        if row[1] is None:
            raise DomainError("REQUEST_IN_PROGRESS", "同一请求正在处理中，请稍后重试 (the same request is still being processed).")
        return StoredResponse(int(row[1]), json.loads(row[2]))

    def complete(self, principal_id: str, key: str, response: StoredResponse) -> None:
        with self.store.transaction():
            self.store.execute(f"UPDATE {TABLE} SET status = ?, body = ? WHERE principal_id = ? AND key = ?",
                               (response.status, json.dumps(response.body, ensure_ascii=False), principal_id, key))

    def release(self, principal_id: str, key: str) -> None:
        """The command was refused or failed: the key may be used again (nothing was recorded)."""
        with self.store.transaction():
            self.store.execute(f"DELETE FROM {TABLE} WHERE principal_id = ? AND key = ?", (principal_id, key))
