"""Who may call the API: principals with bearer tokens, stored only as keyed hashes.

A principal belongs to one institution (or the bureau) and has roles: staff, head, bureau, auditor,
finance. Tokens are shown once, when issued, and can be revoked. A token's hash is HMAC-SHA-256 under a
key kept in the keystore (Keystore.principal_token_key), never in the database: whoever can write to the
principals table cannot make a token of their own authenticate.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from domain.actor import SHANGHAI
from domain.errors import DomainError
from domain.vocabulary import Role
from infrastructure.sql_store import SqlStore

TABLE = "tongban_principals"


@dataclass(frozen=True)
class Principal:
    principal_id: str
    name: str
    institution_id: str
    roles: frozenset[Role]
    revoked_at: str | None = None

    def has(self, *roles: Role) -> bool:
        return bool(self.roles & set(roles))


class PrincipalStore:
    def __init__(self, store: SqlStore, token_key: bytes | None) -> None:
        """`token_key` may be None where no token is issued or checked (listing, revoking)."""
        self.store = store
        self._token_key = token_key
        with store.transaction():
            store.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} (principal_id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, "
                "name TEXT NOT NULL, institution_id TEXT NOT NULL, roles TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT)"
            )

    def add(self, name: str, institution_id: str, roles: set[Role]) -> tuple[Principal, str]:
        """Issue a principal and its bearer token (returned once, never stored)."""
        if not roles:
            raise DomainError("NO_ROLES", "至少需要一个角色 (give the principal at least one role).")
        if not name.strip() or len(name) > 200 or not name.isprintable():
            raise DomainError("INVALID_NAME", "名称应为 1 至 200 个可打印字符 (the name must be 1 to 200 printable characters).")
        token = "tb_" + secrets.token_urlsafe(32)
        principal = Principal(uuid.uuid4().hex[:12], name, institution_id, frozenset(roles))
        with self.store.transaction():
            self.store.execute(
                f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, ?, ?, NULL)",
                (
                    principal.principal_id,
                    self._token_hash(token),
                    name,
                    institution_id,
                    ",".join(sorted(r.value for r in roles)),
                    datetime.now(SHANGHAI).isoformat(timespec="seconds"),
                ),
            )
        return principal, token

    def authenticate(self, token: str) -> Principal | None:
        row = self.store.fetchone(
            f"SELECT principal_id, name, institution_id, roles, revoked_at FROM {TABLE} WHERE token_hash = ?", (self._token_hash(token),)
        )
        if row is None or row[4] is not None:
            return None
        return Principal(row[0], row[1], row[2], frozenset(Role(r) for r in row[3].split(",")))

    def _token_hash(self, token: str) -> str:
        assert self._token_key is not None, "issuing or checking a token needs the keystore's token key"
        return hmac.new(self._token_key, token.encode(), hashlib.sha256).hexdigest()

    def list(self) -> list[Principal]:
        rows = self.store.fetchall(f"SELECT principal_id, name, institution_id, roles, revoked_at FROM {TABLE} ORDER BY created_at, name")
        return [Principal(r[0], r[1], r[2], frozenset(Role(x) for x in r[3].split(",")), r[4]) for r in rows]

    def revoke(self, principal_id: str) -> None:
        with self.store.transaction():
            row = self.store.fetchone(f"SELECT revoked_at FROM {TABLE} WHERE principal_id = ?", (principal_id,))
            if row is None:
                raise DomainError("UNKNOWN_PRINCIPAL", f"没有编号为 {principal_id} 的用户 (no such principal).")
            self.store.execute(
                f"UPDATE {TABLE} SET revoked_at = ? WHERE principal_id = ?",
                (datetime.now(SHANGHAI).isoformat(timespec="seconds"), principal_id),
            )
