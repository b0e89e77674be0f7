"""Signed records: the one canonical form in which every event is stored (docs/ledger-format.md).

record   = {"body": BODY, "key_id": KID, "signature": base64(Ed25519(PREFIX || canonical(BODY)))}
stored   = canonical(record)
hash     = SHA-256(stored), hex; BODY.prev is the hash of the case's previous record

Records are signed and verified with libsodium (PyNaCl), the faster of the two Ed25519 libraries at both; the
keystore's key files stay `cryptography`'s (keystore.py).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nacl.exceptions import CryptoError
from nacl.signing import SignedMessage, SigningKey, VerifyKey

from infrastructure.canonical import canonical_json
from infrastructure.keystore import ROOT_KEY_ID

PREFIX = b"tongban-ledger-record/v1\n"  # domain separation: what is signed is never anything else
GENESIS = "0" * 64  # BODY.prev of a case's first record
RECORD_FIELDS = frozenset({"body", "key_id", "signature"})
BODY_FIELDS = frozenset(
    {"case_id", "version", "type", "schema", "occurred_at", "recorded_at", "institution", "person", "role", "payload", "prev"}
)


def record_hash(stored: bytes) -> str:
    return hashlib.sha256(stored).hexdigest()


def encode_record(body: dict[str, Any], key_id: str, key: SigningKey | Ed25519PrivateKey) -> bytes:
    """The stored record of `body`, signed by `key`: the keystore's libsodium signer on the write path, or the
    key file's own `cryptography` key (the same signature: Ed25519 is deterministic)."""
    body_bytes = canonical_json(body)
    signed = key.sign(PREFIX + body_bytes)
    signature = base64.b64encode(signed.signature if isinstance(signed, SignedMessage) else signed).decode()
    # Keys "body" < "key_id" < "signature" are already in sorted order: this equals canonical(record).
    return b'{"body":' + body_bytes + b',"key_id":' + json.dumps(key_id).encode() + b',"signature":"' + signature.encode() + b'"}'


@dataclass
class Certificate:
    key_id: str
    institution_id: str
    public_key: VerifyKey
    valid_from: datetime
    valid_until: datetime | None
    revoked_at: datetime | None = None


@dataclass
class KeyRing:
    """The keys the root certified, with their validity windows, as read from the network's records."""

    root: VerifyKey
    certificates: dict[str, Certificate] = field(default_factory=dict)

    @classmethod
    def from_root_hex(cls, root_hex: str) -> KeyRing:
        return cls(VerifyKey(bytes.fromhex(root_hex)))

    def certify(self, key_id: str, institution_id: str, public_key_hex: str, valid_from: str, valid_until: str | None) -> None:
        self.certificates[key_id] = Certificate(
            key_id,
            institution_id,
            VerifyKey(bytes.fromhex(public_key_hex)),
            datetime.fromisoformat(valid_from),
            datetime.fromisoformat(valid_until) if valid_until else None,
        )

    def revoke(self, key_id: str, at: str) -> None:
        if key_id in self.certificates:  # the earliest revocation holds
            cert, when = self.certificates[key_id], datetime.fromisoformat(at)
            cert.revoked_at = min(when, cert.revoked_at or when)

    def apply(self, body: dict[str, Any]) -> None:
        """Learn from a (verified) network record: a certification or a revocation."""
        p = body["payload"]
        if body["type"] == "Network.KeyCertified":
            self.certify(p["key_id"], p["institution_id"], p["public_key_hex"], p["valid_from"], p.get("valid_until"))
        elif body["type"] == "Network.KeyRevoked":
            self.revoke(p["key_id"], body["occurred_at"])

    def key_for(self, key_id: str, body: dict[str, Any], network_stream: bool) -> tuple[VerifyKey | None, str]:
        """The public key that may have signed this record, or None and the reason why none may."""
        if network_stream or key_id == ROOT_KEY_ID:
            if network_stream and key_id == ROOT_KEY_ID:
                return self.root, ""
            return None, "network records must be signed by the root key, case records by an institution key"
        cert = self.certificates.get(key_id)
        if cert is None:
            return None, f"key {key_id} was never certified by the root"
        if cert.institution_id != body["institution"]:
            return None, f"key {key_id} belongs to {cert.institution_id}, not to {body['institution']}"
        when = datetime.fromisoformat(body["recorded_at"])
        if when < cert.valid_from or (cert.valid_until is not None and when >= cert.valid_until):
            return None, f"key {key_id} was not valid at {body['recorded_at']}"
        if cert.revoked_at is not None and when >= cert.revoked_at:
            return None, f"key {key_id} was revoked at {cert.revoked_at.isoformat()}"
        return cert.public_key, ""


def _refuse_float(literal: str) -> Any:
    raise ValueError(f"float {literal} is not allowed")


_STRICT = json.JSONDecoder(parse_float=_refuse_float)


def _parse(stored: bytes) -> tuple[Any, bool]:
    """The stored record parsed strictly, and whether it is in canonical form (canonical.py). orjson re-serialises
    it, six times faster than json and to the same bytes, unless it holds what orjson cannot write (an integer
    beyond 64 bits, a lone surrogate): then json does."""
    record = _STRICT.decode(stored.decode())
    try:
        return record, orjson.dumps(record, option=orjson.OPT_SORT_KEYS) == stored
    except orjson.JSONEncodeError:
        return record, json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode() == stored


def check_record(
    stored: bytes, case_id: str, version: int, keyring: KeyRing, network_stream: bool
) -> tuple[dict[str, Any] | None, list[str]]:
    """Check one record on its own: canonical form, what it binds, and its signature. Returns (body, problems)."""
    try:
        record, canonical = _parse(stored)
        body = record["body"]
        key_id, signature = record["key_id"], base64.b64decode(record["signature"], validate=True)
    except (ValueError, KeyError, TypeError) as exc:  # a lone surrogate fails at encoding: UnicodeError is a ValueError
        return None, [f"not a readable record: {exc}"]
    if not isinstance(body, dict):
        return None, ["record fields are not those of the format"]
    problems = []
    if record.keys() != RECORD_FIELDS or body.keys() != BODY_FIELDS:
        problems.append("record fields are not those of the format")
    elif not canonical:
        problems.append("record is not in canonical form")
    if body.get("case_id") != case_id or body.get("version") != version:
        problems.append(f"record says case {body.get('case_id')} version {body.get('version')}, stored as {case_id} version {version}")
    if problems:
        return body, problems
    try:
        public_key, why = keyring.key_for(key_id, body, network_stream)
    except (TypeError, ValueError) as exc:  # a key id or time that is no string, a time that is no time
        return body, [f"not a readable record: {exc}"]
    if public_key is None:
        return body, [why]
    # The record is canonical, so the signed body is exactly the bytes between '{"body":' and ',"key_id":'.
    body_bytes = stored[len(b'{"body":') : stored.rindex(b',"key_id":')]
    try:
        public_key.verify(PREFIX + body_bytes, signature)
    except CryptoError:  # a bad signature, or a key that is no curve point
        return body, [f"signature does not verify under key {key_id}"]
    if network_stream and body["type"] == "Network.KeyCertified" and body["payload"]["key_id"] in keyring.certificates:
        # Certified once: a second certification would give a revoked key id a new, unrevoked life.
        return body, [f"key id {body['payload']['key_id']} was already certified: a key id is certified once"]
    return body, []


def parse_stored(stored: bytes) -> Any:
    """A stored record parsed by orjson, three times faster than json; by json where orjson refuses what json reads
    (an integer beyond 64 bits, a lone surrogate): the same values either way, records holding no floats (canonical.py
    refuses them). For plain reads (replay, read models); verify parses strictly (`_parse`)."""
    try:
        return orjson.loads(stored)
    except orjson.JSONDecodeError:
        return json.loads(stored)
