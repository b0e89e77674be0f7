"""Which key signs a record: chosen from one version of the network, by the rule verification applies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.network import Network
from infrastructure.keystore import Keystore, public_hex
from infrastructure.records import KeyRing


def keyring_of(network: Network) -> KeyRing:
    """The keys the root certified in this network, with their validity windows and revocations."""
    ring = KeyRing.from_root_hex(network.root_public_key_hex)
    for cert in network.keys.values():
        ring.certify(cert.key_id, cert.institution_id, cert.public_key_hex, cert.valid_from, cert.valid_until)
        if cert.revoked_at:
            ring.revoke(cert.key_id, cert.revoked_at)
    return ring


@dataclass(frozen=True)
class SigningKeys:
    """The keys this keystore may sign with under one version of the network, newest first per institution.
    A key file whose key is not the certified one (another ledger's) is never among them."""

    network_version: int
    ring: KeyRing
    held: dict[str, list[str]]

    @classmethod
    def of(cls, network: Network, keystore: Keystore) -> SigningKeys:
        held: dict[str, list[str]] = {}
        for cert in sorted(network.keys.values(), key=lambda c: c.valid_from, reverse=True):
            if keystore.has_key(cert.key_id) and public_hex(keystore.signing_key(cert.key_id)) == cert.public_key_hex:
                held.setdefault(cert.institution_id, []).append(cert.key_id)
        return cls(network.version, keyring_of(network), held)

    def choose(self, body: dict[str, Any]) -> str | None:
        """The newest held key of the acting institution that verification will accept for this record."""
        for key_id in self.held.get(body["institution"], []):
            if self.ring.key_for(key_id, body, network_stream=False)[0] is not None:
                return key_id
        return None
