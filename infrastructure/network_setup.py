"""Setting up a city's network: the root key, the institutions and their certified keys; key rotation."""

from __future__ import annotations

from datetime import datetime

from domain.actor import Actor, iso, iso_precise
from domain.errors import DomainError
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
        network = ledger.network_for_change()
    else:
        network = Network(city=ledger.policy.city, root_public_key_hex=keystore.root_public_key_hex(), by=by, at=iso(at))
        done.append(f"founded the network of {ledger.policy.city}")
    for inst in institutions:
        if inst.institution_id not in network.institutions:
            network.register_institution(inst, by=by, at=iso(at))
            done.append(f"registered {inst.name}")
    for inst in institutions:
        key_id = network.active_key_id(inst.institution_id)
        if key_id is None or not keystore.has_key(key_id):
            key_id = _next_key_id(network, inst.institution_id)
            key = keystore.signing_key(key_id) if keystore.has_key(key_id) else keystore.create_signing_key(key_id)
            network.certify_key(key_id, inst.institution_id, public_hex(key), iso_precise(at), None, by=by, at=iso_precise(at))
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
    """Certify a new key for an institution and revoke the old one from the same moment on. Every other
    process signs with the new key from its next write (it confirms the network inside each transaction).
    A refused rotation leaves no key file behind."""
    for _ in range(5):
        network = ledger.network_for_change()
        network.directory().get(institution_id)  # an unknown institution is refused before any key is made
        by = Actor(network.directory().bureau().institution_id, "system", Role.BUREAU).record()
        old = network.active_key_id(institution_id)
        # From now, never earlier: the ledger's check of the revocation assumes its time follows the read above.
        at = max(at, datetime.now(at.tzinfo))
        key_id = _next_key_id(network, institution_id, ledger)
        try:
            key = ledger.keystore.create_signing_key(key_id)
        except FileExistsError:  # another rotation of this institution is under way: read the network again
            continue
        try:
            network.certify_key(key_id, institution_id, public_hex(key), iso_precise(at), None, by=by, at=iso_precise(at))
            if old is not None:
                network.revoke_key(old, reason, by=by, at=iso_precise(at))
            ledger.save_network(network)
            return key_id
        except DomainError as refusal:
            ledger.keystore.discard_signing_key(key_id)
            if refusal.code not in ("KEY_USED_AFTER_REVOCATION", "VERSION_CONFLICT"):
                raise
        except BaseException:
            ledger.keystore.discard_signing_key(key_id)
            raise
    raise DomainError("NETWORK_BUSY", "网络密钥不断变更，请重试 (the network's keys kept changing; retry).")


def _next_key_id(network: Network, institution_id: str, ledger: CaseLedger | None = None) -> str:
    n = 1 + sum(1 for k in network.keys.values() if k.institution_id == institution_id)
    while ledger is not None and ledger.keystore.has_key(f"{institution_id}.k{n}"):
        n += 1  # a key file left by an older version's refused rotation: never reuse it
    return f"{institution_id}.k{n}"
