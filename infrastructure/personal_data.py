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
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.errors import DomainError
from infrastructure.database import Database
from infrastructure.event_table import BY_APPLICANT
from infrastructure.sql_store import KEYS_A_STATEMENT, chunks

ERASED = "[已删除 erased]"
KEY_INVALID = "[密钥无效 data key invalid]"
# What stays of a destroyed key: its row, emptied, so that the applicant's id is never given a key again (编号停用).
# A new key under an erased id would make the erased person's earlier records read as "key invalid", and verify
# could no longer tell a returning applicant from an erasure cut short.
RETIRED = b""
DATA_KEYS_TABLE = _TABLE = "tongban_personal_data_keys"
KEYS_A_QUERY = KEYS_A_STATEMENT
RETIRE_APPLICANT = "tongban_retire_applicant"  # PostgreSQL: the privileged path (append_only.py)
OUTDATED_GUARDS = ("tongban_destroy_data_key(text)", f"{DATA_KEYS_TABLE}_delete")  # what `tongban init` installed before 2026-11


def erased_refusal(applicant_ids: Iterable[str]) -> DomainError:
    return DomainError(
        "APPLICANT_ERASED",
        f"申请人编号 {', '.join(applicant_ids)} 的个人信息已删除，该编号停用，请为申请人另编申请人编号，未记录 (this applicant's "
        "personal data was erased and the id is retired: give the applicant a new applicant_id; nothing was recorded).",
    )


class PersonalDataVault:
    def __init__(self, database: Database, master_key: bytes) -> None:
        self.database = database
        self._master = AESGCM(master_key)
        self._local = threading.local()
        if database.replica:
            return
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

    @contextmanager
    def keys_for(self, applicant_ids: Iterable[str]) -> Iterator[None]:
        """The data keys of these applicants, made for those who have none yet (committed before anything is sealed
        with them), and held for this thread's `seal` until the block ends: a write reads each key once (new
        applicants' in the statement that makes them), and an erasure by any process still takes effect at the next."""
        wanted = list(dict.fromkeys(applicant_ids))
        made = self._make(wanted)
        held = {**self.read_keys([a for a in wanted if a not in made]), **made}
        retired = [applicant_id for applicant_id, blob in held.items() if blob == RETIRED]
        if retired:
            raise erased_refusal(retired)
        self._local.held = held
        try:
            yield
        finally:
            self._local.held = {}

    def _make(self, applicant_ids: list[str]) -> dict[str, bytes]:
        """New data keys for those of the applicants who have none, a few hundred a statement, each committing on its
        own; returns the keys made (another writer may have won a race: its key is the one used)."""
        made: dict[str, bytes] = {}
        p = self._p()
        for chunk in chunks(applicant_ids, KEYS_A_STATEMENT // 2):
            blobs = {a: self._wrap(a, AESGCM.generate_key(256)) for a in chunk}
            rows = self._conn().execute(
                f"INSERT INTO {_TABLE} VALUES {', '.join([f'({p}, {p})'] * len(chunk))} "
                "ON CONFLICT (applicant_id) DO NOTHING RETURNING applicant_id",
                [v for item in blobs.items() for v in item],
            )
            made.update((str(a), blobs[str(a)]) for (a,) in rows.fetchall())  # read to the end: SQLite ends the statement there
        return made

    def read_keys(self, applicant_ids: list[str]) -> dict[str, bytes]:
        """The wrapped keys of those of these applicants who have one, read a few hundred at a time."""
        found: dict[str, bytes] = {}
        for chunk in chunks(applicant_ids, KEYS_A_QUERY):
            sql = f"SELECT applicant_id, wrapped_key FROM {_TABLE} WHERE applicant_id IN ({', '.join([self._p()] * len(chunk))})"
            found.update((str(a), bytes(k)) for a, k in self._conn().execute(sql, chunk).fetchall())
        return found

    def _wrap(self, applicant_id: str, key: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._master.encrypt(nonce, key, applicant_id.encode())

    def _wrapped(self, applicant_id: str) -> bytes | None:
        """The applicant's wrapped key, or None when it is gone (destroyed, or never made)."""
        held: dict[str, bytes] = getattr(self._local, "held", {})
        # Read every time outside a write, never cached: an erasure by any process takes effect in every other at once.
        blob = held[applicant_id] if applicant_id in held else self.read_keys([applicant_id]).get(applicant_id)
        return None if blob == RETIRED else blob

    def retired(self, applicant_id: str) -> bool:
        return self.read_keys([applicant_id]).get(applicant_id) == RETIRED

    def _unwrap(self, applicant_id: str, blob: bytes) -> bytes | None:
        """The data key, or None when the row's key was not wrapped for this applicant (swapped or altered):
        the applicant's id is the wrapping's associated data."""
        try:
            return self._master.decrypt(blob[:12], blob[12:], applicant_id.encode())
        except InvalidTag:
            return None

    def seal(self, applicant_id: str, fields: dict[str, Any]) -> dict[str, str]:
        blob = self._wrapped(applicant_id)
        if blob is None:
            raise LookupError(f"no personal-data key for applicant {applicant_id}")
        key = self._unwrap(applicant_id, blob)
        if key is None:
            raise DomainError(
                "DATA_KEY_INVALID",
                f"申请人 {applicant_id} 的数据密钥不属于该申请人（被替换或篡改），未记录 (the applicant's data key was swapped or "
                "altered; nothing was recorded; run `tongban verify`).",
            )
        nonce = os.urandom(12)
        ciphertext = AESGCM(key).encrypt(nonce, json.dumps(fields, ensure_ascii=False).encode(), applicant_id.encode())
        return {
            "alg": "A256GCM",
            "nonce": base64.b64encode(nonce).decode(),
            "ciphertext": base64.b64encode(ciphertext).decode(),
        }

    def unseal(self, applicant_id: str, sealed: dict[str, str], field_names: Iterable[str]) -> dict[str, Any]:
        blob = self._wrapped(applicant_id)
        if blob is None:
            return dict.fromkeys(field_names, ERASED)
        key = self._unwrap(applicant_id, blob)
        if key is None:
            return dict.fromkeys(field_names, KEY_INVALID)
        try:
            plain = AESGCM(key).decrypt(base64.b64decode(sealed["nonce"]), base64.b64decode(sealed["ciphertext"]), applicant_id.encode())
        except InvalidTag:
            return dict.fromkeys(field_names, KEY_INVALID)
        fields: dict[str, Any] = json.loads(plain)
        return fields

    def key_problem(self, applicant_id: str, blob: bytes | None, erased: bool) -> str | None:
        """What is wrong with one applicant's data key as stored (`blob`: None when there is no row), given whether a
        signed record erased them."""
        if blob in (None, RETIRED) and not erased:
            return f"applicant {applicant_id}: data key missing, yet no signed erasure record (个人信息被删除而无删除记录)"
        if blob is None:
            return (
                f"applicant {applicant_id}: erasure recorded, yet the applicant's id is not retired (erased by an earlier version): "
                "run erase-personal-data again to retire it (删除已记录但编号未停用)"
            )
        if blob != RETIRED and erased:
            return (
                f"applicant {applicant_id}: erasure recorded, yet the data key is still held: run erase-personal-data again "
                "to finish (删除已记录但密钥未销毁)"
            )
        if blob != RETIRED and self._unwrap(applicant_id, blob) is None:
            return f"applicant {applicant_id}: data key not wrapped for this applicant: swapped or altered (数据密钥被替换或篡改)"
        return None

    def destroy_key(self, applicant_id: str) -> bool:
        """Erase one person's data for good (crypto-shredding) and retire their id, in one transaction. Returns whether
        a key existed. The database refuses unless the applicant's signed erasure record is already stored
        (append_only.py)."""
        if self.database.is_postgres:
            row = self._conn().execute(f"SELECT {RETIRE_APPLICANT}(%s)", (applicant_id,)).fetchone()
            return bool(row[0])
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            gone = conn.execute(f"DELETE FROM {_TABLE} WHERE applicant_id = ? AND wrapped_key != ?", (applicant_id, RETIRED)).rowcount
            conn.execute(f"INSERT INTO {_TABLE} VALUES (?, ?) ON CONFLICT (applicant_id) DO NOTHING", (applicant_id, RETIRED))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return bool(gone)

    def check_guards_current(self) -> None:
        """Refuse to run over a database whose guards an earlier `tongban init` installed: they destroy a key without
        retiring the id and let a key go while an application sealed with it is being recorded, or they lack the
        index of applications by applicant, without which an erasure reads the whole ledger."""
        if self.database.replica:
            return
        schema = f"{self.database.schema or 'public'}."
        if self.database.is_postgres:
            outdated, current, index = f"{schema}{OUTDATED_GUARDS[0]}", f"{schema}{RETIRE_APPLICANT}(text)", f"{schema}{BY_APPLICANT}"
            sql = "SELECT to_regprocedure(%s) IS NOT NULL OR (to_regprocedure(%s) IS NOT NULL AND to_regclass(%s) IS NULL)"
        else:
            outdated, current, index = OUTDATED_GUARDS[1], f"{_TABLE}_delete_refused", BY_APPLICANT
            named = "(SELECT count(*) FROM sqlite_master WHERE name = ?)"
            sql = f"SELECT {named} > 0 OR ({named} > 0 AND {named} = 0)"
        if self._conn().execute(sql, (outdated, current, index)).fetchone()[0]:
            raise DomainError(
                "GUARDS_OUTDATED",
                "数据库的保护设置来自旧版本，请以数据库所有者身份重新运行 tongban init (the database's protections were installed by an "
                "earlier version: run `tongban init` again, as the database's owner).",
            )

    def close(self) -> None:
        """Close this thread's connection (another thread's closes with that thread)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


class KeyAudit:
    """verify's check of the data keys (数据密钥核查): every applicant whose key is gone without a signed erasure
    record, is not theirs, or outlived the erasure recorded for them (an erasure cut short: run it again to finish).
    It is fed each part of the ledger's applicants as that part is checked and keeps only the suspects, so verify
    never holds every applicant: its memory stays flat as the ledger grows. An applicant's erasure may be in a part
    checked later than one of their applications: a missing key is a suspect until the end clears it."""

    def __init__(self, vault: PersonalDataVault) -> None:
        self.vault = vault
        self.suspects: dict[str, str] = {}
        self.erased: set[str] = set()  # few: one per erasure request

    def add(self, applicants: Iterable[str], erased: Iterable[str]) -> None:
        self.erased.update(erased)
        self._check(sorted(set(applicants)), erased=False)

    def problems(self) -> list[str]:
        self._check(sorted(self.erased), erased=True)
        return [self.suspects[applicant_id] for applicant_id in sorted(self.suspects)]

    def _check(self, applicant_ids: list[str], erased: bool) -> None:
        rows = self.vault.read_keys(applicant_ids)  # a part's keys at most, read a few hundred a query
        for applicant_id in applicant_ids:
            problem = self.vault.key_problem(applicant_id, rows.get(applicant_id), erased)
            if problem is not None:
                self.suspects[applicant_id] = problem
            elif erased:
                self.suspects.pop(applicant_id, None)
