"""The network as its records prove it: every read that reports verification takes its keys from here.

The network stream (institutions, key certifications and revocations, log keys) is read in version
order and believed only as far as each record is in place, chained to the one before and signed by the
root key. At the first gap, broken link or bad signature the reading stops and says so: nothing after it
is trusted. The aggregate `Network` is for commands; it is rebuilt by the library without these checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from infrastructure.records import GENESIS, KeyRing, check_record, record_hash


@dataclass
class Grant:
    """An API principal as the network's records issued it, and revoked it."""

    principal_id: str
    name: str
    institution_id: str
    roles: list[str]
    token_digest: str
    issued_at: str
    revoked_at: str | None = None


@dataclass
class VerifiedNetwork:
    keyring: KeyRing
    version: int = 0  # the last record believed
    log_keys: dict[str, list[tuple[str, bytes]]] = field(default_factory=dict)  # log name -> (key id, public key)
    principals: dict[str, Grant] = field(default_factory=dict)
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
            view._learn(body)
            view.version, prev = stored.originator_version, record_hash(stored.state)
        return view

    def _learn(self, body: dict[str, Any]) -> None:
        self.keyring.apply(body)
        p = body["payload"]
        if body["type"] == "Network.LogKeyCertified":
            self.log_keys.setdefault(p["origin"], []).append((p["key_id"], bytes.fromhex(p["public_key_hex"])))
        elif body["type"] == "Network.PrincipalIssued":
            self.principals[p["principal_id"]] = Grant(
                p["principal_id"], p["name"], p["institution_id"], list(p["roles"]), p["token_digest"], body["occurred_at"]
            )
        elif body["type"] == "Network.PrincipalRevoked" and p["principal_id"] in self.principals:
            self.principals[p["principal_id"]].revoked_at = body["occurred_at"]

    def log_public_keys(self) -> dict[str, list[bytes]]:
        return {origin: [public for _, public in keys] for origin, keys in self.log_keys.items()}
