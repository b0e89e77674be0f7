"""The bytes the ledger writes for others to check, in one place (docs/transparency-log.md): the audit bundle's
format name, a checkpoint's text, its C2SP signed-note signature, and the case-head leaf.

The standalone verifier (verifier/audit_verifier.py) implements the same from the documents and imports
nothing from here; tests/unit/test_formats_agree.py proves the two give the same bytes. Records themselves are
in records.py (docs/ledger-format.md), the tree in merkle.py (RFC 9162).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from domain.actor import SHANGHAI

BUNDLE_FORMAT = "tongban-audit-bundle/v1"
_SIGNATURE_LINE = "\u2014 "  # an em dash and a space start each signature line of a signed note


CASE_HEADS, CASE_HEADS_V1 = "case-heads/v2", "case-heads"  # a checkpoint's extension line: leaves in first-logged order, or by id


def case_head_leaf(first_leaf: int, case_id: str, version: int, head_hash_hex: str) -> bytes:
    """The data of one leaf of the case-head tree: what a checkpoint commits to about one case's last record.
    Leaves are in the order the streams were first logged: `first_leaf` is the log position of version 1."""
    return f"tongban-case-head/v2\n{first_leaf}\n{case_id}\n{version}\n{head_hash_hex}".encode()


def case_head_leaf_v1(case_id: str, version: int, head_hash_hex: str) -> bytes:
    """A leaf of the version-1 case-head tree (sorted by stream id), which checkpoints signed before v2 commit to."""
    return f"tongban-case-head/v1\n{case_id}\n{version}\n{head_hash_hex}".encode()


def checkpoint_text(origin: str, size: int, root: bytes, at: datetime, case_heads: int, case_heads_root: bytes) -> str:
    """The body of a checkpoint (c2sp.org/tlog-checkpoint): origin, tree size, root, then extension lines."""
    return (
        f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n"
        f"time {at.astimezone(SHANGHAI).isoformat(timespec='seconds')}\n"
        f"{CASE_HEADS} {case_heads} {base64.b64encode(case_heads_root).decode()}\n"
    )


def note_key_id(name: str, public_key: bytes) -> bytes:
    """C2SP signed-note key ID of an Ed25519 key: SHA-256(name || 0x0A || 0x01 || key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n\x01" + public_key).digest()[:4]


def sign_note(text: str, origin: str, key: Ed25519PrivateKey, public_key: bytes) -> str:
    """A signed note: the text, a blank line, and one signature line by the key named `origin`."""
    signature = note_key_id(origin, public_key) + key.sign(text.encode())
    return f"{text}\n{_SIGNATURE_LINE}{origin} {base64.b64encode(signature).decode()}\n"


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: dict[str, str]
    text: str

    @property
    def time(self) -> str:
        return self.extensions.get("time", "")


def open_checkpoint(note: str, log_keys: dict[str, list[bytes]]) -> tuple[Checkpoint | None, str]:
    """A checkpoint brought back or read from storage, if a log key (name -> public keys) signed it;
    else None and why not."""
    text, blank, signature_lines = note.partition("\n\n")
    if not blank or not text:
        return None, "not a signed note (no blank line before the signatures)"
    text += "\n"
    lines = text.splitlines()
    origin = lines[0]
    signed = False
    for line in signature_lines.splitlines():
        if not line.startswith(_SIGNATURE_LINE):
            return None, f"malformed signature line {line!r}"
        name, _, encoded = line.removeprefix(_SIGNATURE_LINE).rpartition(" ")
        if name != origin:
            continue  # a witness's or another log's signature does not make it this log's
        try:
            blob = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            return None, "a signature is not base64"
        for key in (k for k in log_keys.get(name, []) if note_key_id(name, k) == blob[:4]):
            try:
                Ed25519PublicKey.from_public_bytes(key).verify(blob[4:], text.encode())
            except InvalidSignature:
                return None, f"the signature of log key {name} does not verify: the checkpoint was altered"
            signed = True
    if not signed:
        return None, "no signature by a log key certified by the root key"
    if len(lines) < 3 or not lines[1].isdigit():
        return None, "the checkpoint text is not origin, size, root hash"
    root = base64.b64decode(lines[2])
    if origin not in log_keys or len(root) != 32:
        return None, "the checkpoint names another log, or its root hash is not 32 bytes"
    extensions = dict(line.split(" ", 1) for line in lines[3:] if " " in line)
    return Checkpoint(origin, int(lines[1]), root, extensions, text), ""
