"""Idempotent commands: a retried request with the same Idempotency-Key returns the first result and
records nothing twice, also across a restart or a crash.

A key's result is written by the recorder in the same transaction as the events the command produced
(recorders.py), so it exists exactly when they do: there is no claim that a crash could leave behind.
Two requests with one key may both run; only one can commit, and the other then returns its result.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from domain.errors import DomainError
from infrastructure.sql_store import SqlStore

TABLE = "tongban_idempotency"
_KEY_MAX = 255


@dataclass(frozen=True)
class RequestKey:
    """Who sent a request, the Idempotency-Key they gave it, and a fingerprint of what they asked."""

    principal_id: str
    key: str
    fingerprint: str

    def __post_init__(self) -> None:
        if not (0 < len(self.key) <= _KEY_MAX and self.key.isascii() and self.key.isprintable()):
            raise DomainError(
                "INVALID_IDEMPOTENCY_KEY",
                f"Idempotency-Key 应为 1 至 {_KEY_MAX} 个可打印 ASCII 字符 (the key must be 1 to {_KEY_MAX} printable ASCII characters).",
            )


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: Any


@dataclass(frozen=True)
class RequestOutcome:
    """What the recorder stores beside a command's events: the key and the response it answered."""

    request: RequestKey
    response: StoredResponse

    def row(self) -> tuple[str, str, str, int, str]:
        r = self.request
        return (r.principal_id, r.key, r.fingerprint, self.response.status, json.dumps(self.response.body, ensure_ascii=False))


INSERT = f"INSERT INTO {TABLE} (principal_id, key, fingerprint, status, body) VALUES (?, ?, ?, ?, ?)"


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

    def find(self, request: RequestKey) -> StoredResponse | None:
        """The response a request with this key was first answered with, or None if it never committed."""
        row = self.store.fetchone(
            f"SELECT fingerprint, status, body FROM {TABLE} WHERE principal_id = ? AND key = ?", (request.principal_id, request.key)
        )
        if row is None:
            return None
        if row[0] != request.fingerprint:
            raise DomainError(
                "IDEMPOTENCY_KEY_REUSED", "同一幂等键已用于另一个请求 (this Idempotency-Key was used for a different request)."
            )
        return StoredResponse(int(row[1]), json.loads(row[2]))
