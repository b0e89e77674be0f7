"""The global log (全局日志): every signed record, in commit order, as a leaf of one Merkle tree, with
signed checkpoints (tree heads) that let an auditor prove nothing was removed, cut off or rewritten.

Leaf data is the record hash (the 32 raw bytes of SHA-256 over the stored record), so a leaf binds
the whole signed record; leaves are numbered by position, not by notification id (ids may have gaps).
The log is *integrated* after commit, like a Certificate Transparency log's merge: `integrate()` appends
every record after the last one logged, in one transaction with the perfect-subtree nodes it completes.
Interior nodes are stored once and never change, so proofs are read, not recomputed (merkle.py).

A checkpoint is a C2SP signed note (c2sp.org/tlog-checkpoint) signed by the log key, which the root key
certified in the network stream (`Network.LogKeyCertified`); see docs/transparency-log.md.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple
from uuid import UUID

import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.errors import DomainError
from infrastructure import merkle
from infrastructure.case_heads import NODE_KEY, CaseHeadTree
from infrastructure.event_table import Committed, EventTable
from infrastructure.formats import checkpoint_text, sign_note
from infrastructure.keystore import public_hex
from infrastructure.sql_store import SqlStore

LEAVES, NODES, CHECKPOINTS = "tongban_log_leaves", "tongban_log_nodes", "tongban_log_checkpoints"
APPEND_ONLY_TABLES = (LEAVES, NODES, CHECKPOINTS)
INTEGRATE_BATCH = 20_000


class LogDamaged(DomainError, LookupError):
    """The stored log lacks nodes a proof needs, or its leaves and nodes disagree: someone removed rows."""

    def __init__(self, what: str) -> None:
        super().__init__(
            "LOG_DAMAGED", f"全局日志已损坏，请运行 tongban verify (the stored global log is damaged: {what}; run `tongban verify`)."
        )


@dataclass(frozen=True)
class LogSigner:
    """The log key and the name (origin) it signs checkpoints under."""

    origin: str
    key: Ed25519PrivateKey

    def sign(self, text: str) -> str:
        return sign_note(text, self.origin, self.key, bytes.fromhex(public_hex(self.key)))


class LoggedRecord(NamedTuple):  # a tuple: verify reads millions
    leaf_index: int
    notification_id: int
    stream_id: str
    version: int
    record_hash: bytes


class TransparencyLog:
    def __init__(
        self, store: SqlStore, signer: LogSigner | None = None, committed: Callable[[int, int], list[Committed]] | None = None
    ) -> None:
        """`committed(start, limit)`: the records committed from a position on (default: the event table beside the log)."""
        self.store = store
        self.signer = signer
        self.committed = committed or EventTable(store).committed
        if not store.database.replica:
            self._create_tables()
        self.heads = CaseHeadTree(store)

    def _create_tables(self) -> None:
        store = self.store
        with store.database.schema_lock(), store.transaction():
            if store.table_exists(CHECKPOINTS):  # created by init; the application's role may not create indexes
                return
            store.execute(
                f"CREATE TABLE IF NOT EXISTS {LEAVES} (leaf_index BIGINT PRIMARY KEY, notification_id BIGINT NOT NULL, "
                "stream_id TEXT NOT NULL, version BIGINT NOT NULL, record_hash BLOB NOT NULL)"
            )
            store.execute(f"CREATE INDEX IF NOT EXISTS {LEAVES}_stream ON {LEAVES} (stream_id, version)")
            store.execute(
                f"CREATE TABLE IF NOT EXISTS {NODES} (level INTEGER NOT NULL, idx BIGINT NOT NULL, hash BLOB NOT NULL, "
                "PRIMARY KEY (level, idx))"
            )
            store.execute(
                f"CREATE TABLE IF NOT EXISTS {CHECKPOINTS} (tree_size BIGINT NOT NULL, signed_at TEXT NOT NULL, note TEXT NOT NULL, "
                "PRIMARY KEY (tree_size, signed_at))"
            )

    # ------------------------------------------------------------------ appending
    def _serialise_writers(self) -> None:
        """One integrator at a time (SQLite's BEGIN IMMEDIATE already does this)."""
        if self.store.is_postgres:
            self.store.execute("SELECT pg_advisory_xact_lock(hashtext('tongban log'))")

    def head(self) -> tuple[int, int]:
        """(size, last notification id logged)."""
        row = self.store.fetchone(f"SELECT leaf_index, notification_id FROM {LEAVES} ORDER BY leaf_index DESC LIMIT 1")
        return (int(row[0]) + 1, int(row[1])) if row else (0, 0)

    def integrate(self, batch: int = INTEGRATE_BATCH) -> int:
        """Log every record committed since the last call; returns how many were added."""
        added = 0
        while True:
            with self.store.transaction():
                self._serialise_writers()
                size, last_id = self.head()
                records = self.committed(last_id + 1, batch)
                if not records:
                    return added
                try:
                    self._append(size, records)
                except (sqlite3.IntegrityError, psycopg.IntegrityError):
                    raise LogDamaged(f"nodes past its last leaf ({size - 1}) are already stored: leaves were removed") from None
            added += len(records)

    def _append(self, size: int, records: Sequence[Committed]) -> None:
        leaves = [(size + i, position, stream, version, digest) for i, (position, stream, version, digest) in enumerate(records)]
        completed = merkle.Frontier.of(size, self.nodes).extend([merkle.leaf_hash(digest) for *_, digest in leaves])
        self.store.insert(LEAVES, leaves)  # COPY on PostgreSQL: an INSERT a row was 2/3 of integrating
        self.store.insert(NODES, [(level, first + i, h) for level, first, hashes in completed[1:] for i, h in enumerate(hashes)])

    # ------------------------------------------------------------------ reading
    def size(self) -> int:
        return self.head()[0]

    def nodes(self, wanted: set[merkle.Node]) -> dict[merkle.Node, bytes]:
        """Stored perfect-subtree hashes, in (at most) two queries; leaf hashes come from the leaf table."""
        leaves = [(idx,) for level, idx in wanted if level == 0]
        interior = [node for node in wanted if node[0] > 0]
        rows = self.store.fetch_matching("SELECT leaf_index, record_hash", LEAVES, {"leaf_index": "bigint"}, leaves)
        found = {(0, int(i)): merkle.leaf_hash(bytes(h)) for i, h in rows}
        rows = self.store.fetch_matching("SELECT level, idx, hash", NODES, NODE_KEY, interior)
        found.update(((int(level), int(idx)), bytes(h)) for level, idx, h in rows)
        if len(found) != len(wanted):
            missing = ", ".join(f"(level {level}, index {index})" for level, index in sorted(wanted - found.keys())[:3])
            raise LogDamaged(f"it lacks nodes a proof needs: {missing}")
        return found

    def root(self, size: int | None = None) -> bytes:
        size = self.size() if size is None else size
        return merkle.span_hashes([(0, size)], self.nodes)[0] if size else merkle.EMPTY_ROOT

    def inclusion_proof(self, leaf_index: int, size: int) -> list[bytes]:
        return merkle.span_hashes(merkle.inclusion_spans(leaf_index, size), self.nodes)

    def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]:
        if old_size == new_size:
            return []
        return merkle.span_hashes(merkle.consistency_spans(old_size, new_size), self.nodes)

    def versions(self, stream_id: UUID) -> tuple[int, int]:
        """A stream's last version as the event table holds it and as the log does, in one read (0: none)."""
        events = EventTable(self.store)
        row = self.store.fetchone(
            f"SELECT (SELECT MAX(originator_version) FROM {events.name} WHERE originator_id = ?), "
            f"(SELECT MAX(version) FROM {LEAVES} WHERE stream_id = ?)",
            (events.native_id(str(stream_id)), str(stream_id)),
        )
        return (int(row[0] or 0), int(row[1] or 0)) if row else (0, 0)

    def records_of(self, stream_id: str, below: int | None = None) -> list[LoggedRecord]:
        """Where each record of one stream sits in the log (below a tree size, if given)."""
        rows = self.store.fetchall(
            f"SELECT leaf_index, notification_id, stream_id, version, record_hash FROM {LEAVES} WHERE stream_id = ? ORDER BY version",
            (stream_id,),
        )
        logged = [LoggedRecord(int(i), int(n), s, int(v), bytes(h)) for i, n, s, v, h in rows]
        return [r for r in logged if below is None or r.leaf_index < below]

    def logged(self, start: int = 0, batch: int = 10_000) -> Iterable[LoggedRecord]:
        """Every logged record from a position on, in log order."""
        for page in self.logged_pages(start, batch):
            yield from page

    def logged_pages(self, start: int = 0, batch: int = 10_000) -> Iterable[list[LoggedRecord]]:
        """Every logged record from a position on, in log order, `batch` positions at a time (fewer past a gap)."""
        while rows := self.store.ascending(
            "SELECT leaf_index, notification_id, stream_id, version, record_hash", LEAVES, "leaf_index", start, batch
        ):
            yield [LoggedRecord(int(i), int(n), s, int(v), bytes(h)) for i, n, s, v, h in rows]
            start = int(rows[-1][0]) + 1

    # ------------------------------------------------------------------ checkpoints
    def checkpoint(self, at: datetime) -> str:
        """Log what is new, fold it into the case-head tree, then sign and keep a checkpoint of both; returns the signed note."""
        return self.checkpoint_proving(at, ())[0]

    def checkpoint_proving(self, at: datetime, streams: Sequence[str]) -> tuple[str, list[dict[str, Any]]]:
        """A checkpoint, with the case-head proofs of `streams` against it read in the same transaction."""
        if self.signer is None:
            raise _no_log_key()
        self.integrate()
        self.heads.fold_backlog(self.size(), self._serialise_writers)
        with self.store.transaction():
            self._serialise_writers()
            size = self.head()[0]
            count, heads_root = self.heads.fold(size)
            note = self.signer.sign(checkpoint_text(self.signer.origin, size, self.root(size), at, count, heads_root))
            self.store.execute(f"INSERT INTO {CHECKPOINTS} VALUES (?, ?, ?) ON CONFLICT DO NOTHING", (size, at.isoformat(), note))
            return note, [self.heads.proof(stream, count) for stream in streams]

    def head_proofs(self, size: int, streams: Sequence[str]) -> list[dict[str, Any]] | None:
        """The case-head proofs of `streams` against the checkpoint of `size`, or None if the tree has moved past it."""
        with self.store.transaction():
            self._serialise_writers()
            folded, count = self.heads.folded()
            return [self.heads.proof(stream, count) for stream in streams] if folded == size else None

    def checkpoints(self) -> list[str]:
        """Every stored note, unchecked: use audit.newest_valid_checkpoint, which verifies them."""
        return [str(r[0]) for r in self.store.fetchall(f"SELECT note FROM {CHECKPOINTS} ORDER BY tree_size, signed_at")]


def _no_log_key() -> DomainError:
    return DomainError(
        "NO_LOG_KEY",
        "此密钥库没有经根密钥认证的日志密钥，不能签署检查点 (this keystore holds no log key the root certified, "
        "so no checkpoint can be signed: run `tongban init` where the keystore is, or `tongban verify` "
        "if the network's records are damaged).",
    )
