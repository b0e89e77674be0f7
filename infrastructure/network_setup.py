"""Setting up a city's network: the root key, the institutions and their certified keys; key rotation."""

from __future__ import annotations

from datetime import datetime

from domain.actor import Actor, iso, iso_precise
from domain.network import Institution, Network
from domain.vocabulary import Role
from infrastructure.keystore import ROOT_KEY_ID, public_hex
from infrastructure.ledger import CaseLedger

LOG_KEY_ID = "log.k1"


def initialise_network(ledger: CaseLedger, institutions: list[Institution], bureau_id: str, at: datetime) -> list[str]:
    """Create what is missing, and nothing else: safe to run twice. Returns what was done."""
    keystore, done = ledger.keystore, []
    by = Actor(bureau_id, "system", Role.BUREAU).record()
    if not keystore.has_key(ROOT_KEY_ID):
        keystore.create_root_key()
        done.append("created the root key")
    if ledger.has_network():
        network = ledger.network(refresh=True)
    else:
        network = Network(city=ledger.policy.city, root_public_key_hex=keystore.root_public_key_hex(), by=by, at=iso(at))
        done.append(f"founded the network of {ledger.policy.city}")
    for inst in institutions:
        if inst.institution_id not in network.institutions:
            network.register_institution(inst, by=by, at=iso(at))
            done.append(f"registered {inst.name}")
    active = keystore.active_keys()
    for inst in institutions:
        key_id = active.get(inst.institution_id)
        if key_id is None or key_id not in network.keys:
            key_id = _next_key_id(network, inst.institution_id)
            key = keystore.signing_key(key_id) if keystore.has_key(key_id) else keystore.create_signing_key(key_id)
            network.certify_key(key_id, inst.institution_id, public_hex(key), iso_precise(at), None, by=by, at=iso_precise(at))
            keystore.set_active_key(inst.institution_id, key_id)
            done.append(f"certified key {key_id}")
    if not network.log_keys:
        key = keystore.signing_key(LOG_KEY_ID) if keystore.has_key(LOG_KEY_ID) else keystore.create_signing_key(LOG_KEY_ID)
        network.certify_log_key(LOG_KEY_ID, log_origin(ledger), public_hex(key), iso_precise(at), by=by, at=iso_precise(at))
        done.append(f"certified the log key {LOG_KEY_ID} for checkpoints of {log_origin(ledger)}")
    ledger.save_network(network)
    return done


def log_origin(ledger: CaseLedger) -> str:
    """The global log's name, first line of every checkpoint (a schema-less URL, as C2SP recommends)."""
    return f"tongban.legal-aid/{ledger.policy.name}"


def rotate_key(ledger: CaseLedger, institution_id: str, at: datetime, reason: str = "scheduled rotation") -> str:
    """Certify a new key for an institution and revoke the old one from the same moment on."""
    network = ledger.network(refresh=True)
    bureau = network.directory().bureau()
    by = Actor(bureau.institution_id, "system", Role.BUREAU).record()
    old = ledger.keystore.active_keys().get(institution_id)
    key_id = _next_key_id(network, institution_id)
    key = ledger.keystore.create_signing_key(key_id)
    network.certify_key(key_id, institution_id, public_hex(key), iso_precise(at), None, by=by, at=iso_precise(at))
    if old is not None and old in network.keys and network.keys[old].revoked_at is None:
        network.revoke_key(old, reason, by=by, at=iso_precise(at))
    ledger.save_network(network)
    ledger.keystore.set_active_key(institution_id, key_id)
    return key_id


def _next_key_id(network: Network, institution_id: str) -> str:
    n = 1 + sum(1 for k in network.keys.values() if k.institution_id == institution_id)
    return f"{institution_id}.k{n}"
