"""Per-person encryption of applicants' personal data (crypto-shredding).

Each applicant has a random AES-256-GCM data key, stored wrapped by the keystore's master key in
a table beside the event log (not in it). Personal fields are encrypted before a record is signed,
so destroying one person's data key erases their data while every signature still verifies.
"""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Iterable
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from infrastructure.database import Database

ERASED = "[已删除 erased]"
_TABLE = "tongban_personal_data_keys"


class PersonalDataVault:
    def __init__(self, database: Database, master_key: bytes) -> None:
        self.database = database
        self._master = AESGCM(master_key)
        self._local = threading.local()
        with self._connection() as conn:
            blob = "BYTEA" if database.is_postgres else "BLOB"
            conn.execute(f"CREATE TABLE IF NOT EXISTS {_TABLE} (applicant_id TEXT PRIMARY KEY, wrapped_key {blob} NOT NULL)")

    def _connection(self) -> Any:
        return self.database.connect_postgres() if self.database.is_postgres else self.database.connect_sqlite()

    def _conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connection()
        return conn

    def _p(self) -> str:
        return "%s" if self.database.is_postgres else "?"

    def ensure_keys(self, applicant_ids: Iterable[str]) -> None:
        """Create data keys for applicants who have none yet, in one transaction."""
        missing = [a for a in dict.fromkeys(applicant_ids) if self._key(a) is None]
        if not missing:
            return
        rows = []
        for applicant_id in missing:
            key, nonce = AESGCM.generate_key(256), os.urandom(12)
            rows.append((applicant_id, nonce + self._master.encrypt(nonce, key, applicant_id.encode())))
        conn, p = self._conn(), self._p()
        conflict = "ON CONFLICT (applicant_id) DO NOTHING"  # another writer may win the race: its key is the one used
        if self.database.is_postgres:
            with conn.transaction(), conn.cursor() as cur:
                cur.executemany(f"INSERT INTO {_TABLE} VALUES ({p}, {p}) {conflict}", rows)
        else:
            conn.execute("BEGIN")
            conn.executemany(f"INSERT INTO {_TABLE} VALUES ({p}, {p}) {conflict}", rows)
            conn.execute("COMMIT")

    def _key(self, applicant_id: str) -> bytes | None:
        # Read every time, never cached: an erasure by any process takes effect in every other at once.
        row = self._conn().execute(f"SELECT wrapped_key FROM {_TABLE} WHERE applicant_id = {self._p()}", (applicant_id,)).fetchone()
        if row is None:
            return None
        blob = bytes(row[0])
        return self._master.decrypt(blob[:12], blob[12:], applicant_id.encode())

    def seal(self, applicant_id: str, fields: dict[str, Any]) -> dict[str, str]:
        key = self._key(applicant_id)
        if key is None:
            raise LookupError(f"no personal-data key for applicant {applicant_id}")
        nonce = os.urandom(12)
        ciphertext = AESGCM(key).encrypt(nonce, json.dumps(fields, ensure_ascii=False).encode(), applicant_id.encode())
        return {
            "alg": "A256GCM",
            "nonce": base64.b64encode(nonce).decode(),
            "ciphertext": base64.b64encode(ciphertext).decode(),
        }

    def unseal(self, applicant_id: str, sealed: dict[str, str], field_names: Iterable[str]) -> dict[str, Any]:
        key = self._key(applicant_id)
        if key is None:
            return dict.fromkeys(field_names, ERASED)
        try:
            plain = AESGCM(key).decrypt(base64.b64decode(sealed["nonce"]), base64.b64decode(sealed["ciphertext"]), applicant_id.encode())
        except InvalidTag:
            return dict.fromkeys(field_names, ERASED)
        fields: dict[str, Any] = json.loads(plain)
        return fields

    def has_key(self, applicant_id: str) -> bool:
        return self._key(applicant_id) is not None

    def destroy_key(self, applicant_id: str) -> bool:
        """Erase one person's data for good (crypto-shredding). Returns whether a key existed."""
        cur = self._conn().execute(f"DELETE FROM {_TABLE} WHERE applicant_id = {self._p()}", (applicant_id,))
        return bool(cur.rowcount)
