"""What a new record chains to: the hash of the record stored just before it in its stream.

Remembered only for records known to be stored (read back, or written by a transaction that committed),
so a write that lost a race leaves nothing behind to chain to. A miss costs one read of that record.
The remembered hash is never trusted on its own: each write's transaction confirms it (recorders.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from infrastructure.records import GENESIS, record_hash

_MAX = 100_000  # about 10 MB of hashes; forgotten all at once when full (a miss is one read)

Read = Callable[[UUID, int], Sequence[StoredEvent]]  # the stored record of (stream, version), if any


class ChainHeads:
    def __init__(self, read: Read) -> None:
        self._read = read
        self._stored: dict[tuple[UUID, int], str] = {}

    def remember(self, stream: UUID, version: int, stored_hash: str) -> None:
        if len(self._stored) >= _MAX:
            self._stored.clear()
        self._stored[(stream, version)] = stored_hash

    def remember_record(self, record: StoredEvent) -> None:
        assert isinstance(record.originator_id, UUID)
        self.remember(record.originator_id, record.originator_version, record_hash(record.state))

    def forget(self, stream: UUID, version: int) -> None:
        self._stored.pop((stream, version), None)

    def before(self, stream: UUID, version: int) -> str:
        """The hash a record at `version` chains to."""
        if version == 1:
            return GENESIS
        known = self._stored.get((stream, version - 1))
        if known is not None:
            return known
        previous = self._read(stream, version - 1)
        if not previous:
            raise LookupError(f"stream {stream} has no version {version - 1} to chain to")
        stored_hash = record_hash(previous[0].state)
        self.remember(stream, version - 1, stored_hash)
        return stored_hash
