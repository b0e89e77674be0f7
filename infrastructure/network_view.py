"""The network as its records prove it: every read that reports verification takes its keys from here.

The network stream (institutions, key certifications and revocations, log keys) is read in version
order and believed only as far as each record is in place, chained to the one before and signed by the
root key. At the first gap, broken link or bad signature the reading stops and says so: nothing after it
is trusted. The aggregate `Network` is for commands; it is rebuilt by the library without these checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from infrastructure.records import GENESIS, KeyRing, check_record, record_hash


@dataclass
class VerifiedNetwork:
    keyring: KeyRing
    log_keys: dict[str, list[tuple[str, bytes]]] = field(default_factory=dict)  # log name -> (key id, public key)
    problems: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, records: Sequence[StoredEvent], network_id: UUID, root_public_key_hex: str) -> VerifiedNetwork:
        view = cls(KeyRing.from_root_hex(root_public_key_hex))
        prev = GENESIS
        for expected, stored in enumerate(sorted(records, key=lambda r: r.originator_version), start=1):
            body, problems = check_record(stored.state, str(network_id), stored.originator_version, view.keyring, network_stream=True)
            if stored.originator_version != expected:
                problems = [f"version {expected} is missing: the stream has a gap", *problems]
            elif body is not None and not problems and body["prev"] != prev:
                problems = ["previous-record hash does not match: a record before it was altered or removed"]
            if problems or body is None:
                view.problems.append(
                    f"network record version {stored.originator_version}: {'; '.join(problems)} (网络记录有误); "
                    "nothing from here on is trusted"
                )
                break
            view.keyring.apply(body)
            if body["type"] == "Network.LogKeyCertified":
                payload = body["payload"]
                view.log_keys.setdefault(payload["origin"], []).append((payload["key_id"], bytes.fromhex(payload["public_key_hex"])))
            prev = record_hash(stored.state)
        return view

    def log_public_keys(self) -> dict[str, list[bytes]]:
        return {origin: [public for _, public in keys] for origin, keys in self.log_keys.items()}
